package reveal.attribution.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import reveal.engine.io.Json;

/**
 * The settings a resumable result was started with, kept beside it: the first run records them, and a later run with
 * other settings is refused, since continuing would mix the results of two configurations.
 */
public final class RecordedSettings {
    private RecordedSettings() {
    }

    /**
     * Records {@code settings} in {@code file}, or checks them against those recorded there (as they read back from
     * JSON, so an int and a long compare equal).
     *
     * @param remedy what the user can do instead, for the error message
     */
    public static void claim(Path file, Object settings, String remedy) {
        Object canonical = Json.parse(Json.write(settings));
        if (!Files.exists(file)) {
            AtomicFiles.writeString(file, Json.write(settings) + "\n");
            return;
        }
        Object stored;
        try {
            stored = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "); " + remedy, e);
        }
        if (!stored.equals(canonical)) {
            throw new IllegalStateException(file + " records other settings or inputs than this run's (stored " + Json.write(stored) + ", now "
                    + Json.write(canonical) + "); " + remedy);
        }
    }
}
