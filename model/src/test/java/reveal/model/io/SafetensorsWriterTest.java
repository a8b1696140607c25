package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.model.io.IoTestFiles.assertFails;
import static reveal.model.io.IoTestFiles.resource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsBitIdentical() {
        float quietNanWithPayload = Float.intBitsToFloat(0x7FC12345);
        float negativeNan = Float.intBitsToFloat(0xFFC00001);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("z.special", new HostTensor(new int[] {2, 4}, new float[] {
            -0f, 0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            quietNanWithPayload, negativeNan}));
        tensors.put("a.scalar", new HostTensor(new int[0], new float[] {3.25f}));
        tensors.put("m.empty", new HostTensor(new int[] {0, 5}, new float[0]));
        float[] big = new float[300_000]; // more than one write chunk
        for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i) * i;
        tensors.put("b.big", new HostTensor(new int[] {600, 500}, big));
        Path file = dir.resolve("out.safetensors");

        SafetensorsWriter.write(file, tensors);

        SafetensorsFile read = SafetensorsFile.open(file);
        assertEquals(List.of("a.scalar", "b.big", "m.empty", "z.special"), read.names());
        assertEquals(Map.of("format", "pt"), read.metadata());
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor back = read.tensor(e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
            float[] want = e.getValue().data(), got = back.data();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void headerIsSortedPaddedWithSpacesAndTilesTheData() throws Exception {
        Path file = dir.resolve("h.safetensors");
        SafetensorsWriter.write(file, Map.of(
                "b", new HostTensor(new int[] {3}, new float[] {1, 2, 3}),
                "a", new HostTensor(new int[] {1, 1}, new float[] {4})));
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '));
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}}", json);
        assertEquals(8 + n + 16, bytes.length);
        assertEquals(Map.of("format", "pt"), Json.parseObject(json).get("__metadata__"));
    }

    /**
     * The llama2.c weights under HF names, written by us, reproduce the HF-layout file of the shared set byte for
     * byte (it was written by the safetensors library with the same conventions).
     */
    @Test
    void writesTheSameBytesAsTheSafetensorsLibrary() throws Exception {
        Path reference = resource("stories260K/hf_llama_layout/model.safetensors");
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Checkpoint.open(reference).loadAll());
        assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(file));
    }

    @Test
    void failedWritesLeaveTheTargetAndNoTemporaryFile() throws Exception {
        Path file = dir.resolve("keep.safetensors");
        SafetensorsWriter.write(file, Map.of("w", new HostTensor(new int[] {1}, new float[] {7})));
        byte[] before = Files.readAllBytes(file);

        assertFails(() -> SafetensorsWriter.write(file, Map.of("__metadata__", new HostTensor(new int[] {1}, new float[1]))),
                file.toString(), "__metadata__");
        assertArrayEquals(before, Files.readAllBytes(file));

        // the move onto a non-empty directory fails after the data is written: the temporary file must go
        Path occupied = Files.createDirectory(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("inside"), "x");
        assertFails(() -> SafetensorsWriter.write(occupied, Map.of("w", new HostTensor(new int[] {1}, new float[1]))),
                occupied.toString(), "cannot write");
        assertTrue(Files.isDirectory(occupied));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("keep.safetensors", "occupied"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
