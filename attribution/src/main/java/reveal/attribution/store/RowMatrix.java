package reveal.attribution.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import reveal.engine.io.Json;

/**
 * A matrix written one row at a time and resumable after an interruption at any point: {@code <base>.bin} holds
 * the rows as little-endian float32 (or float64) values, row {@code r} at byte {@code r * cols * width}, and
 * {@code <base>.json} is the manifest (shape, what rows and columns are, which rows are done, method, settings and
 * a fingerprint of them). A row is marked done only after its bytes are forced to disk, and the manifest is
 * replaced atomically, so a crash loses at most the row being written. Reopening with other settings is refused.
 *
 * <p>Rows are the unit a method produces: instance attribution writes one row per <em>training</em> instance
 * (columns = test instances, "train-major"), NA-Instances one per test instance; {@link #testMajor()} reads either
 * as {@code [test][train]}, so no consumer has to guess the orientation.
 */
public final class RowMatrix implements AutoCloseable {
    public static final String FORMAT = "reveal-row-matrix/1";
    public static final String TEST = "test", TRAIN = "train", PARAMETER = "parameter";

    public enum DType {
        F32(4), F64(8);

        final int width;

        DType(int width) {
            this.width = width;
        }
    }

    /**
     * What a matrix holds. {@code rowKind}/{@code colKind} name what rows and columns are ({@link #TEST},
     * {@link #TRAIN}, {@link #PARAMETER}); {@code rowIds}/{@code colIds} are the instance ids in order;
     * {@code settings} are everything the values depend on (method parameters and a description of the inputs).
     */
    public record Spec(String method, String rowKind, int[] rowIds, String colKind, int[] colIds, DType dtype,
                       Map<String, Object> settings) {
        public Spec {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(dtype, "dtype");
            settings = settings == null ? Map.of() : settings;
        }

        Map<String, Object> identity() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("dtype", dtype.name());
            m.put("row_kind", rowKind);
            m.put("row_ids", Ranges.encode(rowIds));
            m.put("col_kind", colKind);
            m.put("col_ids", Ranges.encode(colIds));
            m.put("settings", settings);
            return m;
        }
    }

    private final Path data, manifest;
    private final Spec spec;
    private final String fingerprint;
    private final BitSet done;
    private final FileChannel channel;
    private final FileLock lock;

    private RowMatrix(Path base, Spec spec, String fingerprint, BitSet done, boolean writable) {
        this.data = sibling(base, ".bin");
        this.manifest = sibling(base, ".json");
        this.spec = spec;
        this.fingerprint = fingerprint;
        this.done = done;
        try {
            if (writable) {
                Files.createDirectories(data.toAbsolutePath().getParent());
                channel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                lock = tryLock(channel, data);
            } else {
                channel = FileChannel.open(data, StandardOpenOption.READ);
                lock = null;
            }
            long needed = done.isEmpty() ? 0 : offset(done.length()), size = channel.size();
            if (size < needed) {
                close();
                throw new IllegalStateException("row matrix " + data + " holds " + size + " bytes but its manifest marks rows up to "
                        + (done.length() - 1) + " done (" + needed + " bytes); the data file was truncated or replaced");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("row matrix " + data + ": cannot open", e);
        }
    }

    /**
     * Opens {@code <base>.bin/.json} for writing, creating them if absent. An existing matrix must have been
     * started with the same spec; otherwise this fails and names the settings that differ.
     */
    public static RowMatrix open(Path base, Spec spec) {
        Path m = sibling(base, ".json");
        String fp = Fingerprint.of(spec.identity());
        if (!Files.exists(m)) {
            RowMatrix rm = new RowMatrix(base, spec, fp, new BitSet(), true);
            rm.writeManifest();
            return rm;
        }
        Map<String, Object> stored = readManifest(m);
        if (!fp.equals(stored.get("fingerprint"))) {
            throw new IllegalStateException("row matrix " + m + " was started with other settings ("
                    + differences(stored, Fingerprint.normalize(spec.identity())) + "); delete " + m + " and "
                    + sibling(base, ".bin") + " to start over, or write to another path");
        }
        return new RowMatrix(base, spec, fp, Ranges.decodeSet(stored.get("done"), m + " done"), true);
    }

    /** Opens an existing matrix read-only, with the spec its manifest records. */
    public static RowMatrix load(Path base) {
        Path m = sibling(base, ".json");
        Map<String, Object> s = readManifest(m);
        @SuppressWarnings("unchecked")
        Spec spec = new Spec((String) s.get("method"), (String) s.get("row_kind"), Ranges.decode(s.get("row_ids"), m + " row_ids"),
                (String) s.get("col_kind"), Ranges.decode(s.get("col_ids"), m + " col_ids"), DType.valueOf((String) s.get("dtype")),
                (Map<String, Object>) s.get("settings"));
        return new RowMatrix(base, spec, (String) s.get("fingerprint"), Ranges.decodeSet(s.get("done"), m + " done"), false);
    }

    public Spec spec() {
        return spec;
    }

    public int rows() {
        return spec.rowIds.length;
    }

    public int cols() {
        return spec.colIds.length;
    }

    public boolean isDone(int row) {
        return done.get(row);
    }

    public int doneCount() {
        return done.cardinality();
    }

    public boolean isComplete() {
        return doneCount() == rows();
    }

    /** Writes row {@code row} (an index into {@code rowIds}), forces it to disk, then marks it done. */
    public void write(int row, double[] values) {
        if (lock == null) throw new IllegalStateException("row matrix " + data + " was loaded read-only");
        checkRow(row);
        if (values.length != cols()) throw new IllegalArgumentException("row matrix " + data + ": row " + row + " has " + values.length + " values, expected " + cols());
        ByteBuffer buf = ByteBuffer.allocate(cols() * spec.dtype.width).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (spec.dtype == DType.F32) buf.putFloat((float) v);
            else buf.putDouble(v);
        }
        buf.flip();
        try {
            long at = offset(row);
            while (buf.hasRemaining()) at += channel.write(buf, at);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("row matrix " + data + ": cannot write row " + row, e);
        }
        done.set(row);
        writeManifest();
    }

    /** The values of a done row. */
    public double[] read(int row) {
        checkRow(row);
        if (!done.get(row)) throw new IllegalStateException("row matrix " + data + ": row " + row + " (id " + spec.rowIds[row] + ") is not written yet");
        ByteBuffer buf = ByteBuffer.allocate(cols() * spec.dtype.width).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long at = offset(row);
            while (buf.hasRemaining()) {
                int n = channel.read(buf, at);
                if (n < 0) throw new IllegalStateException("row matrix " + data + " ends inside row " + row + ", which the manifest marks done");
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("row matrix " + data + ": cannot read row " + row, e);
        }
        buf.flip();
        double[] out = new double[cols()];
        for (int i = 0; i < out.length; i++) out[i] = spec.dtype == DType.F32 ? buf.getFloat() : buf.getDouble();
        return out;
    }

    /** All rows; the matrix must be complete. */
    public double[][] readAll() {
        if (!isComplete()) throw new IllegalStateException("row matrix " + data + " has " + doneCount() + " of " + rows() + " rows; finish the run first");
        double[][] out = new double[rows()][];
        for (int r = 0; r < out.length; r++) out[r] = read(r);
        return out;
    }

    /** Scores as {@code [test][train]}, transposing a train-major matrix. */
    public double[][] testMajor() {
        double[][] all = readAll();
        if (TEST.equals(spec.rowKind) && TRAIN.equals(spec.colKind)) return all;
        if (!(TRAIN.equals(spec.rowKind) && TEST.equals(spec.colKind))) {
            throw new IllegalStateException("row matrix " + data + " has rows '" + spec.rowKind + "' and columns '" + spec.colKind + "', not test/train scores");
        }
        double[][] t = new double[cols()][rows()];
        for (int r = 0; r < rows(); r++) for (int c = 0; c < cols(); c++) t[c][r] = all[r][c];
        return t;
    }

    @Override
    public void close() {
        try {
            if (lock != null) lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("row matrix " + data + ": cannot close", e);
        }
    }

    private long offset(int row) {
        return (long) row * cols() * spec.dtype.width;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows()) throw new IndexOutOfBoundsException("row matrix " + data + ": row " + row + " outside [0, " + rows() + ")");
    }

    private void writeManifest() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("rows", rows());
        m.put("cols", cols());
        m.putAll(spec.identity());
        m.put("fingerprint", fingerprint);
        m.put("done", Ranges.encode(done));
        m.put("complete", isComplete());
        AtomicFiles.writeString(manifest, Json.write(m) + "\n");
    }

    private static Map<String, Object> readManifest(Path m) {
        Map<String, Object> s;
        try {
            s = Json.parseObject(Files.readString(m));
        } catch (IOException e) {
            throw new UncheckedIOException("row matrix manifest " + m + ": cannot read", e);
        }
        if (!FORMAT.equals(s.get("format"))) throw new IllegalStateException("row matrix manifest " + m + ": format " + s.get("format") + ", expected " + FORMAT);
        return s;
    }

    /** Names the top-level fields and settings whose stored and requested values differ. */
    @SuppressWarnings("unchecked")
    private static String differences(Map<String, Object> stored, Object requested) {
        Map<String, Object> req = (Map<String, Object>) requested;
        List<String> out = new ArrayList<>();
        for (String k : req.keySet()) {
            if (k.equals("settings")) continue;
            if (!Objects.equals(stored.get(k), req.get(k))) out.add(k + " was " + brief(stored.get(k)) + ", now " + brief(req.get(k)));
        }
        Map<String, Object> a = (Map<String, Object>) stored.getOrDefault("settings", Map.of());
        Map<String, Object> b = (Map<String, Object>) req.get("settings");
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) out.add("setting '" + k + "' was " + brief(a.get(k)) + ", now " + brief(b.get(k)));
        }
        return out.isEmpty() ? "the fingerprint differs" : String.join("; ", out);
    }

    private static String brief(Object v) {
        String s = Json.write(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static FileLock tryLock(FileChannel c, Path p) throws IOException {
        FileLock l;
        try {
            l = c.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            c.close();
            throw new IllegalStateException("row matrix " + p + " is open for writing elsewhere (another run on the same output?)");
        }
        return l;
    }

    private static Path sibling(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }
}
