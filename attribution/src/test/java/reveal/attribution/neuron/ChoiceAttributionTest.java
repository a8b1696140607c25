package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.engine.Autograd;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;

/**
 * Neuron attribution of a multiple-choice instance (CSQA style) on the fixtures' OPT backbone with a one-label
 * scoring head, in float64: F is the target choice's softmax probability over all the choices' scores, computed
 * here independently, and the attributions of each layer add up to F(a) - F(0).
 */
class ChoiceAttributionTest {
    private static final Fixture FIXTURE = Fixture.load("opt_cls");
    private static final LanguageModel SCORER = Classifiers.withNewHead(FIXTURE.model(ReferenceBackend.INSTANCE), List.of("score"), 11);
    private static final int[] IDS = FIXTURE.igIds();
    private static final int[][] CHOICES = {IDS, Arrays.copyOfRange(IDS, 1, IDS.length), Arrays.copyOf(IDS, IDS.length - 1), withLast(IDS, 7)};

    @Test
    void explainsThePredictedChoicesProbabilityOverAllChoices() {
        double[] scores = new double[CHOICES.length];
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int j = 0; j < CHOICES.length; j++) scores[j] = SCORER.classLogits(new int[][] {CHOICES[j]}, null, null).item();
        }
        int best = 0;
        for (int j = 1; j < scores.length; j++) if (scores[j] > scores[best]) best = j;
        double sum = 0;
        for (double s : scores) sum += Math.exp(s - scores[best]);

        NeuronIg ig = NeuronAttributor.integratedGradientsOfChoice(SCORER, CHOICES, new IgOptions(100, Quadrature.RIGHT, FfnPoint.POST, IgOptions.PREDICTED, IgOptions.LAST));
        assertEquals(best, ig.predicted());
        assertEquals(best, ig.target());
        assertEquals(1 / sum, ig.probability(), 1e-12, "F(a) is the predicted choice's probability");
        // A right Riemann sum misses the integral by O(1/m): four times the steps, about a quarter of the gap.
        double[] gap = ig.completenessGap();
        double[] finer = NeuronAttributor.integratedGradientsOfChoice(SCORER, CHOICES, new IgOptions(400, Quadrature.RIGHT, FfnPoint.POST,
                IgOptions.PREDICTED, IgOptions.LAST)).completenessGap();
        for (int l = 0; l < gap.length; l++) {
            double change = ig.probability() - ig.baselineProbability()[l];
            assertTrue(Math.abs(gap[l]) <= 0.05 * Math.abs(change) + 1e-12, "layer " + l + ": attributions sum to F(a) - F(0) = " + change + " up to " + gap[l]);
            assertTrue(Math.abs(finer[l]) <= 0.3 * Math.abs(gap[l]) + 1e-12, "layer " + l + ": the gap shrinks as 1/m: " + gap[l] + " at 100 steps, " + finer[l] + " at 400");
        }
    }

    @Test
    void anotherChoiceCanBeExplained() {
        IgOptions options = new IgOptions(4, Quadrature.PAPER, FfnPoint.PRE, 2, IgOptions.LAST);
        NeuronIg ig = NeuronAttributor.integratedGradientsOfChoice(SCORER, CHOICES, options);
        assertEquals(2, ig.target());
        assertEquals(CHOICES[2].length - 1, ig.position(), "the target choice's own last token");
        InstanceNeurons record = NeuronAttributor.attributeChoice(SCORER, 3, CHOICES, 1, options, NeuronSelection.topK(4), false);
        assertEquals(1, record.selected().gold());
        assertEquals(ig.predicted(), record.selected().predicted());
        assertEquals(4, record.selected().neurons().size());
    }

    private static int[] withLast(int[] ids, int last) {
        int[] out = ids.clone();
        out[out.length - 1] = last;
        return out;
    }
}
