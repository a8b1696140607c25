package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.model.io.IoTestFiles.assertFails;
import static reveal.model.io.IoTestFiles.resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static HostTensor t(float... values) {
        return new HostTensor(new int[] {values.length}, values);
    }

    private void shard(String file, Map<String, HostTensor> tensors) {
        SafetensorsWriter.write(dir.resolve(file), tensors);
    }

    private void index(String weightMap) throws Exception {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\"metadata\":{\"total_size\":28},\"weight_map\":{" + weightMap + "}}");
    }

    @Test
    void readsASingleFileFolderOrFile() {
        Path fixture = resource("fixtures/llama_f16/model.safetensors");
        Checkpoint byFile = Checkpoint.open(fixture);
        Checkpoint byFolder = Checkpoint.open(fixture.getParent());
        assertEquals(21, byFolder.names().size());
        assertEquals(byFile.names(), byFolder.names());
        assertEquals(List.of(fixture), byFolder.files());
        assertEquals(DType.F16, byFolder.info("lm_head.weight").dtype());
        assertArrayEquals(SafetensorsFile.open(fixture).floats("model.norm.weight"), byFolder.floats("model.norm.weight"));
        assertEquals(byFolder.loadAll().keySet().stream().toList(), byFolder.names());
    }

    @Test
    void joinsShardsIntoOneView() throws Exception {
        shard("model-00001-of-00002.safetensors", Map.of("a", t(1, 2), "c", t(3)));
        shard("model-00002-of-00002.safetensors", Map.of("b", t(4, 5, 6)));
        index("\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\","
                + "\"c\":\"model-00001-of-00002.safetensors\"");
        Checkpoint c = Checkpoint.open(dir);
        assertEquals(List.of("a", "b", "c"), c.names());
        assertEquals(t(4, 5, 6), c.tensor("b"));
        assertArrayEquals(new float[] {1, 2}, c.floats("a"));
        assertEquals(Map.of("a", t(1, 2), "b", t(4, 5, 6), "c", t(3)), c.loadAll());
        assertEquals(2, c.files().size());
        assertTrue(c.contains("c"));
        assertFalse(c.contains("d"));
        assertFails(() -> c.tensor("d"), dir.toString(), "no tensor 'd'");
    }

    @Test
    void prefersTheSingleFileOverAnIndex() throws Exception {
        shard(Checkpoint.SINGLE_FILE, Map.of("x", t(9)));
        index("\"y\":\"missing.safetensors\"");
        assertEquals(List.of("x"), Checkpoint.open(dir).names());
    }

    @Test
    void rejectsANameInTwoShards() throws Exception {
        shard("s1.safetensors", Map.of("a", t(1)));
        shard("s2.safetensors", Map.of("a", t(2), "b", t(3)));
        index("\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "tensor 'a'", "two shards", "s1.safetensors",
                "s2.safetensors");
    }

    @Test
    void rejectsAMissingShardNamingIt() throws Exception {
        shard("s1.safetensors", Map.of("a", t(1)));
        index("\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "s2.safetensors", "tensor 'b'", "does not exist");
    }

    @Test
    void rejectsAnIndexThatDisagreesWithItsShards() throws Exception {
        shard("s1.safetensors", Map.of("a", t(1), "extra", t(2)));
        index("\"a\":\"s1.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "tensor 'extra'", "s1.safetensors", "does not list it");

        shard("s1.safetensors", Map.of("a", t(1)));
        shard("s2.safetensors", Map.of("b", t(2)));
        index("\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\",\"c\":\"s2.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "tensor 'b'", "s2.safetensors", "says s1.safetensors");

        index("\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\",\"ghost\":\"s2.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "tensor 'ghost'", "s2.safetensors", "does not hold it");
    }

    @Test
    void rejectsMalformedIndexesAndEmptyFolders() throws Exception {
        assertFails(() -> Checkpoint.open(dir), dir.toString(), Checkpoint.SINGLE_FILE, Checkpoint.INDEX_FILE);
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\":{}}");
        assertFails(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "no weight_map");
        index("\"a\":\"../outside.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "tensor 'a'", "../outside.safetensors", "not a plain file name");
        index("\"a\":3");
        assertFails(() -> Checkpoint.open(dir), "tensor 'a'", "not a file name");
    }

    @Test
    void shardErrorsNameTheShard() throws Exception {
        Files.write(dir.resolve("s1.safetensors"), new byte[3]);
        index("\"a\":\"s1.safetensors\"");
        assertFails(() -> Checkpoint.open(dir), "s1.safetensors", "shorter than the 8-byte");
    }
}
