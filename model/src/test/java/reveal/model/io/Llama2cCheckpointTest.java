package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.io.IoTestFiles.assertFails;
import static reveal.model.io.IoTestFiles.concat;
import static reveal.model.io.IoTestFiles.leInts;
import static reveal.model.io.IoTestFiles.resource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cCheckpointTest {
    @TempDir
    Path dir;

    /** stories260K.bin read here equals the HF-layout conversion of the shared set, tensor for tensor, bit for bit. */
    @Test
    void stories260KMatchesItsHfLayoutCopy() {
        Llama2cCheckpoint ours = Llama2cCheckpoint.load(resource("stories260K/stories260K.bin"));
        Checkpoint hf = Checkpoint.open(resource("stories260K/hf_llama_layout"));
        assertEquals(47, hf.names().size());
        assertEquals(hf.names(), List.copyOf(ours.tensors().keySet()));
        for (String name : hf.names()) {
            HostTensor want = hf.tensor(name), got = ours.tensors().get(name);
            assertArrayEquals(want.shape(), got.shape(), name);
            assertArrayEquals(bits(want.data()), bits(got.data()), name);
        }
        assertEquals(ModelConfig.read(resource("stories260K/hf_llama_layout/config.json")), ours.config());
        ModelConfig c = ours.config();
        assertEquals(64, c.hiddenSize());
        assertEquals(172, c.intermediateSize());
        assertEquals(5, c.numLayers());
        assertEquals(8, c.numHeads());
        assertEquals(4, c.numKvHeads());
        assertEquals(512, c.vocabSize());
        assertEquals(512, c.maxPositions());
        assertEquals(true, c.tieWordEmbeddings());
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = Float.floatToRawIntBits(values[i]);
        return out;
    }

    /**
     * A hand-made checkpoint whose floats count 0, 1, 2, ...: every tensor's position in the file is visible, the
     * q/k row permutation can be checked by hand, and a negative vocab_size puts the classifier at the end.
     */
    @Test
    void tinyUnsharedCheckpointLayoutAndRopePermutation() {
        int dim = 4, hidden = 2, vocab = 3, seq = 2;
        int floats = 132; // 12 emb + 4 rms + 4x16 attn + 4 rms + 3x8 ffn + 4 norm + 8 freq + 12 cls
        Path file = llama2c(new int[] {dim, hidden, 1, 1, 1, -vocab, seq}, floats);
        Llama2cCheckpoint ckpt = Llama2cCheckpoint.load(file);
        var t = ckpt.tensors();
        assertEquals(new HostTensor(new int[] {3, 4}, range(0, 12)), t.get("model.embed_tokens.weight"));
        assertEquals(new HostTensor(new int[] {4}, range(12, 16)), t.get("model.layers.0.input_layernorm.weight"));
        // head size 4: new rows (0, 1, 2, 3) <- old rows (0, 2, 1, 3)
        assertArrayEquals(concat4(range(16, 20), range(24, 28), range(20, 24), range(28, 32)),
                t.get("model.layers.0.self_attn.q_proj.weight").data());
        assertArrayEquals(concat4(range(32, 36), range(40, 44), range(36, 40), range(44, 48)),
                t.get("model.layers.0.self_attn.k_proj.weight").data());
        assertArrayEquals(range(48, 64), t.get("model.layers.0.self_attn.v_proj.weight").data());
        assertArrayEquals(range(64, 80), t.get("model.layers.0.self_attn.o_proj.weight").data());
        assertArrayEquals(range(80, 84), t.get("model.layers.0.post_attention_layernorm.weight").data());
        assertEquals(new HostTensor(new int[] {2, 4}, range(84, 92)), t.get("model.layers.0.mlp.gate_proj.weight"));
        assertEquals(new HostTensor(new int[] {4, 2}, range(92, 100)), t.get("model.layers.0.mlp.down_proj.weight"));
        assertEquals(new HostTensor(new int[] {2, 4}, range(100, 108)), t.get("model.layers.0.mlp.up_proj.weight"));
        assertArrayEquals(range(108, 112), t.get("model.norm.weight").data());
        assertEquals(new HostTensor(new int[] {3, 4}, range(120, 132)), t.get("lm_head.weight"));
        assertEquals(12, t.size()); // 9 per layer + embedding, final norm, lm_head
        assertEquals(false, ckpt.config().tieWordEmbeddings());
        assertEquals(3, ckpt.config().vocabSize());
        assertEquals(4, ckpt.config().headDim());
    }

    private static float[] range(int from, int to) {
        float[] out = new float[to - from];
        for (int i = 0; i < out.length; i++) out[i] = from + i;
        return out;
    }

    private static float[] concat4(float[] a, float[] b, float[] c, float[] d) {
        float[] out = Arrays.copyOf(a, 16);
        System.arraycopy(b, 0, out, 4, 4);
        System.arraycopy(c, 0, out, 8, 4);
        System.arraycopy(d, 0, out, 12, 4);
        return out;
    }

    private Path llama2c(int[] header, int floats) {
        ByteBuffer b = ByteBuffer.allocate(4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) b.putFloat(i);
        return IoTestFiles.write(dir.resolve("tiny.bin"), concat(leInts(header), b.array()));
    }

    // ---- header sanity and file size ----

    @Test
    void rejectsTruncatedOrPaddedFiles() throws Exception {
        byte[] real = Files.readAllBytes(resource("stories260K/stories260K.bin"));
        Path cut = IoTestFiles.write(dir.resolve("cut.bin"), Arrays.copyOf(real, real.length - 4));
        assertFails(() -> Llama2cCheckpoint.load(cut), cut.toString(), "dim=64", "vocab_size=512",
                "implies 1056540 bytes but the file has 1056536");
        Path padded = IoTestFiles.write(dir.resolve("pad.bin"), Arrays.copyOf(real, real.length + 4));
        assertFails(() -> Llama2cCheckpoint.load(padded), padded.toString(), "1056544");
        Path tiny = IoTestFiles.write(dir.resolve("tiny.bin"), new byte[12]);
        assertFails(() -> Llama2cCheckpoint.load(tiny), tiny.toString(), "shorter than the 28-byte");
    }

    @Test
    void rejectsInsaneHeaders() {
        Path zero = IoTestFiles.write(dir.resolve("zero.bin"), leInts(0, 2, 1, 1, 1, 3, 2));
        assertFails(() -> Llama2cCheckpoint.load(zero), zero.toString(), "dim=0", "must be positive");
        Path odd = IoTestFiles.write(dir.resolve("odd.bin"), leInts(6, 2, 1, 4, 1, 3, 2));
        assertFails(() -> Llama2cCheckpoint.load(odd), odd.toString(), "n_heads=4", "divisible");
        Path gqa = IoTestFiles.write(dir.resolve("gqa.bin"), leInts(8, 2, 1, 4, 3, 3, 2));
        assertFails(() -> Llama2cCheckpoint.load(gqa), gqa.toString(), "n_kv_heads=3", "divisible");
        int big = Integer.MAX_VALUE - 1;
        Path huge = IoTestFiles.write(dir.resolve("huge.bin"), leInts(big, big, big, 1, 1, big, big));
        assertFails(() -> Llama2cCheckpoint.load(huge), huge.toString(), "overflow");
        Path versioned = IoTestFiles.write(dir.resolve("v1.bin"), leInts(0x616b3432, 1, 4, 2, 1, 1, 1, 3, 2));
        assertFails(() -> Llama2cCheckpoint.load(versioned), versioned.toString(), "version 1", "legacy");
    }
}
