package reveal.eval.faithfulness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.engine.cpu.CpuBackend;
import reveal.model.Classifiers;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.attribution.bridge.Neuron;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

class NeuronFaithfulnessTest {

    /**
     * A two-class model with fixed activations per token id: logit(class 0) = (sum of every layer's edited
     * activations at the last token) - 0.5, logit(class 1) = 0. The edits go through the real hook interface.
     */
    static final class LinearToy implements NeuronFaithfulness.Model {
        final double[][][] activations; // [token id][layer][neuron]

        LinearToy(double[][][] activations) {
            this.activations = activations;
        }

        public int layers() {
            return activations[0].length;
        }

        public int ffnWidth() {
            return activations[0][0].length;
        }

        public FfnPoint point() {
            return FfnPoint.PRE;
        }

        public double[][] probabilities(List<int[]> batch, FfnHook hook) {
            int b = batch.size(), w = ffnWidth();
            double[] logit = new double[b];
            int[] last = new int[b];
            for (int r = 0; r < b; r++) last[r] = batch.get(r).length - 1;
            int length = batch.get(0).length;
            for (int l = 0; l < layers(); l++) {
                double[] v = new double[b * length * w];
                for (int r = 0; r < b; r++)
                    for (int t = 0; t < length; t++)
                        System.arraycopy(activations[batch.get(r)[t]][l], 0, v, (r * length + t) * w, w);
                Tensor value = Tensor.of(ReferenceBackend.INSTANCE, v, b, length, w);
                FfnHook.Span span = new FfnHook.Span(0, length, last);
                Tensor edited = hook.apply(l, FfnPoint.PRE, value, span);
                assertSame(value, hook.apply(l, FfnPoint.POST, value, span), "only the attributed hook point is edited");
                double[] e = edited.toDoubleArray();
                for (int r = 0; r < b; r++) for (int i = 0; i < w; i++) logit[r] += e[(r * length + last[r]) * w + i];
            }
            double[][] p = new double[b][];
            for (int r = 0; r < b; r++) {
                double p0 = 1 / (1 + Math.exp(-(logit[r] - 0.5)));
                p[r] = new double[] {p0, 1 - p0};
            }
            return p;
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    // Token 0 = instance A, token 1 = instance B, token 2 = a neutral earlier token (all zeros but one neuron).
    static final double[][][] ACTS = {
        {{2, 0, 0}, {0, 0, 0}},
        {{0, 1, 0}, {0, 0, 1}},
        {{9, 9, 9}, {9, 9, 9}}};

    @Test
    void suppressEnhanceAndSufficiencyEditOnlyTheLastToken() {
        LinearToy toy = new LinearToy(ACTS);
        // The earlier token 2 carries large activations: an edit there would show, but only the last token counts.
        List<int[]> tests = List.of(new int[] {2, 0}, new int[] {2, 1});
        NeuronFaithfulness nf = new NeuronFaithfulness(toy, tests, 1);
        assertArrayEquals(new double[] {sigmoid(1.5), 1 - sigmoid(1.5)}, nf.baseline()[0], 1e-12);
        List<List<Neuron>> sets = List.of(List.of(new Neuron(0, 0)), List.of(new Neuron(1, 2), new Neuron(1, 2)));

        BlockingEffect suppress = nf.effect(sets, NeuronSetEdit.Mode.SUPPRESS);
        // A: 1.5 -> -0.5 flips; B: 1.5 -> 0.5 keeps class 0.
        assertEquals(0.5, suppress.changeRate(), 1e-12);
        assertEquals(((sigmoid(1.5) - sigmoid(-0.5)) + (sigmoid(1.5) - sigmoid(0.5))) / 2, suppress.probabilityDrop(), 1e-12);

        BlockingEffect enhance = nf.effect(sets, NeuronSetEdit.Mode.ENHANCE);
        // A: 3.5; B: 2.5 (the duplicate neuron is doubled once).
        assertEquals(0, enhance.changeRate());
        assertEquals(((sigmoid(1.5) - sigmoid(3.5)) + (sigmoid(1.5) - sigmoid(2.5))) / 2, enhance.probabilityDrop(), 1e-12);

        BlockingEffect sufficiency = nf.effect(sets, NeuronSetEdit.Mode.SUFFICIENCY);
        // A keeps its only active neuron (1.5); B keeps (1,2) and loses (0,1): 0.5.
        assertEquals(0, sufficiency.changeRate());
        assertEquals((0 + (sigmoid(1.5) - sigmoid(0.5))) / 2, sufficiency.probabilityDrop(), 1e-12);
    }

    @Test
    void randomControlsAreSeededAndSummarised() {
        LinearToy toy = new LinearToy(ACTS);
        NeuronFaithfulness nf = new NeuronFaithfulness(toy, List.of(new int[] {0}, new int[] {1}), 2);
        List<List<Neuron>> sets = List.of(List.of(new Neuron(0, 0)), List.of(new Neuron(1, 2)));
        NeuronFaithfulness.SetResult a = nf.evaluate("NA", sets, new long[] {42, 43, 44}), b = nf.evaluate("NA", sets, new long[] {42, 43, 44});
        assertEquals(1.0, a.meanSize());
        assertEquals(List.of(NeuronSetEdit.Mode.SUPPRESS, NeuronSetEdit.Mode.ENHANCE, NeuronSetEdit.Mode.SUFFICIENCY), a.modes().stream().map(NeuronFaithfulness.ModeResult::mode).toList());
        for (int m = 0; m < 3; m++) {
            NeuronFaithfulness.ModeResult r = a.modes().get(m);
            assertEquals(3, r.randomDrop().runs().length);
            assertEquals((r.randomDrop().runs()[0] + r.randomDrop().runs()[1] + r.randomDrop().runs()[2]) / 3, r.randomDrop().mean(), 1e-12);
            assertArrayEquals(r.randomDrop().runs(), b.modes().get(m).randomDrop().runs());
            // The verdict's arms: the real drops and each control's, signed so that larger = what a faithful set does.
            assertEquals(3, r.signedControls().length);
            for (int t = 0; t < 2; t++) assertEquals(r.expectedSign() * r.real().drop()[t], r.signedReal()[0][t], 1e-15);
        }
        assertEquals(1, a.modes().get(0).expectedSign(), "suppressing a faithful set drops the prediction more");
        assertEquals(-1, a.modes().get(2).expectedSign(), "keeping a faithful set alone drops it less");
        // Each random control run is exactly the effect of the seeded random sets.
        BlockingEffect first = nf.effect(RandomNeurons.like(sets, 2, 3, 42), NeuronSetEdit.Mode.SUPPRESS);
        assertEquals(first.probabilityDrop(), a.modes().get(0).randomDrop().runs()[0], 1e-15);
    }

    @Test
    void specificityComparesTheOwnInstanceWithOtherFacts() {
        LinearToy toy = new LinearToy(ACTS);
        NeuronFaithfulness nf = new NeuronFaithfulness(toy, List.of(new int[] {0}, new int[] {1}), 8);
        List<List<Neuron>> sets = List.of(List.of(new Neuron(0, 0)), List.of(new Neuron(1, 2)));
        NeuronFaithfulness.Specificity s = nf.specificity(sets, List.of("Lily:pet", "Tim:job"), 5, 1);
        assertEquals(2, s.own().instances());
        assertEquals(0.5, s.own().changeRate(), 1e-12);
        // A's neuron (0,0) is silent in B, and B's (1,2) is silent in A: no effect on the other fact.
        assertEquals(0, s.other().probabilityDrop(), 1e-12);
        assertEquals(0, s.other().changeRate(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, s.otherDrop(), 1e-12);
    }

    /** Token sequences of the embedded model's vocabulary: the prefix token, then 3 to 8 seeded random ids. */
    static List<int[]> sequences(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<int[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[4 + r.nextInt(6)];
            ids[0] = 1;
            for (int t = 1; t < ids.length; t++) ids[t] = 3 + r.nextInt(500);
            out.add(ids);
        }
        return out;
    }

    static LanguageModel embedded(List<String> labels, long seed) {
        LanguageModel lm = LanguageModel.load(EmbeddedModel.stories260K().resolve("hf_llama_layout"), new CpuBackend(1));
        return Classifiers.withNewHead(lm, labels, seed);
    }

    @Test
    void eachInstanceKeepsItsOwnSetAcrossInferenceBatches() {
        // More instances than Classifiers' inference batch (32): every row's set must still edit that row.
        LanguageModel classifier = embedded(List.of("a", "b", "c"), 5);
        NeuronFaithfulness.Model model = NeuronFaithfulness.Model.of(classifier, FfnPoint.POST);
        List<int[]> tests = sequences(45, 1);
        List<List<Neuron>> sets = RandomNeurons.like(java.util.Collections.nCopies(45, List.of(new Neuron(0, 0), new Neuron(1, 1), new Neuron(2, 2))),
                model.layers(), model.ffnWidth(), 3);
        for (NeuronSetEdit.Mode mode : NeuronSetEdit.Mode.values()) {
            double[] batched = new NeuronFaithfulness(model, tests, 128).effect(sets, mode).drop();
            double[] single = new NeuronFaithfulness(model, tests, 1).effect(sets, mode).drop();
            assertArrayEquals(single, batched, 1e-6, mode.label());
        }
    }

    @Test
    void choiceInstancesEditOnlyThePredictedChoiceAndSoftmaxOverTheChoices() {
        LanguageModel scorer = embedded(List.of("score"), 7);
        List<int[]> flat = sequences(3 * 4, 2);
        List<int[][]> instances = List.of(flat.subList(0, 4).toArray(int[][]::new), flat.subList(4, 8).toArray(int[][]::new),
                flat.subList(8, 12).toArray(int[][]::new));
        ChoiceInstances tests = new ChoiceInstances(scorer, FfnPoint.POST, instances, 2);
        double[][] scores = Classifiers.logits(scorer, flat, FfnHook.NONE);
        List<List<Neuron>> sets = List.of(List.of(new Neuron(0, 1), new Neuron(1, 3)), List.of(new Neuron(1, 0)), List.of());
        int[] all = {0, 1, 2};
        double[][] base = tests.probabilities(all, sets, null);
        double[][] suppressed = tests.probabilities(all, sets, NeuronSetEdit.Mode.SUPPRESS);
        for (int i = 0; i < 3; i++) {
            double[] s = new double[4];
            for (int j = 0; j < 4; j++) s[j] = scores[4 * i + j][0];
            assertArrayEquals(Classifiers.softmax(s), base[i], 1e-6, "unedited: the softmax over the choice scores");
            int predicted = tests.predicted(i);
            assertEquals(reveal.engine.nn.Functional.argmax(s), predicted);
            // The edit reaches the predicted choice's sequence only; the other choices keep their scores.
            double edited = Classifiers.logits(scorer, List.of(instances.get(i)[predicted]),
                    new NeuronSetEdit(NeuronSetEdit.Mode.SUPPRESS, FfnPoint.POST, List.of(sets.get(i))))[0][0];
            s[predicted] = edited;
            assertArrayEquals(Classifiers.softmax(s), suppressed[i], 1e-6, "instance " + i);
        }
        assertTrue(suppressed[0][tests.predicted(0)] != base[0][tests.predicted(0)], "suppressing two neurons moves the score");
        assertArrayEquals(base[2], suppressed[2], 1e-12, "an empty set suppresses nothing");
        // Through the tests: a set per instance, in batches of 2 across 3 instances.
        NeuronFaithfulness nf = new NeuronFaithfulness(tests);
        BlockingEffect e = nf.effect(sets, NeuronSetEdit.Mode.SUPPRESS);
        for (int i = 0; i < 3; i++)
            assertEquals(base[i][tests.predicted(i)] - suppressed[i][tests.predicted(i)], e.drop()[i], 1e-12);
    }
}
