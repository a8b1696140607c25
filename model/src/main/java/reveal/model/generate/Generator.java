package reveal.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.model.LanguageModel;
import reveal.model.arch.KvCache;
import reveal.model.io.ModelConfig;

/**
 * Autoregressive generation with a KV cache: the prompt is run once, then one token per step. An empty prompt
 * starts from the config's BOS token alone. Generation stops after {@code maxNewTokens}, after an EOS token of the
 * config (which is returned), or when the context reaches the model's position limit.
 */
public final class Generator {
    private final LanguageModel model;

    public Generator(LanguageModel model) {
        if (!model.decoder().hasLmHead()) throw new IllegalArgumentException("generation needs a causal LM, got a sequence classifier");
        this.model = model;
    }

    /** The new tokens (the prompt excluded). */
    public int[] generate(int[] prompt, int maxNewTokens, Sampling sampling) {
        return generate(prompt, maxNewTokens, sampling, token -> { });
    }

    /** As {@link #generate(int[], int, Sampling)}, handing each token to {@code onToken} as soon as it is chosen. */
    public int[] generate(int[] prompt, int maxNewTokens, Sampling sampling, IntConsumer onToken) {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        ModelConfig config = model.config();
        int[] context = prompt;
        if (context.length == 0) {
            if (config.bosTokenId() == null) throw new IllegalArgumentException("empty prompt, and the model config has no bos_token_id to start from");
            context = new int[] {config.bosTokenId()};
        }
        int limit = config.maxPositions() > 0 ? config.maxPositions() : Integer.MAX_VALUE;
        if (context.length > limit) throw new IllegalArgumentException("prompt of " + context.length + " tokens exceeds the model's " + limit + " positions");
        SplittableRandom random = new SplittableRandom(sampling.seed());
        List<Integer> out = new ArrayList<>();
        try (Autograd.Scope s = Autograd.noGrad()) {
            KvCache cache = model.newCache();
            Tensor hidden = model.forward(new int[][] {context}, null, null, cache);
            while (out.size() < maxNewTokens) {
                int t = hidden.dim(1);
                double[] logits = model.lmHead(hidden.slice(1, t - 1, t)).toDoubleArray();
                int next = choose(logits, sampling, random);
                out.add(next);
                onToken.accept(next);
                if (config.eosTokenIds().contains(next) || cache.length() >= limit) break;
                hidden = model.forward(new int[][] {{next}}, null, null, cache);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The next token from one row of logits. */
    static int choose(double[] logits, Sampling sampling, SplittableRandom random) {
        if (sampling.isGreedy()) return Functional.argmax(logits);
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[i]));
        int kept = n;
        if (sampling.topK() > 0 && sampling.topK() < n) {
            double kth = logits[order[sampling.topK() - 1]];
            kept = sampling.topK();
            while (kept < n && logits[order[kept]] >= kth) kept++;
        }
        double max = logits[order[0]] / sampling.temperature();
        double[] weights = new double[kept];
        double total = 0;
        for (int r = 0; r < kept; r++) {
            weights[r] = Math.exp(logits[order[r]] / sampling.temperature() - max);
            total += weights[r];
        }
        if (sampling.topP() < 1) {
            // keep a token while the mass of the tokens ranked above it is below topP
            double above = 0;
            int r = 0;
            while (r < kept && above < sampling.topP() * total) above += weights[r++];
            kept = Math.max(1, r);
            total = 0;
            for (int i = 0; i < kept; i++) total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int r = 0; r < kept; r++) {
            u -= weights[r];
            if (u < 0) return order[r];
        }
        return order[kept - 1];
    }

}
