package reveal.engine;

import java.util.Arrays;

/**
 * Where a tensor's elements sit in its storage: element {@code (i0, i1, ...)} is at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. A stride of 0 repeats an element (broadcast).
 */
public record Layout(int[] shape, int[] strides, int offset) {

    public static Layout contiguous(int... shape) {
        return new Layout(shape.clone(), contiguousStrides(shape), 0);
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return sizeOf(shape);
    }

    public static int sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
        return (int) n;
    }

    /** True when the elements are dense, in row-major order, starting at offset. */
    public boolean isContiguous() {
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != acc) return false;
            acc *= shape[i];
        }
        return true;
    }

    /** Storage index of the element with row-major linear index {@code linear}. */
    public int indexOf(int linear) {
        int idx = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = shape[d];
            idx += (linear % n) * strides[d];
            linear /= n;
        }
        return idx;
    }

    @Override
    public String toString() {
        return "Layout" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " +" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && Arrays.equals(shape, l.shape) && Arrays.equals(strides, l.strides) && offset == l.offset;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(strides) + offset;
    }
}
