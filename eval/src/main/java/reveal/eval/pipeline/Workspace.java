package reveal.eval.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import reveal.attribution.store.AtomicFiles;
import reveal.attribution.store.RecordedSettings;
import reveal.engine.io.Json;

/**
 * The run folder: JSON outputs written atomically (a reader never sees half a file), and one marker per finished
 * stage ({@code stages/<name>.json}, with its time), so a rerun skips what is complete. The settings a run was
 * started with are kept in {@code settings.json}; a rerun with other settings is refused, since its stages would
 * mix results of two configurations.
 */
final class Workspace {
    private final Path dir;

    Workspace(Path dir, Map<String, Object> settings) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("stages"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + dir, e);
        }
        RecordedSettings.claim(dir.resolve("settings.json"), settings, "use another run folder, or delete " + dir + " to start over");
    }

    Path dir() {
        return dir;
    }

    Path path(String relative) {
        return dir.resolve(relative);
    }

    /** Seconds the stage took when it was completed (by this or an earlier run), or -1 if it is not done. */
    double doneSeconds(String stage) {
        Path marker = path("stages/" + stage + ".json");
        if (!Files.exists(marker)) return -1;
        return ((Number) ((Map<?, ?>) readJson("stages/" + stage + ".json")).get("seconds")).doubleValue();
    }

    void markDone(String stage, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("seconds", seconds);
        writeJson("stages/" + stage + ".json", m);
    }

    /** Forgets a stage's completion (a later stage found its output unusable). */
    void markUndone(String stage) {
        try {
            Files.deleteIfExists(path("stages/" + stage + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeJson(String relative, Object value) {
        writeText(relative, Json.write(value) + "\n");
    }

    void writeText(String relative, String text) {
        AtomicFiles.writeString(path(relative), text);
    }

    Object readJson(String relative) {
        Path file = path(relative);
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "); delete it and rerun", e);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> readObject(String relative) {
        return (Map<String, Object>) readJson(relative);
    }

    /** Deletes a folder inside the run folder, if present. */
    void deleteTree(String relative) {
        Path p = path(relative);
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
