package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static reveal.model.fixtures.Golden.assertClose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.Interventions;
import reveal.model.LanguageModel;
import reveal.model.NeuronEdit;
import reveal.model.fixtures.Golden;

/**
 * Every entry of the golden fixtures (README sections 5-8) on both backends: logits, per-token and mean losses or
 * class logits and loss, the gradient of every parameter, FFN activations, and neuron edits.
 */
class FixtureTest {

    static Stream<Arguments> entries() {
        List<Arguments> out = new ArrayList<>();
        for (Map<String, Object> e : Golden.manifest()) {
            for (String backend : List.of("reference", "cpu")) out.add(Arguments.of(e.get("dir"), backend));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("entries")
    void matchesGoldens(String dir, String backendName) {
        Backend backend = Golden.backend(backendName);
        double k = Golden.k(backend);
        Path folder = Golden.folder(dir);
        Map<String, Object> golden = Golden.golden(dir);
        LanguageModel model = LanguageModel.load(folder, backend);
        int[][] ids = Golden.ints2d(golden.get("input_ids")), mask = Golden.ints2d(golden.get("attention_mask"));
        boolean full = golden.containsKey("grads");

        Tensor loss;
        if (golden.get("head").equals("lm")) {
            Interventions capture = new Interventions().capture(FfnPoint.PRE).capture(FfnPoint.POST);
            Tensor logits = model.lmLogits(ids, mask, capture);
            assertClose(dir + " logits", Json.flatten(golden.get("logits")), logits.toDoubleArray(), k);
            assertClose(dir + " token_loss", Json.flatten(golden.get("token_loss")), Golden.tokenLosses(logits.toDoubleArray(), ids, mask), k);
            loss = model.lmLoss(ids, mask, null);
            assertClose(dir + " mean_loss", new double[] {((Number) golden.get("mean_loss")).doubleValue()}, new double[] {loss.item()}, k);
            if (full) {
                checkActivations(dir, golden, model, capture, k);
                checkInterventions(dir, golden, model, ids, mask, k);
            }
        } else {
            int[] labels = Json.ints(golden.get("labels"));
            assertArrayEquals(Json.ints(golden.get("last_index")), model.poolingIndex(ids, mask), dir + " pooled positions");
            assertClose(dir + " class logits", Json.flatten(golden.get("logits")), model.classLogits(ids, mask, null).toDoubleArray(), k);
            loss = model.classLoss(ids, mask, labels, null);
            assertClose(dir + " loss", new double[] {((Number) golden.get("loss")).doubleValue()}, new double[] {loss.item()}, k);
        }
        if (full) {
            loss.backward();
            Golden.assertGradients(dir, golden, model, k);
        }
    }

    private static void checkActivations(String dir, Map<String, Object> golden, LanguageModel model, Interventions capture, double k) {
        List<?> post = (List<?>) golden.get("ffn_activations");
        List<?> gate = (List<?>) golden.get("ffn_gate_activations");
        for (int l = 0; l < post.size(); l++) {
            assertClose(dir + " ffn_activations layer " + l, Json.flatten(post.get(l)), capture.captured(l, FfnPoint.POST).toDoubleArray(), k,
                    Golden.maxAbs(Json.flatten(post)));
            if (gate != null) {
                assertClose(dir + " ffn_gate_activations layer " + l, Json.flatten(gate.get(l)),
                        capture.captured(l, FfnPoint.PRE).silu().toDoubleArray(), k, Golden.maxAbs(Json.flatten(gate)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkInterventions(String dir, Map<String, Object> golden, LanguageModel model, int[][] ids, int[][] mask, double k) {
        List<Object> list = (List<Object>) golden.get("interventions");
        int[] last = model.poolingIndex(ids, mask);
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> case_ = (Map<String, Object>) list.get(i);
            Interventions edits = new Interventions();
            for (Object o : (List<Object>) case_.get("edits")) edits.edit(edit((Map<String, Object>) o));
            Tensor logits = model.lmLogits(ids, mask, edits);
            int length = ids[0].length, vocab = logits.dim(-1);
            double[] all = logits.toDoubleArray(), rows = new double[ids.length * vocab];
            for (int b = 0; b < ids.length; b++) System.arraycopy(all, (b * length + last[b]) * vocab, rows, b * vocab, vocab);
            assertClose(dir + " intervention " + i + " logits_last", Json.flatten(case_.get("logits_last")), rows, k);
        }
    }

    /** README section 8.5 edit spelling. */
    static NeuronEdit edit(Map<String, Object> e) {
        int layer = ((Number) e.get("layer")).intValue();
        int[] neurons = Json.ints(e.get("neurons"));
        Object where = e.get("positions");
        NeuronEdit.Tokens tokens = where.equals("all") ? NeuronEdit.Tokens.all() : where.equals("last") ? NeuronEdit.Tokens.last()
                : NeuronEdit.Tokens.at(Json.ints(where));
        double value = e.get("value") == null ? 0 : ((Number) e.get("value")).doubleValue();
        switch ((String) e.get("op")) {
            case "zero": return NeuronEdit.zero(layer, neurons, tokens);
            case "scale": return NeuronEdit.scale(layer, neurons, value, tokens);
            case "set": return NeuronEdit.set(layer, neurons, value, tokens);
            default: throw new IllegalArgumentException("unknown edit op " + e.get("op"));
        }
    }
}
