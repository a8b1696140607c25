package reveal.model.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Karpathy's llama2.c legacy ("v0") checkpoint, converted to what an HF Llama checkpoint holds: a {@link ModelConfig}
 * and the tensors under HF {@code LlamaForCausalLM} names. q_proj / k_proj rows are permuted from llama2.c's
 * adjacent-pair RoPE layout to HF's rotate-half layout (within each head, row c*(hd/2)+j takes original row 2j+c,
 * as HF's convert_llama_weights_to_hf does), so one HF-semantics Llama implementation runs both.
 *
 * <p>Layout: seven little-endian int32 {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len}
 * (vocab_size > 0 means the classifier is the token embedding), then float32 arrays token_embedding[V,dim],
 * rms_att[L,dim], wq[L,dim,dim], wk[L,kv,dim], wv[L,kv,dim], wo[L,dim,dim], rms_ffn[L,dim], w1[L,hid,dim],
 * w2[L,dim,hid], w3[L,hid,dim], rms_final[dim], freq_cis_real/imag[seq,hd/2] (unused), and wcls[V,dim] when not
 * shared. RMSNorm eps 1e-5, RoPE theta 10000, BOS 1, EOS 2 (run.c's constants).
 */
public record Llama2cCheckpoint(ModelConfig config, Map<String, HostTensor> tensors) {
    private static final int HEADER_BYTES = 7 * 4;
    /** First int32 of the newer versioned exports (export.py version >= 1): "ak42". */
    private static final int VERSIONED_MAGIC = 0x616b3432;

    public Llama2cCheckpoint {
        tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    }

    public static Llama2cCheckpoint load(Path path) {
        MappedFile file = MappedFile.map(path, MappedFile.DEFAULT_WINDOW_BITS);
        if (file.size < HEADER_BYTES) {
            throw error(path, "file is " + file.size + " bytes, shorter than the 28-byte llama2.c header");
        }
        if (file.intLE(0) == VERSIONED_MAGIC) {
            throw error(path, "versioned llama2.c export (version " + (file.size >= 8 ? file.intLE(4) : "?")
                    + "); only the legacy v0 layout is supported");
        }
        int dim = file.intLE(0), hidden = file.intLE(4), layers = file.intLE(8), heads = file.intLE(12);
        int kvHeads = file.intLE(16), vocabField = file.intLE(20), seqLen = file.intLE(24);
        String header = "header dim=" + dim + " hidden_dim=" + hidden + " n_layers=" + layers + " n_heads=" + heads
                + " n_kv_heads=" + kvHeads + " vocab_size=" + vocabField + " seq_len=" + seqLen;
        boolean shared = vocabField > 0;
        int vocab = Math.abs(vocabField);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0) {
            throw error(path, header + ": every size must be positive (vocab_size may be negative: unshared classifier)");
        }
        if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            throw error(path, header + ": need dim divisible by n_heads, n_heads by n_kv_heads, and an even head size");
        }
        int headDim = dim / heads, kvDim = kvHeads * headDim;
        long expected;
        try {
            long perLayer = Math.addExact(Math.addExact(2L * dim, product(2, dim, dim)),
                    Math.addExact(product(2, kvDim, dim), product(3, hidden, dim)));
            long floats = Math.addExact(Math.addExact(product(shared ? 1 : 2, vocab, dim), product(layers, perLayer)),
                    dim + (long) seqLen * headDim);
            expected = Math.addExact(HEADER_BYTES, product(4, floats));
        } catch (ArithmeticException e) {
            throw error(path, header + ": sizes overflow 64 bits");
        }
        if (file.size != expected) {
            throw error(path, header + " implies " + expected + " bytes but the file has " + file.size);
        }

        Reader r = new Reader(file, HEADER_BYTES);
        Map<String, HostTensor> t = new TreeMap<>();
        HostTensor embedding = r.next(vocab, dim);
        t.put("model.embed_tokens.weight", embedding);
        String[] perLayer = {"input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
            "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
            "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight"};
        int[][] shapes = {{dim}, {dim, dim}, {kvDim, dim}, {kvDim, dim}, {dim, dim}, {dim}, {hidden, dim},
            {dim, hidden}, {hidden, dim}};
        // llama2.c stores each kind for all layers in turn: rms_att, wq, wk, wv, wo, rms_ffn, w1 (gate), w2 (down), w3 (up)
        for (int kind = 0; kind < perLayer.length; kind++) {
            for (int layer = 0; layer < layers; layer++) {
                HostTensor w = r.next(shapes[kind]);
                if (kind == 1 || kind == 2) w = ropeRowsToHf(w, headDim);
                t.put("model.layers." + layer + "." + perLayer[kind], w);
            }
        }
        t.put("model.norm.weight", r.next(dim));
        r.skip(2L * seqLen * (headDim / 2)); // freq_cis_real, freq_cis_imag: recomputed by any implementation
        if (!shared) t.put("lm_head.weight", r.next(vocab, dim));

        ModelConfig config = new ModelConfig(ModelConfig.Arch.LLAMA, "llama", "LlamaForCausalLM",
                ModelConfig.Head.CAUSAL_LM, vocab, dim, layers, heads, kvHeads, headDim, hidden, seqLen, "silu", 1e-5,
                shared, false, false, true, true, true, dim, 1, 10000, false, false, true, false, 0,
                null, 1, List.of(2), List.of("LABEL_0", "LABEL_1"));
        return new Llama2cCheckpoint(config, t);
    }

    /** Meta's interleaved (x[2j], x[2j+1]) RoPE pairs -> HF's halves: new row c*(hd/2)+j of each head = old row 2j+c. */
    static HostTensor ropeRowsToHf(HostTensor w, int headDim) {
        int rows = w.shape()[0], cols = w.shape()[1], half = headDim / 2;
        float[] in = w.data(), out = new float[in.length];
        for (int head = 0; head < rows / headDim; head++) {
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < half; j++) {
                    int to = head * headDim + c * half + j, from = head * headDim + 2 * j + c;
                    System.arraycopy(in, from * cols, out, to * cols, cols);
                }
            }
        }
        return new HostTensor(w.shape(), out);
    }

    private static long product(long a, long b, long... more) {
        long p = Math.multiplyExact(a, b);
        for (long m : more) p = Math.multiplyExact(p, m);
        return p;
    }

    private static IllegalArgumentException error(Path path, String message) {
        return new IllegalArgumentException(path + ": " + message);
    }

    /** Reads consecutive float32 arrays. */
    private static final class Reader {
        private final MappedFile file;
        private long pos;

        Reader(MappedFile file, long pos) {
            this.file = file;
            this.pos = pos;
        }

        HostTensor next(int... shape) {
            long n = 1;
            for (int d : shape) n *= d;
            if (n > SafetensorsFile.MAX_ARRAY) {
                throw error(file.path, "array of shape " + Arrays.toString(shape) + " exceeds a Java float[]");
            }
            float[] data = new float[(int) n];
            file.floats(pos, DType.F32, data);
            pos += 4 * n;
            return new HostTensor(shape, data);
        }

        void skip(long floats) {
            pos += 4 * floats;
        }
    }
}
