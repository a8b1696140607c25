package reveal.model.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reveal.engine.io.Json;

/**
 * A read-only, memory-mapped safetensors file. The header is validated completely on {@link #open} with the rules of
 * HF's reference implementation ({@code safetensors} crate, {@code Metadata::validate}): known dtypes, non-negative
 * shapes, byte ranges that match shape x dtype size, and ranges that tile the data area exactly - sorted by offset,
 * each starts where the previous ended (no overlap, no hole) and the last ends at the end of the file. Every error
 * names the file, and the tensor where there is one.
 */
public final class SafetensorsFile {
    /** HF's limit (MAX_HEADER_SIZE); a larger header length means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Java arrays stop a little short of 2^31 elements. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final MappedFile file;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile file, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        return open(path, MappedFile.DEFAULT_WINDOW_BITS);
    }

    /** Opens with mapping windows of 2^windowBits bytes; small windows let tests exercise the window seams. */
    static SafetensorsFile open(Path path, int windowBits) {
        MappedFile file = MappedFile.map(path, windowBits);
        if (file.size < 8) {
            throw error(path, "file is " + file.size + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = file.longLE(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw error(path, "header length " + Long.toUnsignedString(headerLength) + " is absurd (limit "
                    + MAX_HEADER_BYTES + " bytes)");
        }
        if (headerLength > file.size - 8) {
            throw error(path, "header length " + headerLength + " runs past the end of the " + file.size + "-byte file");
        }
        String header = utf8(path, file.bytes(8, (int) headerLength));
        Object parsed;
        try {
            parsed = Json.parse(header);
        } catch (IllegalArgumentException e) {
            throw error(path, "header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> entries)) throw error(path, "header is not a JSON object");

        long dataStart = 8 + headerLength;
        long dataSize = file.size - dataStart;
        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> tensors = new TreeMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) metadata = metadata(path, e.getValue());
            else tensors.put(name, tensorInfo(path, name, e.getValue(), dataSize));
        }
        checkTiling(path, tensors.values(), dataSize);
        return new SafetensorsFile(file, dataStart, Collections.unmodifiableMap(tensors), metadata);
    }

    public Path path() {
        return file.path;
    }

    /** Tensor names in sorted order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw error(file.path, "no tensor '" + name + "' (the file holds " + tensors.size() + " tensors)");
        return t;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's values converted to float (see {@link DType} for what each dtype converts to). */
    public float[] floats(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().convertible()) {
            throw error(file.path, "tensor '" + name + "': dtype " + t.dtype() + " has no float conversion");
        }
        if (t.numel() > MAX_ARRAY) {
            throw error(file.path, "tensor '" + name + "' has " + t.numel()
                    + " elements, more than a Java float[] holds (2^31 - 9)");
        }
        float[] out = new float[(int) t.numel()];
        file.floats(dataStart + t.begin(), t.dtype(), out);
        return out;
    }

    public HostTensor tensor(String name) {
        float[] data = floats(name);
        long[] shape = info(name).shape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) shape[i]; // each <= numel, which fits an int
        return new HostTensor(dims, data);
    }

    // ---- header validation ----

    private static String utf8(Path path, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw error(path, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> metadata(Path path, Object value) {
        if (!(value instanceof Map<?, ?> map)) throw error(path, "__metadata__ is not a JSON object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            // HF reads __metadata__ as HashMap<String, String>, so anything else is malformed
            if (!(e.getValue() instanceof String s)) {
                throw error(path, "__metadata__ entry '" + e.getKey() + "' is not a string: " + Json.write(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo tensorInfo(Path path, String name, Object value, long dataSize) {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> fields)) throw error(path, where + "entry is not a JSON object");
        if (!(fields.get("dtype") instanceof String dtypeName)) throw error(path, where + "missing or non-string dtype");
        DType dtype = DType.byName(dtypeName);
        if (dtype == null) {
            throw error(path, where + "unknown dtype '" + dtypeName + "' (known: " + List.of(DType.values()) + ")");
        }
        long[] shape = naturals(path, where + "shape", fields.get("shape"));
        long[] offsets = naturals(path, where + "data_offsets", fields.get("data_offsets"));
        if (offsets.length != 2) throw error(path, where + "data_offsets must be [begin, end], got " + offsets.length + " values");
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw error(path, where + "data_offsets [" + begin + ", " + end + "] are reversed");
        if (end > dataSize) {
            throw error(path, where + "data_offsets [" + begin + ", " + end + "] run past the " + dataSize
                    + "-byte data area");
        }
        long bytes;
        try {
            long numel = 1;
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            bytes = Math.multiplyExact(numel, (long) dtype.size);
        } catch (ArithmeticException e) {
            throw error(path, where + "shape " + Arrays.toString(shape) + " x " + dtype + " overflows 64 bits");
        }
        if (bytes != end - begin) {
            throw error(path, where + "shape " + Arrays.toString(shape) + " x " + dtype + " (" + dtype.size
                    + " bytes) needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] naturals(Path path, String what, Object value) {
        if (!(value instanceof List<?> list)) throw error(path, what + " is missing or not a JSON array");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw error(path, what + " must hold non-negative integers, got " + Json.write(list));
            }
            out[i] = v;
        }
        return out;
    }

    /** HF's rule: sorted by offset, the ranges tile [0, dataSize) exactly. */
    private static void checkTiling(Path path, Iterable<TensorInfo> infos, long dataSize) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < expected) {
                throw error(path, "tensor '" + t.name() + "' bytes [" + t.begin() + ", " + t.end()
                        + ") overlap tensor '" + previous.name() + "' bytes [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (t.begin() > expected) {
                throw error(path, "tensor '" + t.name() + "' starts at byte " + t.begin() + " leaving a hole [" + expected
                        + ", " + t.begin() + ") in the data area" + (previous == null ? "" : " after tensor '" + previous.name() + "'"));
            }
            expected = t.end();
            previous = t;
        }
        if (expected != dataSize) {
            throw error(path, "tensors cover " + expected + " bytes of the " + dataSize + "-byte data area"
                    + (previous == null ? "" : " (last: tensor '" + previous.name() + "')") + "; trailing bytes are not allowed");
        }
    }

    static IllegalArgumentException error(Path path, String message) {
        return new IllegalArgumentException(path + ": " + message);
    }
}
