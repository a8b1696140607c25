package reveal.model.io;

import java.nio.ByteBuffer;

/**
 * The element types of the safetensors format (names and sizes as in HF's {@code safetensors} crate). Files with any
 * of them open; reading as float works for all but the FP8 types: F16, BF16 and F32 exactly, F64 and the integer
 * types rounded to the nearest float, BOOL as 0 or 1.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    /** Bytes per element. */
    public final int size;

    DType(int size) {
        this.size = size;
    }

    /** The dtype named {@code name} in a safetensors header, or null when there is none. */
    static DType byName(String name) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    boolean convertible() {
        return this != F8_E5M2 && this != F8_E4M3;
    }

    /** Decodes {@code count} little-endian elements starting at {@code in}'s position into {@code out[from..]}. */
    void toFloats(ByteBuffer in, float[] out, int from, int count) {
        int end = from + count;
        switch (this) {
            case F32: in.asFloatBuffer().get(out, from, count); break;
            case F16: for (int i = from; i < end; i++) out[i] = halfToFloat(in.getShort()); break;
            case BF16: for (int i = from; i < end; i++) out[i] = Float.intBitsToFloat(in.getShort() << 16); break;
            case F64: for (int i = from; i < end; i++) out[i] = (float) in.getDouble(); break;
            case I64: for (int i = from; i < end; i++) out[i] = in.getLong(); break;
            case U64: for (int i = from; i < end; i++) out[i] = unsignedLongToFloat(in.getLong()); break;
            case I32: for (int i = from; i < end; i++) out[i] = in.getInt(); break;
            case U32: for (int i = from; i < end; i++) out[i] = in.getInt() & 0xFFFFFFFFL; break;
            case I16: for (int i = from; i < end; i++) out[i] = in.getShort(); break;
            case U16: for (int i = from; i < end; i++) out[i] = in.getShort() & 0xFFFF; break;
            case I8: for (int i = from; i < end; i++) out[i] = in.get(); break;
            case U8: for (int i = from; i < end; i++) out[i] = in.get() & 0xFF; break;
            case BOOL: for (int i = from; i < end; i++) out[i] = in.get() != 0 ? 1f : 0f; break;
            default: throw new IllegalStateException(this + " has no float conversion");
        }
    }

    /** IEEE binary16 to float; exact for every input, NaN payloads kept (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float (10 significant bits, power-of-two scale)
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    private static float unsignedLongToFloat(long v) {
        if (v >= 0) return v;
        // Halve (keeping the sticky bit so rounding stays correct), convert, double.
        return 2f * (float) ((v >>> 1) | (v & 1));
    }
}
