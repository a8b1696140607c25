package reveal.model.arch;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;

/**
 * The decoder-only transformer shared by every family: embeddings, a stack of {@link Block}s, the final norm (and
 * OPT's project_out), and an LM or classification head. Each family ({@link Gpt2}, {@link Opt}, {@link GptNeoX},
 * {@link Bloom}, {@link Llama}) only names its tensors and picks its seams. Parameters are leaf tensors that
 * require gradients, kept under their HF names in the stored layout. Batches are {@code [B][T]} token ids with an
 * attention mask (1 = real token); hidden states are {@code [B, T, width]} where width is the hidden size, or OPT's
 * word_embed_proj_dim after project_out.
 */
public final class DecoderModel {

    /** The output head: an LM matrix {@code [V, width]} or a classifier {@code score [C, width]}; the other is null. */
    record Head(Tensor lm, Tensor score) {
    }

    /** What an {@link Architecture} wires together. rope and alibiSlopes are null when the family has none. */
    record Parts(Embeddings embeddings, Positions.Ids positionIds, Positions.Rope rope, double[] alibiSlopes,
                 List<Block> blocks, Norm finalNorm, Linear projectOut, Head head) {
    }

    private final ModelConfig config;
    private final Backend backend;
    private final Parts parts;
    private final Map<String, Tensor> parameters;

