package reveal.model.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;

/**
 * GPT-2 small's shape (12 x 768, 12 heads, 50,257-token tied head, 124M parameters) with random weights: the model
 * that the benchmarks time here and in PyTorch ({@code bench/gpt2_torch.py} builds the same).
 */
public final class Gpt2Small {
    public static final int VOCAB = 50257, POSITIONS = 1024, HIDDEN = 768, LAYERS = 12, HEADS = 12, FFN = 4 * HIDDEN;

    private Gpt2Small() {
    }

    /** Its {@code config.json}. */
    public static String configJson() {
        return "{\"architectures\": [\"GPT2LMHeadModel\"], \"model_type\": \"gpt2\", \"vocab_size\": " + VOCAB + ", \"n_positions\": " + POSITIONS
                + ", \"n_embd\": " + HIDDEN + ", \"n_layer\": " + LAYERS + ", \"n_head\": " + HEADS + ", \"n_inner\": null}";
    }

    public static ModelConfig config() {
        return ModelConfig.parse(configJson(), "GPT-2 small benchmark config");
    }

    /** Its tensors under HF names: matrices N(0, 0.02) drawn in a fixed order from {@code seed}, norms 1 and 0, biases 0. */
    public static Map<String, HostTensor> weights(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, HostTensor> w = new TreeMap<>();
        w.put("transformer.wte.weight", normal(random, VOCAB, HIDDEN));
        w.put("transformer.wpe.weight", normal(random, POSITIONS, HIDDEN));
        for (int i = 0; i < LAYERS; i++) {
            String p = "transformer.h." + i + ".";
            for (String norm : List.of("ln_1", "ln_2")) {
                w.put(p + norm + ".weight", filled(1f, HIDDEN));
                w.put(p + norm + ".bias", filled(0f, HIDDEN));
            }
            w.put(p + "attn.c_attn.weight", normal(random, HIDDEN, 3 * HIDDEN));
            w.put(p + "attn.c_attn.bias", filled(0f, 3 * HIDDEN));
            w.put(p + "attn.c_proj.weight", normal(random, HIDDEN, HIDDEN));
            w.put(p + "attn.c_proj.bias", filled(0f, HIDDEN));
            w.put(p + "mlp.c_fc.weight", normal(random, HIDDEN, FFN));
            w.put(p + "mlp.c_fc.bias", filled(0f, FFN));
            w.put(p + "mlp.c_proj.weight", normal(random, FFN, HIDDEN));
            w.put(p + "mlp.c_proj.bias", filled(0f, HIDDEN));
        }
        w.put("transformer.ln_f.weight", filled(1f, HIDDEN));
        w.put("transformer.ln_f.bias", filled(0f, HIDDEN));
        return w;
    }

    private static HostTensor normal(SplittableRandom random, int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = (float) (random.nextGaussian() * 0.02);
        return new HostTensor(new int[] {rows, cols}, d);
    }

    private static HostTensor filled(float value, int n) {
        float[] d = new float[n];
        Arrays.fill(d, value);
        return new HostTensor(new int[] {n}, d);
    }
}
