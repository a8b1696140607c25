package reveal.model.arch;

import reveal.engine.Tensor;

/**
 * An affine map over the last axis with its weight kept in the checkpoint's stored layout: PyTorch
 * {@code nn.Linear} {@code [out, in]}, or GPT-2's {@code Conv1D} {@code [in, out]} ({@code inOut}).
 */
record Linear(Tensor weight, Tensor bias, boolean inOut) {

    int in() {
        return weight.dim(inOut ? 0 : 1);
    }

    int out() {
        return weight.dim(inOut ? 1 : 0);
    }

    /** {@code x [..., in] -> [..., out]}; leading axes are folded into rows so the product is one matrix multiply. */
    Tensor apply(Tensor x) {
        int[] shape = x.shape();
        Tensor rows = x.reshape(-1, in());
        Tensor y = rows.matmul(inOut ? weight : weight.transpose(0, 1));
        if (bias != null) y = y.add(bias);
        shape[shape.length - 1] = out();
        return y.reshape(shape);
    }
}
