package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.Interventions;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;

/** Checkpoint spellings, error messages for bad checkpoints and inputs, and save/load round trips. */
class LoaderTest {
    private static final int[][] IDS = {{5, 9, 17, 33, 64, 100}};

    private static Path fixture(String dir) {
        return Golden.folder(dir);
    }

    private static ModelConfig config(String dir) {
        return ModelConfig.read(fixture(dir).resolve("config.json"));
    }

    private static Map<String, HostTensor> tensors(String dir) {
        return new TreeMap<>(Checkpoint.open(fixture(dir)).loadAll());
    }

    private static double[] logits(LanguageModel m) {
        return m.lmLogits(IDS, null, null).toDoubleArray();
    }

    @Test
    void gpt2LoadsOriginalNamesWithoutPrefixAndIgnoresMaskBuffers() {
        Map<String, HostTensor> renamed = new TreeMap<>();
        tensors("gpt2").forEach((name, t) -> renamed.put(name.substring("transformer.".length()), t));
        renamed.put("h.0.attn.bias", new HostTensor(new int[] {1, 1, 32, 32}, new float[32 * 32]));
        renamed.put("h.0.attn.masked_bias", new HostTensor(new int[0], new float[] {-1e4f}));
        LanguageModel original = LanguageModel.load(fixture("gpt2"), ReferenceBackend.INSTANCE);
        LanguageModel bare = LanguageModel.fromCheckpoint(config("gpt2"), renamed, ReferenceBackend.INSTANCE);
        assertEquals(original.parameters().keySet(), bare.parameters().keySet(), "parameters keep their canonical HF names");
        assertTrue(bare.parameters().containsKey("transformer.wte.weight"));
        assertArrayEquals(logits(original), logits(bare));
    }

    @Test
    void optLoadsRealCheckpointNamesWithoutModelPrefix() {
        Map<String, HostTensor> renamed = new TreeMap<>();
        tensors("opt_postln_proj").forEach((name, t) -> renamed.put(name.replaceFirst("^model\\.decoder\\.", "decoder."), t));
        assertTrue(renamed.containsKey("decoder.project_in.weight"));
        LanguageModel original = LanguageModel.load(fixture("opt_postln_proj"), ReferenceBackend.INSTANCE);
        LanguageModel real = LanguageModel.fromCheckpoint(config("opt_postln_proj"), renamed, ReferenceBackend.INSTANCE);
        assertArrayEquals(logits(original), logits(real));
    }

    @Test
    void missingTensorIsNamedWithItsShapeAndTheExpectedList() {
        Map<String, HostTensor> t = tensors("gpt2");
        t.remove("transformer.h.1.ln_2.bias");
        String message = assertThrows(IllegalArgumentException.class,
                () -> LanguageModel.fromCheckpoint(config("gpt2"), t, ReferenceBackend.INSTANCE)).getMessage();
        assertTrue(message.contains("missing tensor 'transformer.h.1.ln_2.bias' (expected shape [32])"), message);
        assertTrue(message.contains("transformer.wte.weight [151, 32]"), "lists what the config expects: " + message);
    }

    @Test
    void misshapenTensorIsNamedWithBothShapes() {
        Map<String, HostTensor> t = tensors("llama");
        t.put("model.layers.0.self_attn.k_proj.weight", new HostTensor(new int[] {32, 32}, new float[32 * 32]));
        String message = assertThrows(IllegalArgumentException.class,
                () -> LanguageModel.fromCheckpoint(config("llama"), t, ReferenceBackend.INSTANCE)).getMessage();
        assertTrue(message.contains("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [32, 32], expected [16, 32]"), message);
    }

    @Test
    void untiedHeadMustBePresent() {
        Map<String, HostTensor> t = tensors("gpt_neox");
        t.remove("embed_out.weight");
        String message = assertThrows(IllegalArgumentException.class,
                () -> LanguageModel.fromCheckpoint(config("gpt_neox"), t, ReferenceBackend.INSTANCE)).getMessage();
        assertTrue(message.contains("missing tensor 'embed_out.weight' (expected shape [157, 64])"), message);
    }

    @Test
    void badInputsAreRejectedWithTheirValues() {
        LanguageModel m = LanguageModel.load(fixture("bloom"), ReferenceBackend.INSTANCE);
        String message = assertThrows(IllegalArgumentException.class, () -> m.lmLogits(new int[][] {{4, 149}}, null, null)).getMessage();
        assertTrue(message.contains("token id 149 at [0][1]") && message.contains("vocabulary size 149"), message);
        assertThrows(IllegalArgumentException.class, () -> m.lmLogits(new int[][] {{4, 5}, {6}}, null, null));
        assertThrows(IllegalArgumentException.class, () -> m.lmLogits(new int[][] {{4, 5}}, new int[][] {{1, 2}}, null));
        String heads = assertThrows(IllegalStateException.class, () -> m.classLogits(IDS, null, null)).getMessage();
        assertTrue(heads.contains("no classification head"), heads);
        LanguageModel cls = LanguageModel.load(fixture("bloom_cls"), ReferenceBackend.INSTANCE);
        assertTrue(assertThrows(IllegalStateException.class, () -> cls.lmLogits(IDS, null, null)).getMessage().contains("no LM head"));
    }

    @Test
    void learnedPositionsEndAtTheTable() {
        LanguageModel m = LanguageModel.load(fixture("gpt2"), ReferenceBackend.INSTANCE);
        int[][] tooLong = {new int[33]};
        java.util.Arrays.fill(tooLong[0], 7);
        String message = assertThrows(IllegalArgumentException.class, () -> m.forward(tooLong, null, null)).getMessage();
        assertTrue(message.contains("position 32") && message.contains("32 positions"), message);
    }

    @Test
    void hookMustKeepTheShape() {
        LanguageModel m = LanguageModel.load(fixture("llama"), ReferenceBackend.INSTANCE);
        Interventions bad = new Interventions().replace(1, FfnPoint.PRE, x -> x.sum(-1, true));
        String message = assertThrows(IllegalStateException.class, () -> m.forward(IDS, null, bad)).getMessage();
        assertTrue(message.contains("layer 1 PRE") && message.contains("[1, 6, 1]"), message);
    }

    @Test
    void savedFolderLoadsBackBitIdenticalWithTokenizerFiles(@TempDir Path tmp) throws IOException {
        for (String dir : List.of("gpt2", "opt_postln_proj_cls", "gpt_neox", "bloom_cls", "llama")) {
            Path source = tmp.resolve("src-" + dir), saved = tmp.resolve("saved-" + dir);
            Files.createDirectories(source);
            Files.copy(fixture(dir).resolve("config.json"), source.resolve("config.json"));
            Files.copy(fixture(dir).resolve("model.safetensors"), source.resolve("model.safetensors"));
            Files.writeString(source.resolve("tokenizer.json"), "{\"model\": {}}");
            Files.writeString(source.resolve("notes.txt"), "not a tokenizer file");
            LanguageModel m = LanguageModel.load(source, Golden.CPU);
            m.save(saved);
            LanguageModel back = LanguageModel.load(saved, Golden.CPU);
            assertEquals(m.config(), back.config(), dir + " config");
            assertEquals(m.parameters().keySet(), back.parameters().keySet(), dir + " names");
            for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), back.parameters().get(e.getKey()).toFloatArray(), dir + " " + e.getKey());
            }
            assertEquals("{\"model\": {}}", Files.readString(saved.resolve("tokenizer.json")));
            assertTrue(!Files.exists(saved.resolve("notes.txt")));
        }
    }
}
