package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.attribution.bridge.NeuronScore;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;

/** The per-instance record, refinement across paraphrases and argument checks, on the fixtures' tiny classifier. */
class NeuronAttributorTest {
    private static final Fixture FIXTURE = Fixture.load("opt_cls");
    private static final LanguageModel MODEL = FIXTURE.model(ReferenceBackend.INSTANCE);
    private static final int[] IDS = FIXTURE.igIds();
    private static final IgOptions OPTIONS = new IgOptions(5, Quadrature.RIGHT, reveal.model.arch.FfnPoint.POST, IgOptions.PREDICTED, IgOptions.LAST);

    @Test
    void recordHoldsTheSelectedNeuronsByScoreAndRoundTrips() {
        NeuronIg ig = NeuronAttributor.integratedGradients(MODEL, IDS, OPTIONS);
        InstanceNeurons record = NeuronAttributor.attribute(MODEL, 7, IDS, 2, OPTIONS, NeuronSelection.threshold(0.1), true);

        assertEquals(7, record.selected().instanceId());
        assertEquals(2, record.selected().gold());
        assertEquals(ig.predicted(), record.selected().predicted());
        assertEquals(ig.predicted(), record.target());
        assertEquals(NeuronSelection.threshold(0.1).select(ig.attributions()), record.selected().neurons());
        List<NeuronScore> neurons = record.selected().neurons();
        assertTrue(neurons.size() >= 1);
        for (int i = 1; i < neurons.size(); i++) assertTrue(neurons.get(i - 1).score() >= neurons.get(i).score(), "sorted by score");
        assertArrayEquals(ig.completenessGap(), record.completenessGap(), 0.0);

        InstanceNeurons back = InstanceNeurons.fromRecord(Json.parseObject(Json.write(record.toRecord())));
        assertEquals(record.selected(), back.selected());
        assertEquals(record.target(), back.target());
        assertEquals(record.probability(), back.probability(), 0.0);
        for (int l = 0; l < ig.attributions().length; l++) assertArrayEquals(ig.attributions()[l], back.rows()[l], 0.0);

        assertNull(NeuronAttributor.attribute(MODEL, 7, IDS, 2, OPTIONS, NeuronSelection.topK(3), false).rows());
    }

    @Test
    void refinementKeepsWhatTheParaphrasesShareForOneTarget() {
        List<int[]> paraphrases = List.of(IDS, java.util.Arrays.copyOfRange(IDS, 1, IDS.length), java.util.Arrays.copyOfRange(IDS, 2, IDS.length));
        NeuronSelection coarse = NeuronSelection.topK(20);
        int target = NeuronAttributor.integratedGradients(MODEL, IDS, OPTIONS).target();
        List<List<NeuronScore>> sets = new ArrayList<>();
        for (int[] p : paraphrases) sets.add(coarse.select(NeuronAttributor.integratedGradients(MODEL, p, OPTIONS.withTarget(target)).attributions()));

        List<NeuronScore> refined = NeuronAttributor.refined(MODEL, paraphrases, OPTIONS, coarse, 2.0 / 3);
        assertEquals(NeuronSelection.refine(sets, 2.0 / 3), refined);
        assertTrue(refined.size() < 3 * 20, "refinement drops neurons that only one paraphrase has");
    }

    @Test
    void aClassifierIsAttributedAtItsPoolingTokenNotAtTrailingPads() {
        int pad = MODEL.config().padTokenId();
        int[] padded = java.util.Arrays.copyOf(IDS, IDS.length + 2);
        padded[IDS.length] = pad;
        padded[IDS.length + 1] = pad;
        NeuronIg plain = NeuronAttributor.integratedGradients(MODEL, IDS, OPTIONS);
        NeuronIg withPads = NeuronAttributor.integratedGradients(MODEL, padded, OPTIONS);
        assertEquals(IDS.length - 1, withPads.position());
        for (int l = 0; l < plain.attributions().length; l++) assertArrayEquals(plain.attributions()[l], withPads.attributions()[l], 0.0);
        IllegalArgumentException afterPool = assertThrows(IllegalArgumentException.class,
                () -> NeuronAttributor.integratedGradients(MODEL, padded, OPTIONS.withPosition(IDS.length)));
        assertTrue(afterPool.getMessage().contains("pools"), afterPool.getMessage());
    }

    @Test
    void badTargetsAndPositionsAreNamed() {
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> NeuronAttributor.integratedGradients(MODEL, IDS, OPTIONS.withTarget(3)));
        assertTrue(target.getMessage().contains("target 3"), target.getMessage());
        IllegalArgumentException position = assertThrows(IllegalArgumentException.class,
                () -> NeuronAttributor.integratedGradients(MODEL, IDS, OPTIONS.withPosition(IDS.length)));
        assertTrue(position.getMessage().contains("position " + IDS.length), position.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IgOptions(0, Quadrature.RIGHT, reveal.model.arch.FfnPoint.POST, -1, -1));
    }
}
