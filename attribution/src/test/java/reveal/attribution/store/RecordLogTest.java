package reveal.attribution.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {
    @Test
    void recordsAreAppendedAsLinesAndReadBackInOrder(@TempDir Path dir) {
        Path f = dir.resolve("na/train.jsonl");
        try (RecordLog log = RecordLog.open(f, r -> { })) {
            log.append(Map.of("id", 0, "neurons", List.of(List.of(1, 2))));
            log.append(Map.of("id", 1, "neurons", List.of()));
        }
        List<Object> ids = new ArrayList<>();
        try (RecordLog log = RecordLog.open(f, r -> ids.add(r.get("id")))) {
            log.append(Map.of("id", 2));
        }
        assertEquals(List.of(0L, 1L), ids);
        assertEquals(3, RecordLog.readAll(f).size());
        assertEquals(List.of(List.of(1L, 2L)), RecordLog.readAll(f).get(0).get("neurons"));
    }

    @Test
    void aTornLastLineIsDroppedAndTheFileRepaired(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log.jsonl");
        try (RecordLog log = RecordLog.open(f, r -> { })) {
            log.append(Map.of("id", 0));
            log.append(Map.of("id", 1));
        }
        long complete = Files.size(f);
        Files.writeString(f, "{\"id\":2,\"neur", StandardOpenOption.APPEND);
        assertEquals(2, RecordLog.readAll(f).size());
        List<Object> seen = new ArrayList<>();
        try (RecordLog log = RecordLog.open(f, r -> seen.add(r.get("id")))) {
            assertEquals(complete, Files.size(f));
            log.append(Map.of("id", 2));
        }
        assertEquals(List.of(0L, 1L), seen);
        assertEquals("{\"id\":0}\n{\"id\":1}\n{\"id\":2}\n", Files.readString(f, StandardCharsets.UTF_8));
    }

    @Test
    void aDamagedLineBeforeTheEndIsAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log.jsonl");
        Files.writeString(f, "{\"id\":0}\n{\"id\":1,\n{\"id\":2}\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RecordLog.open(f, r -> { }));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