    private DecoderModel(ModelConfig config, Backend backend, Parts parts, Map<String, Tensor> parameters) {
        this.config = config;
        this.backend = backend;
        this.parts = parts;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** Builds the model of {@code config} from a checkpoint, loading one tensor at a time. */
    public static DecoderModel build(ModelConfig config, Checkpoint checkpoint, Backend backend) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : checkpoint.names()) {
            long[] s = checkpoint.info(name).shape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
            shapes.put(name, shape);
        }
        return build(config, checkpoint.source().toString(), shapes, checkpoint::floats, backend);
    }

    /** Builds the model of {@code config} from tensors under their HF names. */
    public static DecoderModel build(ModelConfig config, Map<String, HostTensor> tensors, Backend backend) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        return build(config, "checkpoint", shapes, name -> tensors.get(name).data(), backend);
    }

    private static DecoderModel build(ModelConfig config, String source, Map<String, int[]> shapes,
                                      Function<String, float[]> loader, Backend backend) {
        Architecture arch = Architecture.of(config);
        Weights weights = new Weights(source, backend, shapes, loader, arch::spellings);
        Parts parts = arch.build(config, weights);
        return new DecoderModel(config, backend, parts, weights.finish(config.arch().name()));
    }

    public ModelConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    /** Every parameter by canonical HF name (tied heads appear once, as the embedding), in a stable order. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    public int numLayers() {
        return parts.blocks.size();
    }

    /** Neurons per FFN layer (the width of both hook points). */
    public int ffnWidth() {
        return parts.blocks.get(0).ffn().width();
    }

    /** Width of the final hidden states: the hidden size, or OPT's word_embed_proj_dim. */
    public int outputWidth() {
        return parts.projectOut != null ? parts.projectOut.out() : config.hiddenSize();
    }

    public boolean hasLmHead() {
        return parts.head.lm() != null;
    }

    public KvCache newCache() {
        return new KvCache(this, numLayers());
    }

    /**
     * Final hidden states {@code [B, T, width]} of {@code ids [B][T]}. {@code attentionMask} may be null (all real).
     * With a {@code cache}, the tokens continue the cached ones (the mask covers only the new tokens) and the
     * cache is extended; otherwise positions start at 0.
     */
    public Tensor forward(int[][] ids, int[][] attentionMask, FfnHook hook, KvCache cache) {
        int[][] chunkMask = checkInputs(ids, attentionMask);
        checkOwner(cache);
        FfnHook hooks = hook == null ? FfnHook.NONE : hook;
        int length = ids[0].length, start = cache == null ? 0 : cache.length();
        int[][] mask = cache == null ? chunkMask : cache.extendedMask(chunkMask);
        int[][] positionIds = Positions.ids(parts.positionIds, mask, start, length);
        Tensor[] rope = parts.rope == null ? new Tensor[2] : parts.rope.tables(backend, positionIds);
        Tensor bias = Positions.attentionBias(backend, mask, start, length, parts.alibiSlopes, config.slidingWindow());
        FfnHook.Span span = new FfnHook.Span(start, length, lastReal(mask));
        int[] flat = new int[ids.length * length];
        for (int b = 0; b < ids.length; b++) System.arraycopy(ids[b], 0, flat, b * length, length);

        int layers = numLayers();
        Tensor[] keys = new Tensor[layers], values = new Tensor[layers], inputs = new Tensor[layers];
        Tensor[] bases = new Tensor[layers], ffnIns = new Tensor[layers];
        Tensor x = parts.embeddings.apply(flat, positionIds);
        for (int l = 0; l < layers; l++) {
            Block block = parts.blocks.get(l);
            Tensor[] kv = new Tensor[2];
            inputs[l] = x;
            Block.Mid mid = block.attend(x, rope[0], rope[1], bias, cache == null ? null : cache.keys[l],
                    cache == null ? null : cache.values[l], kv);
            x = block.finish(mid.ffnBase().add(ffn(block, mid.ffnIn(), hooks, span)));
            keys[l] = kv[0];
            values[l] = kv[1];
            bases[l] = mid.ffnBase();
            ffnIns[l] = mid.ffnIn();
        }
        if (cache != null) {
            System.arraycopy(keys, 0, cache.keys, 0, layers);
            System.arraycopy(values, 0, cache.values, 0, layers);
            System.arraycopy(inputs, 0, cache.layerInputs, 0, layers);
            System.arraycopy(bases, 0, cache.ffnBases, 0, layers);
            System.arraycopy(ffnIns, 0, cache.ffnInputs, 0, layers);
            cache.mask = mask;
        }
        return output(x);
    }

    /**
     * Recomputes the final hidden state of the last cached position with the FFN activation of {@code layer} at
     * {@code point} replaced, for a batch of N replacements {@code [N, ffnWidth]}: returns {@code [N, width]}.
     * Only that position and only layers from {@code layer} on are computed; earlier positions cannot change (the
     * model is causal), so their cached keys and values are reused. The cache must hold one unpadded row (N
     * replacements of it). {@code hook} (may be null) sees the FFNs of the later layers, as {@code [N, 1, I]}.
     * Gradients flow to {@code replacement}.
     */
    public Tensor resume(KvCache cache, int layer, FfnPoint point, Tensor replacement, FfnHook hook) {
        checkOwner(cache);
        if (cache.length() == 0) throw new IllegalArgumentException("resume: the cache is empty; run forward with it first");
        if (cache.batchSize() != 1) throw new IllegalArgumentException("resume: needs a cache of one row, it holds " + cache.batchSize());
        if (layer < 0 || layer >= numLayers()) throw new IllegalArgumentException("resume: layer " + layer + " outside 0.." + (numLayers() - 1));
        if (replacement.rank() != 2 || replacement.dim(1) != ffnWidth()) {
            throw new IllegalArgumentException("resume: replacement of shape " + Arrays.toString(replacement.shape()) + ", expected [N, " + ffnWidth() + "]");
        }
        FfnHook hooks = hook == null ? FfnHook.NONE : hook;
        int n = replacement.dim(0), last = cache.length() - 1;
        int[][] mask = cache.mask;
        int[][] positionIds = Positions.ids(parts.positionIds, mask, last, 1);
        Tensor[] rope = parts.rope == null ? new Tensor[2] : parts.rope.tables(backend, positionIds);
        Tensor bias = Positions.attentionBias(backend, mask, last, 1, parts.alibiSlopes, config.slidingWindow());
        int[] lastReal = new int[n];
        Arrays.fill(lastReal, lastReal(mask)[0]);
        FfnHook.Span span = new FfnHook.Span(last, 1, lastReal);

        Block block = parts.blocks.get(layer);
        Tensor base = lastPosition(cache.ffnBases[layer], n), in = lastPosition(cache.ffnInputs[layer], n);
        Tensor value = replacement.reshape(n, 1, ffnWidth());
        Tensor post = point == FfnPoint.PRE ? block.ffn().post(value, in) : value;
        Tensor x = block.finish(base.add(block.ffn().out(post)));
        for (int l = layer + 1; l < numLayers(); l++) {
            Block next = parts.blocks.get(l);
            Tensor pastK = last == 0 ? null : past(cache.keys[l], last, n), pastV = last == 0 ? null : past(cache.values[l], last, n);
            Block.Mid mid = next.attend(x, rope[0], rope[1], bias, pastK, pastV, new Tensor[2]);
            x = next.finish(mid.ffnBase().add(ffn(next, mid.ffnIn(), hooks, span)));
        }
        return output(x).reshape(n, outputWidth());
    }

    /** LM logits {@code [..., V]} from final hidden states {@code [..., width]}. */
    public Tensor lmHead(Tensor hidden) {
        if (parts.head.lm() == null) throw new IllegalStateException(describe() + " is a sequence classifier; it has no LM head");
        return applyHead(hidden, parts.head.lm());
    }

    /** Class logits {@code [..., C]} from (pooled) final hidden states {@code [..., width]}. */
    public Tensor classHead(Tensor hidden) {
        if (parts.head.score() == null) throw new IllegalStateException(describe() + " is a causal LM; it has no classification head");
        return applyHead(hidden, parts.head.score());
    }

    private Tensor applyHead(Tensor hidden, Tensor weight) {
        int[] shape = hidden.shape();
        if (shape[shape.length - 1] != weight.dim(1)) {
            throw new IllegalArgumentException("head: hidden states of shape " + Arrays.toString(shape) + ", expected width " + weight.dim(1));
        }
        shape[shape.length - 1] = weight.dim(0);
        // (W h^T)^T rather than h W^T: the weight's gradient then comes out dense in its stored [rows, width]
        // layout, so a tied embedding adds its two gradients without a transposed pass over the vocabulary matrix
        Tensor rows = hidden.reshape(-1, weight.dim(1));
        return weight.matmul(rows.transpose(0, 1)).transpose(0, 1).reshape(shape);
    }

    private String describe() {
        return config.architecture() != null ? config.architecture() : config.modelType();
    }

    private Tensor ffn(Block block, Tensor ffnIn, FfnHook hook, FfnHook.Span span) {
        Ffn ffn = block.ffn();
        Tensor pre = ffn.pre(ffnIn);
        pre = checkedHook(hook, block.index(), FfnPoint.PRE, pre, span);
        Tensor post = checkedHook(hook, block.index(), FfnPoint.POST, ffn.post(pre, ffnIn), span);
        return ffn.out(post);
    }

    private static Tensor checkedHook(FfnHook hook, int layer, FfnPoint point, Tensor value, FfnHook.Span span) {
        Tensor out = hook.apply(layer, point, value, span);
        if (out == null || !Arrays.equals(out.shape(), value.shape())) {
            throw new IllegalStateException("FFN hook at layer " + layer + " " + point + " returned "
                    + (out == null ? "null" : "shape " + Arrays.toString(out.shape())) + " for activations of shape " + Arrays.toString(value.shape()));
        }
        return out;
    }

    private Tensor output(Tensor x) {
        if (parts.finalNorm != null) x = parts.finalNorm.apply(x);
        if (parts.projectOut != null) x = parts.projectOut.apply(x);
        return x;
    }

    /** The last position of a cached {@code [1, T, H]} stream, repeated for n rows: {@code [n, 1, H]}. */
    private static Tensor lastPosition(Tensor stream, int n) {
        int t = stream.dim(1);
        return stream.slice(1, t - 1, t).expand(n, 1, stream.dim(2));
    }

    /** Cached keys or values of the first {@code length} positions, repeated for n rows. */
    private static Tensor past(Tensor cached, int length, int n) {
        return cached.slice(2, 0, length).expand(n, cached.dim(1), length, cached.dim(3));
    }

    private void checkOwner(KvCache cache) {
        if (cache != null && cache.owner != this) throw new IllegalArgumentException("the KV cache belongs to another model; make one with newCache()");
    }

    /** Per row, the position of its last token with mask 1 (-1 if none). */
    private static int[] lastReal(int[][] mask) {
        int[] out = new int[mask.length];
        for (int b = 0; b < mask.length; b++) {
            out[b] = -1;
            for (int j = mask[b].length - 1; j >= 0; j--) {
                if (mask[b][j] == 1) {
                    out[b] = j;
                    break;
                }
            }
        }
        return out;
    }

    /** Validates ids and mask ({@code [B][T]}, ids inside the vocabulary, mask 0/1) and returns the mask (ones if null). */
    private int[][] checkInputs(int[][] ids, int[][] mask) {
        if (ids == null || ids.length == 0 || ids[0] == null || ids[0].length == 0) {
            throw new IllegalArgumentException("forward: needs at least one row of at least one token id");
        }
        int length = ids[0].length, vocab = config.vocabSize();
        if (mask != null && mask.length != ids.length) {
            throw new IllegalArgumentException("forward: attention mask has " + mask.length + " rows, ids have " + ids.length);
        }
        int[][] out = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != length) throw new IllegalArgumentException("forward: row " + b + " has " + ids[b].length + " token ids, row 0 has " + length);
            for (int t = 0; t < length; t++) {
                int id = ids[b][t];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("forward: token id " + id + " at [" + b + "][" + t + "] is out of range for vocabulary size " + vocab);
                }
            }
            if (mask == null) {
                out[b] = new int[length];
                Arrays.fill(out[b], 1);
                continue;
            }
            if (mask[b].length != length) throw new IllegalArgumentException("forward: attention mask row " + b + " has " + mask[b].length + " entries, ids have " + length);
            for (int t = 0; t < length; t++) {
                if (mask[b][t] != 0 && mask[b][t] != 1) throw new IllegalArgumentException("forward: attention mask value " + mask[b][t] + " at [" + b + "][" + t + "] is not 0 or 1");
            }
            out[b] = mask[b].clone();
        }
        return out;
    }
}
