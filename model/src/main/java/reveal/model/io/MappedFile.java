package reveal.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only. One MappedByteBuffer is limited to 2 GiB, so the file is mapped as windows of
 * 2^windowBits bytes; each window maps 8 bytes past its end, so that every element (at most 8 bytes) starting in a
 * window lies wholly inside it, whatever the alignment of the tensor. The channel is closed right after mapping:
 * the mappings stay valid and nothing needs closing.
 */
final class MappedFile {
    static final int DEFAULT_WINDOW_BITS = 30;
    private static final int MAX_ELEMENT = 8;

    final Path path;
    final long size;
    private final int windowBits;
    private final MappedByteBuffer[] windows;

    private MappedFile(Path path, long size, int windowBits, MappedByteBuffer[] windows) {
        this.path = path;
        this.size = size;
        this.windowBits = windowBits;
        this.windows = windows;
    }

    static MappedFile map(Path path, int windowBits) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            long window = 1L << windowBits;
            int count = (int) Math.max(1, (size + window - 1) >>> windowBits);
            MappedByteBuffer[] windows = new MappedByteBuffer[count];
            for (int w = 0; w < count; w++) {
                long start = (long) w << windowBits;
                long length = Math.min(window + MAX_ELEMENT, size - start);
                windows[w] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.max(0, length));
            }
            return new MappedFile(path, size, windowBits, windows);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(path + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot map: " + e.getMessage(), e);
        }
    }

    /** The bytes {@code [pos, pos + length)}. */
    byte[] bytes(long pos, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            ByteBuffer b = at(pos + done);
            int n = Math.min(length - done, b.remaining());
            b.get(out, done, n);
            done += n;
        }
        return out;
    }

    long longLE(long pos) {
        return at(pos).getLong();
    }

    int intLE(long pos) {
        return at(pos).getInt();
    }

    /** Decodes {@code out.length} elements of {@code type} stored contiguously from byte {@code pos}. */
    void floats(long pos, DType type, float[] out) {
        int done = 0;
        while (done < out.length) {
            long p = pos + (long) done * type.size;
            long windowEnd = ((p >>> windowBits) + 1) << windowBits;
            // elements that start inside this window; they end inside its 8-byte overhang at worst
            int count = (int) Math.min(out.length - done, (windowEnd - p + type.size - 1) / type.size);
            type.toFloats(at(p), out, done, count);
            done += count;
        }
    }

    /** A little-endian view positioned at absolute byte {@code pos}. */
    private ByteBuffer at(long pos) {
        int w = (int) (pos >>> windowBits);
        ByteBuffer b = windows[w].duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) (pos - ((long) w << windowBits)));
        return b;
    }
}
