package reveal.model.arch;

import reveal.engine.Tensor;
import reveal.engine.nn.Functional;

/** LayerNorm (biased variance, eps inside the root) or RMSNorm over the last axis; weight and bias may be absent. */
record Norm(Kind kind, Tensor weight, Tensor bias, double eps) {

    enum Kind { LAYER, RMS }

    Tensor apply(Tensor x) {
        return kind == Kind.RMS ? Functional.rmsNorm(x, weight, eps) : Functional.layerNorm(x, weight, bias, eps);
    }
}
