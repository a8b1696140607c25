package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.model.io.IoTestFiles.assertFails;
import static reveal.model.io.IoTestFiles.concat;
import static reveal.model.io.IoTestFiles.le64;
import static reveal.model.io.IoTestFiles.leFloats;
import static reveal.model.io.IoTestFiles.leInts;
import static reveal.model.io.IoTestFiles.resource;
import static reveal.model.io.IoTestFiles.safetensors;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private static final String W_F32_1 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";

    // ---- values of every dtype ----

    @Test
    void decodesEveryConvertibleDtype() {
        ByteBuffer d = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        d.putFloat(1.5f).putFloat(-2.25f).putFloat(Float.MAX_VALUE).putFloat(Float.MIN_VALUE); // a F32 [2,2]  0..16
        d.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001);        // b F16 [3]   16..22
        d.putShort((short) 0x4049);                                                            // c BF16 [1]  22..24
        d.putDouble(0.1).putDouble(2.5);                                                       // d F64 [2]   24..40
        d.putLong(-(1L << 40));                                                                // e I64 [1]   40..48
        d.putInt(-7).putInt(16_777_217);                                                       // f I32 [2]   48..56
        d.put((byte) 255).put((byte) 0);                                                       // g U8 [2]    56..58
        d.put((byte) 1).put((byte) 0);                                                         // h BOOL [2]  58..60
        d.put((byte) -128);                                                                    // i I8 [1]    60..61
        d.putShort((short) -32768);                                                            // j I16 [1]   61..63
        d.putShort((short) 0xFFFF);                                                            // k U16 [1]   63..65
        d.putInt(0xFFFFFFFF);                                                                  // l U32 [1]   65..69
        d.putLong(-1L);                                                                        // m U64 [1]   69..77
        byte[] data = new byte[d.position()];
        d.flip().get(data);
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"x\"},"
                + "\"m\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[69,77]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[22,24]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]},"
                + "\"e\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[40,48]},"
                + "\"f\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[48,56]},"
                + "\"g\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[56,58]},"
                + "\"h\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[58,60]},"
                + "\"i\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[60,61]},"
                + "\"j\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[61,63]},"
                + "\"k\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[63,65]},"
                + "\"l\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[65,69]}}";
        SafetensorsFile f = SafetensorsFile.open(safetensors(dir, "all.safetensors", header, data));

        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"), f.names());
        assertEquals(Map.of("format", "pt", "note", "x"), f.metadata());
        TensorInfo a = f.info("a");
        assertEquals(DType.F32, a.dtype());
        assertArrayEquals(new long[] {2, 2}, a.shape());
        assertEquals(0, a.begin());
        assertEquals(16, a.end());
        assertEquals(0, f.info("c").rank());
        assertEquals(1, f.info("c").numel());

        assertArrayEquals(new float[] {1.5f, -2.25f, Float.MAX_VALUE, Float.MIN_VALUE}, f.floats("a"));
        assertArrayEquals(new float[] {1f, -2f, 0x1p-24f}, f.floats("b"));
        assertArrayEquals(new float[] {3.140625f}, f.floats("c"));
        assertArrayEquals(new float[] {0.1f, 2.5f}, f.floats("d"));
        assertArrayEquals(new float[] {-0x1p40f}, f.floats("e"));
        assertArrayEquals(new float[] {-7f, 16_777_216f}, f.floats("f"));
        assertArrayEquals(new float[] {255f, 0f}, f.floats("g"));
        assertArrayEquals(new float[] {1f, 0f}, f.floats("h"));
        assertArrayEquals(new float[] {-128f}, f.floats("i"));
        assertArrayEquals(new float[] {-32768f}, f.floats("j"));
        assertArrayEquals(new float[] {65535f}, f.floats("k"));
        assertArrayEquals(new float[] {4_294_967_295f}, f.floats("l"));
        assertArrayEquals(new float[] {0x1p64f}, f.floats("m"));
        assertEquals(new HostTensor(new int[] {2, 2}, f.floats("a")), f.tensor("a"));
        assertEquals(new HostTensor(new int[0], new float[] {3.140625f}), f.tensor("c"));
    }

    /** Every one of the 65536 F16 bit patterns against the IEEE formula, in double: subnormals, infinities, NaNs. */
    @Test
    void f16DecodingIsExactForEveryBitPattern() {
        SafetensorsFile f = SafetensorsFile.open(allBitPatterns("F16"));
        float[] v = f.floats("all");
        assertEquals(65536, v.length);
        for (int h = 0; h < 65536; h++) {
            int sign = h >>> 15, exponent = (h >>> 10) & 31, mantissa = h & 1023;
            int bits = Float.floatToRawIntBits(v[h]);
            if (exponent == 31 && mantissa != 0) {
                // NaN: sign and payload kept in the top mantissa bits
                assertEquals((sign << 31) | 0x7F800000 | (mantissa << 13), bits, "F16 NaN 0x" + Integer.toHexString(h));
                continue;
            }
            double s = sign == 1 ? -1 : 1;
            double expected = exponent == 31 ? s * Double.POSITIVE_INFINITY
                    : exponent == 0 ? s * mantissa * Math.pow(2, -24)
                    : s * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            assertEquals(0, Double.compare(expected, v[h]), "F16 0x" + Integer.toHexString(h));
        }
        assertEquals(0x1p-24f, v[0x0001]);          // smallest subnormal
        assertEquals(1023 * 0x1p-24f, v[0x03FF]);   // largest subnormal
        assertEquals(0x1p-14f, v[0x0400]);          // smallest normal
        assertEquals(65504f, v[0x7BFF]);            // largest finite
        assertEquals(Float.NEGATIVE_INFINITY, v[0xFC00]);
        assertEquals(0x80000000, Float.floatToRawIntBits(v[0x8000])); // -0.0 stays negative
    }

    @Test
    void bf16DecodingIsTheTop16BitsForEveryBitPattern() {
        float[] v = SafetensorsFile.open(allBitPatterns("BF16")).floats("all");
        for (int h = 0; h < 65536; h++) {
            assertEquals(h << 16, Float.floatToRawIntBits(v[h]), "BF16 0x" + Integer.toHexString(h));
        }
    }

    private Path allBitPatterns(String dtype) {
        ByteBuffer b = ByteBuffer.allocate(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) b.putShort((short) h);
        return safetensors(dir, dtype + ".safetensors",
                "{\"all\":{\"dtype\":\"" + dtype + "\",\"shape\":[65536],\"data_offsets\":[0,131072]}}", b.array());
    }

    /** 8-byte mapping windows put every element of an unaligned layout across a seam; the values must not change. */
    @Test
    void tinyMappingWindowsReadTheSameValues() {
        ByteBuffer d = ByteBuffer.allocate(39).order(ByteOrder.LITTLE_ENDIAN);
        d.put((byte) 1).put((byte) 2).put((byte) 3);
        for (int i = 0; i < 5; i++) d.putFloat(i - 1.75f);
        d.putDouble(Math.PI).putDouble(-1e-3);
        Path file = safetensors(dir, "unaligned.safetensors", "{"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[3,23]},"
                + "\"c\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[23,39]}}", d.array());
        SafetensorsFile small = SafetensorsFile.open(file, 3);
        assertArrayEquals(new float[] {1, 2, 3}, small.floats("a"));
        assertArrayEquals(new float[] {-1.75f, -0.75f, 0.25f, 1.25f, 2.25f}, small.floats("b"));
        assertArrayEquals(new float[] {(float) Math.PI, -1e-3f}, small.floats("c"));

        for (String fixture : List.of("gpt2", "gpt2_bf16", "llama_f16")) {
            Path path = resource("fixtures/" + fixture + "/model.safetensors");
            SafetensorsFile whole = SafetensorsFile.open(path);
            SafetensorsFile windowed = SafetensorsFile.open(path, 5);
            assertEquals(whole.names(), windowed.names());
            for (String name : whole.names()) {
                assertArrayEquals(whole.floats(name), windowed.floats(name), fixture + " " + name);
            }
        }
    }

    // ---- errors: each names the file, and the tensor where there is one ----

    @Test
    void rejectsFilesShorterThanTheLengthPrefix() {
        Path p = IoTestFiles.write(dir.resolve("short.safetensors"), new byte[5]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "5 bytes", "shorter than the 8-byte");
    }

    @Test
    void rejectsAHeaderLengthPastTheEndOfFile() {
        Path p = IoTestFiles.write(dir.resolve("long.safetensors"), concat(le64(100), "{}".getBytes()));
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "header length 100", "past the end");
    }

    @Test
    void rejectsAbsurdHeaderLengths() {
        Path big = IoTestFiles.write(dir.resolve("big.safetensors"), concat(le64(200_000_000L), "{}".getBytes()));
        assertFails(() -> SafetensorsFile.open(big), big.toString(), "200000000", "absurd");
        Path negative = IoTestFiles.write(dir.resolve("neg.safetensors"), concat(le64(-1), "{}".getBytes()));
        assertFails(() -> SafetensorsFile.open(negative), negative.toString(), "18446744073709551615", "absurd");
    }

    @Test
    void rejectsInvalidUtf8() {
        Path p = IoTestFiles.write(dir.resolve("utf.safetensors"), concat(le64(3), new byte[] {'{', (byte) 0xFF, '}'}));
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "not valid UTF-8");
    }

    @Test
    void rejectsInvalidJsonAndNonObjectHeaders() {
        Path bad = safetensors(dir, "json.safetensors", "{\"w\": ", new byte[0]);
        assertFails(() -> SafetensorsFile.open(bad), bad.toString(), "not valid JSON");
        Path list = safetensors(dir, "list.safetensors", "[1]", new byte[0]);
        assertFails(() -> SafetensorsFile.open(list), list.toString(), "not a JSON object");
        Path entry = safetensors(dir, "entry.safetensors", "{\"w\": 3}", new byte[0]);
        assertFails(() -> SafetensorsFile.open(entry), entry.toString(), "tensor 'w'", "not a JSON object");
    }

    @Test
    void rejectsUnknownDtypes() {
        Path p = safetensors(dir, "dtype.safetensors", W_F32_1.replace("F32", "F17"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "tensor 'w'", "unknown dtype 'F17'");
    }

    @Test
    void rejectsMissingOrMalformedFields() {
        Path noShape = safetensors(dir, "noshape.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]);
        assertFails(() -> SafetensorsFile.open(noShape), noShape.toString(), "tensor 'w'", "shape");
        Path fractional = safetensors(dir, "frac.safetensors", W_F32_1.replace("[1]", "[1.5]"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(fractional), fractional.toString(), "tensor 'w'", "non-negative integers");
        Path three = safetensors(dir, "three.safetensors", W_F32_1.replace("[0,4]", "[0,4,8]"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(three), three.toString(), "tensor 'w'", "[begin, end]");
    }

    @Test
    void rejectsShapeThatDisagreesWithTheByteRange() {
        Path p = safetensors(dir, "size.safetensors", W_F32_1.replace("[1]", "[2]"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "tensor 'w'", "needs 8 bytes", "hold 4");
    }

    @Test
    void rejectsShapesWhoseSizeOverflows() {
        Path p = safetensors(dir, "overflow.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", new byte[0]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "tensor 'w'", "overflows");
    }

    @Test
    void rejectsNegativeReversedAndOutOfRangeOffsets() {
        Path negative = safetensors(dir, "negoff.safetensors", W_F32_1.replace("[0,4]", "[-4,0]"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(negative), negative.toString(), "tensor 'w'", "data_offsets", "non-negative");
        Path reversed = safetensors(dir, "rev.safetensors", W_F32_1.replace("[0,4]", "[4,0]"), new byte[4]);
        assertFails(() -> SafetensorsFile.open(reversed), reversed.toString(), "tensor 'w'", "reversed");
        Path past = safetensors(dir, "past.safetensors", W_F32_1.replace("[1]", "[2]").replace("[0,4]", "[0,8]"),
                new byte[4]);
        assertFails(() -> SafetensorsFile.open(past), past.toString(), "tensor 'w'", "[0, 8]", "4-byte data area");
    }

    @Test
    void rejectsOverlappingRanges() {
        Path p = safetensors(dir, "overlap.safetensors", "{"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "tensor 'b'", "overlap tensor 'a'");
    }

    /** HF's validate() demands that the ranges tile the data area: holes and trailing bytes are errors there too. */
    @Test
    void rejectsHolesAndTrailingBytes() {
        Path hole = safetensors(dir, "hole.safetensors", "{"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]);
        assertFails(() -> SafetensorsFile.open(hole), hole.toString(), "tensor 'b'", "hole [4, 8)", "after tensor 'a'");
        Path start = safetensors(dir, "start.safetensors", W_F32_1.replace("[0,4]", "[4,8]"), new byte[8]);
        assertFails(() -> SafetensorsFile.open(start), start.toString(), "tensor 'w'", "hole [0, 4)");
        Path trailing = safetensors(dir, "trail.safetensors", W_F32_1, new byte[8]);
        assertFails(() -> SafetensorsFile.open(trailing), trailing.toString(), "tensor 'w'", "cover 4 bytes of the 8-byte",
                "trailing");
    }

    @Test
    void rejectsNonStringMetadata() {
        Path p = safetensors(dir, "meta.safetensors", "{\"__metadata__\":{\"n\":1}}", new byte[0]);
        assertFails(() -> SafetensorsFile.open(p), p.toString(), "__metadata__", "'n'", "not a string");
    }

    @Test
    void reportsMissingFilesAndTensors() {
        Path missing = dir.resolve("absent.safetensors");
        assertFails(() -> SafetensorsFile.open(missing), missing.toString(), "no such file");
        Path p = safetensors(dir, "one.safetensors", W_F32_1, leFloats(2f));
        SafetensorsFile f = SafetensorsFile.open(p);
        assertFails(() -> f.floats("v"), p.toString(), "no tensor 'v'");
        assertFalse(f.contains("v"));
        assertTrue(f.contains("w"));
    }

    @Test
    void refusesToConvertFp8() {
        Path p = safetensors(dir, "fp8.safetensors",
                "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", leInts(0));
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(DType.F8_E4M3, f.info("w").dtype());
        assertFails(() -> f.floats("w"), p.toString(), "tensor 'w'", "F8_E4M3");
    }

    /** A 2^31-element BOOL tensor in a sparse file: its info is fine, its float[] cannot exist. */
    @Test
    void rejectsTensorsBeyondJavaArrays() throws Exception {
        long n = 1L << 31;
        Path p = safetensors(dir, "huge.safetensors",
                "{\"huge\":{\"dtype\":\"BOOL\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}", new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(raf.length() + n); // sparse: no disk blocks
        }
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(n, f.info("huge").numel());
        assertFails(() -> f.floats("huge"), p.toString(), "tensor 'huge'", "2147483648 elements", "float[]");
    }
}
