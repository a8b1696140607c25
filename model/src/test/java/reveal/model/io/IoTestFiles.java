package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Test helpers: resources of this package, hand-made files, and error-message checks. */
final class IoTestFiles {
    private IoTestFiles() {
    }

    /** A file under src/test/resources/io. */
    static Path resource(String relative) {
        URL url = IoTestFiles.class.getResource("/io/" + relative);
        if (url == null) throw new IllegalStateException("missing test resource io/" + relative);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes an 8-byte length, the header text (unpadded) and the data bytes. */
    static Path safetensors(Path dir, String fileName, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return write(dir.resolve(fileName), concat(le64(h.length), h, data));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] leFloats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] leInts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Asserts that {@code body} throws an exception whose message contains every one of {@code parts}. */
    static RuntimeException assertFails(Executable body, String... parts) {
        RuntimeException e = assertThrows(RuntimeException.class, body);
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    () -> "message should contain '" + p + "': " + e.getMessage());
        }
        return e;
    }
}
