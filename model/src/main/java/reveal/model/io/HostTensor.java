package reveal.model.io;

import java.util.Arrays;

/**
 * A float32 tensor in host memory: row-major {@code data} of the given {@code shape} (empty shape = scalar). The
 * engine-independent currency of checkpoint I/O; the model layer turns it into engine tensors. {@code data} is
 * held, not copied (weights are large). Equality compares contents.
 */
public record HostTensor(int[] shape, float[] data) {

    public HostTensor {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("HostTensor: negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("HostTensor: shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but data has " + data.length);
        }
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
