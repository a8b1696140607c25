package reveal.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reveal.engine.io.Json;

/**
 * Writes F32 safetensors files the way {@code safetensors.torch.save_file} lays them out: tensors in sorted name
 * order, {@code __metadata__ = {"format": "pt"}}, header padded with spaces to a multiple of 8 bytes. The file is
 * written to a temporary file beside the target, forced to disk, then moved over the target atomically, so a crash
 * or error leaves either the old file or the complete new one.
 */
public final class SafetensorsWriter {
    private static final int CHUNK_FLOATS = 1 << 18;

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, HostTensor> tensors) {
        Map<String, HostTensor> sorted = new TreeMap<>(tensors);
        if (sorted.containsKey("__metadata__")) {
            throw new IllegalArgumentException(file + ": '__metadata__' is reserved and cannot name a tensor");
        }
        byte[] header = header(sorted);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            // not Files.createTempFile: that would give the finished file mode 0600 instead of the usual umask
            Path name = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try (FileChannel ch = FileChannel.open(name, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                temp = name;
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                writeFully(ch, prefix);
                ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
                for (HostTensor t : sorted.values()) {
                    float[] data = t.data();
                    for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
                        int n = Math.min(CHUNK_FLOATS, data.length - from);
                        chunk.clear();
                        chunk.asFloatBuffer().put(data, from, n); // raw bits: NaN payloads survive
                        chunk.limit(4 * n);
                        writeFully(ch, chunk);
                    }
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write safetensors: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original error matters more than a leftover temporary file
                }
            }
        }
    }

    private static byte[] header(Map<String, HostTensor> sorted) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            long bytes = 4L * e.getValue().data().length;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", e.getValue().shape());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            json.put(e.getKey(), entry);
            offset += bytes;
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(text, 0, out, 0, text.length);
        for (int i = text.length; i < padded; i++) out[i] = ' ';
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
