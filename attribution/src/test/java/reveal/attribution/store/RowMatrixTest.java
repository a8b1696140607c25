package reveal.attribution.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

class RowMatrixTest {
    private static RowMatrix.Spec spec(Map<String, Object> settings) {
        return new RowMatrix.Spec("gs_dot", RowMatrix.TRAIN, new int[] {0, 1, 2, 3}, RowMatrix.TEST, new int[] {7, 9}, RowMatrix.DType.F32, settings);
    }

    @Test
    void rowsAreLittleEndianFloat32AtTheirOffsetAndSurviveAReopen(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("gs_dot");
        try (RowMatrix m = RowMatrix.open(base, spec(Map.of("damping", 0.03)))) {
            m.write(2, new double[] {1.5, -2.25});
            m.write(0, new double[] {0.1, Double.NEGATIVE_INFINITY});
            assertEquals(2, m.doneCount());
        }
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("gs_dot.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3 * 2 * 4, raw.capacity());
        assertEquals(1.5f, raw.getFloat(2 * 8));
        assertEquals(-2.25f, raw.getFloat(2 * 8 + 4));
        assertEquals(0.1f, raw.getFloat(0));
        Map<String, Object> manifest = Json.parseObject(Files.readString(dir.resolve("gs_dot.json")));
        assertEquals(List.of(List.of(0L, 1L), List.of(2L, 3L)), manifest.get("done"));
        assertEquals(List.of(List.of(0L, 4L)), manifest.get("row_ids"));
        assertEquals(List.of(List.of(7L, 8L), List.of(9L, 10L)), manifest.get("col_ids"));
        assertEquals(false, manifest.get("complete"));

        try (RowMatrix m = RowMatrix.open(base, spec(Map.of("damping", 0.03)))) {
            assertTrue(m.isDone(0) && m.isDone(2));
            assertFalse(m.isDone(1) || m.isDone(3));
            assertArrayEquals(new double[] {1.5, -2.25}, m.read(2), 0.0);
            assertEquals(Double.NEGATIVE_INFINITY, m.read(0)[1]);
            assertThrows(IllegalStateException.class, () -> m.read(1));
            m.write(1, new double[] {3, 4});
            m.write(3, new double[] {5, 6});
            assertTrue(m.isComplete());
        }
        RowMatrix loaded = RowMatrix.load(base);
        double[][] byTest = loaded.testMajor();
        assertArrayEquals(new double[] {0.1f, 3, 1.5, 5}, byTest[0], 0.0);
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 4, -2.25, 6}, byTest[1], 0.0);
        assertArrayEquals(new int[] {7, 9}, loaded.spec().colIds());
        loaded.close();
    }

    @Test
    void float64RowsKeepEveryBit(@TempDir Path dir) {
        RowMatrix.Spec s = new RowMatrix.Spec("ihvp", RowMatrix.TEST, new int[] {5}, RowMatrix.PARAMETER, new int[] {0, 1}, RowMatrix.DType.F64, Map.of());
        try (RowMatrix m = RowMatrix.open(dir.resolve("ihvp"), s)) {
            m.write(0, new double[] {Math.PI, -1e-300});
        }
        try (RowMatrix m = RowMatrix.load(dir.resolve("ihvp"))) {
            assertArrayEquals(new double[] {Math.PI, -1e-300}, m.read(0), 0.0);
            assertThrows(IllegalStateException.class, m::testMajor);
        }
    }

    @Test
    void reopeningWithOtherSettingsOrIdsIsRefusedWithTheDifference(@TempDir Path dir) {
        Path base = dir.resolve("m");
        RowMatrix.open(base, spec(Map.of("damping", 0.03, "scale", 1e4))).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RowMatrix.open(base, spec(Map.of("damping", 0.04, "scale", 1e4))));
        assertTrue(e.getMessage().contains("setting 'damping' was 0.03, now 0.04"), e.getMessage());
        RowMatrix.Spec otherRows = new RowMatrix.Spec("gs_dot", RowMatrix.TRAIN, new int[] {0, 1, 2}, RowMatrix.TEST, new int[] {7, 9}, RowMatrix.DType.F32, Map.of("damping", 0.03, "scale", 1e4));
        IllegalStateException f = assertThrows(IllegalStateException.class, () -> RowMatrix.open(base, otherRows));
        assertTrue(f.getMessage().contains("row_ids was [[0,4]], now [[0,3]]"), f.getMessage());
        // Integer-valued settings written as ints or longs are the same setting.
        RowMatrix.open(dir.resolve("n"), spec(Map.of("depth", 40))).close();
        RowMatrix.open(dir.resolve("n"), spec(Map.of("depth", 40L))).close();
    }

    @Test
    void aTruncatedDataFileIsDetected(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        try (RowMatrix m = RowMatrix.open(base, spec(Map.of()))) {
            m.write(0, new double[] {1, 2});
            m.write(1, new double[] {3, 4});
        }
        try (FileChannel c = FileChannel.open(dir.resolve("m.bin"), StandardOpenOption.WRITE)) {
            c.truncate(12);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RowMatrix.open(base, spec(Map.of())));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aMatrixOpenForWritingCannotBeOpenedTwice(@TempDir Path dir) {
        try (RowMatrix m = RowMatrix.open(dir.resolve("m"), spec(Map.of()))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RowMatrix.open(dir.resolve("m"), spec(Map.of())));
            assertTrue(e.getMessage().contains("open for writing elsewhere"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.write(0, new double[] {1}));
        }
    }
}
