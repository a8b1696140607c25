package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.model.fixtures.Golden.assertClose;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;

/**
 * Config options the golden fixtures leave at one value, checked through exact equivalences with weight changes
 * (float64, so only round-off separates the two sides).
 */
class ConfigVariantsTest {
    private static final int[][] IDS = {{5, 9, 17, 33, 64, 100, 7, 8}};

    private static ModelConfig config(String dir, Consumer<Map<String, Object>> edit) {
        try {
            Map<String, Object> json = Json.parseObject(Files.readString(Golden.folder(dir).resolve("config.json")));
            edit.accept(json);
            return ModelConfig.parse(Json.write(json), dir + " (edited)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, HostTensor> tensors(String dir) {
        return new TreeMap<>(Checkpoint.open(Golden.folder(dir)).loadAll());
    }

    private static double[] logits(ModelConfig c, Map<String, HostTensor> t, int[][] ids) {
        return LanguageModel.fromCheckpoint(c, t, ReferenceBackend.INSTANCE).lmLogits(ids, null, null).toDoubleArray();
    }

    /** Multiplies the query columns (the first H of 3H) of every layer's c_attn weight and bias by factor(layer). */
    private static Map<String, HostTensor> scaleGpt2Queries(Map<String, HostTensor> t, int layers, IntToDoubleFunction factor) {
        Map<String, HostTensor> out = new TreeMap<>(t);
        for (int i = 0; i < layers; i++) {
            for (String part : new String[] {"weight", "bias"}) {
                String name = "transformer.h." + i + ".attn.c_attn." + part;
                HostTensor w = t.get(name);
                float[] d = w.data().clone();
                int cols = w.shape()[w.shape().length - 1], h = cols / 3;
                for (int k = 0; k < d.length; k++) if (k % cols < h) d[k] = (float) (d[k] * factor.applyAsDouble(i));
                out.put(name, new HostTensor(w.shape(), d));
            }
        }
        return out;
    }

    @Test
    void gpt2ScaleByInverseLayerIndexDividesLayerScoresByItsNumber() {
        // with the flag, layer i divides its scores by i + 1: q/4 in both layers then acts as q/4 in layer 0 and q/8
        // in layer 1 without it (powers of two, so the weights scale exactly)
        Map<String, HostTensor> t = tensors("gpt2");
        ModelConfig flagged = config("gpt2", j -> j.put("scale_attn_by_inverse_layer_idx", true));
        Map<String, HostTensor> quarter = scaleGpt2Queries(t, 2, i -> 0.25);
        Map<String, HostTensor> eighthOnSecond = scaleGpt2Queries(t, 2, i -> i == 0 ? 0.25 : 0.125);
        assertClose("inverse layer index", logits(config("gpt2", j -> { }), eighthOnSecond, IDS), logits(flagged, quarter, IDS), 1e-12);
        // scale_attn_weights = false drops the 1/sqrt(hd) = 1/sqrt(8) factor; hd = 8, so scale q by 1/sqrt(8) to compare
        ModelConfig unscaled = config("gpt2", j -> j.put("scale_attn_weights", false));
        assertClose("unscaled attention", logits(config("gpt2", j -> { }), t, IDS),
                logits(unscaled, scaleGpt2Queries(t, 2, i -> 1 / Math.sqrt(8)), IDS), 1e-6);
    }

    @Test
    void llamaAttentionBiasesLoadAndZeroBiasesChangeNothing() {
        Map<String, HostTensor> t = tensors("llama");
        Map<String, HostTensor> withBias = new TreeMap<>(t);
        for (int i = 0; i < 2; i++) {
            for (String[] p : new String[][] {{"q_proj", "32"}, {"k_proj", "16"}, {"v_proj", "16"}, {"o_proj", "32"}}) {
                int n = Integer.parseInt(p[1]);
                withBias.put("model.layers." + i + ".self_attn." + p[0] + ".bias", new HostTensor(new int[] {n}, new float[n]));
            }
        }
        ModelConfig biased = config("llama", j -> j.put("attention_bias", true));
        LanguageModel m = LanguageModel.fromCheckpoint(biased, withBias, ReferenceBackend.INSTANCE);
        assertTrue(m.parameters().containsKey("model.layers.1.self_attn.o_proj.bias"));
        assertClose("zero attention biases", logits(config("llama", j -> { }), t, IDS), logits(biased, withBias, IDS), 1e-12);
    }

    @Test
    void mistralSlidingWindowLimitsHowFarBackTokensSee() {
        // window 2 over 2 layers: the last position depends on the last 3 tokens only, and RoPE scores depend only
        // on relative positions, so the last logits equal those of the 3-token suffix run on its own
        Map<String, HostTensor> t = tensors("llama");
        ModelConfig mistral = config("llama", j -> {
            j.put("model_type", "mistral");
            j.put("architectures", List.of("MistralForCausalLM"));
            j.put("sliding_window", 2);
        });
        int vocab = mistral.vocabSize(), length = IDS[0].length;
        double[] full = logits(mistral, t, IDS);
        double[] suffix = logits(mistral, t, new int[][] {Arrays.copyOfRange(IDS[0], length - 3, length)});
        assertClose("sliding window", Arrays.copyOfRange(suffix, 2 * vocab, 3 * vocab), Arrays.copyOfRange(full, (length - 1) * vocab, length * vocab), 1e-10);
        double[] llama = logits(config("llama", j -> { }), t, IDS);
        assertFalse(Arrays.equals(llama, full), "a window shorter than the input changes the result");
        ModelConfig wide = config("llama", j -> {
            j.put("model_type", "mistral");
            j.put("sliding_window", length);
        });
        assertClose("window covering the input", llama, logits(wide, t, IDS), 1e-12);
    }

    @Test
    void optWithoutFinalLayerNormNeedsNone() {
        Map<String, HostTensor> t = tensors("opt");
        t.remove("model.decoder.final_layer_norm.weight");
        t.remove("model.decoder.final_layer_norm.bias");
        LanguageModel m = LanguageModel.fromCheckpoint(config("opt", j -> j.put("_remove_final_layer_norm", true)), t, ReferenceBackend.INSTANCE);
        assertFalse(m.parameters().containsKey("model.decoder.final_layer_norm.weight"));
        assertTrue(m.parameters().containsKey("model.decoder.layers.1.final_layer_norm.weight"));
    }
}
