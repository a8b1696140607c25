package reveal.model.arch;

import java.util.Locale;
import reveal.engine.Tensor;

/** The FFN activation functions of the supported families, by their Hugging Face names. */
enum Activation {
    /** 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))): GPT-2's gelu_new (also gelu_fast, gelu_accurate, gelu_pytorch_tanh). */
    GELU_TANH,
    /** x * Phi(x) with the exact erf. */
    GELU,
    /** BLOOM's x * 0.5 * (1 + tanh(0.79788456 x (1 + 0.044715 x^2))), with its rounded constant. */
    BLOOM_GELU,
    /** x * sigmoid(1.702 x). */
    QUICK_GELU,
    RELU,
    SILU;

    static Activation byName(String hfName) {
        switch (hfName.toLowerCase(Locale.ROOT)) {
            case "gelu_new": case "gelu_fast": case "gelu_accurate": case "gelu_pytorch_tanh": return GELU_TANH;
            case "gelu": case "gelu_python": return GELU;
            case "quick_gelu": return QUICK_GELU;
            case "bloom_gelu": return BLOOM_GELU;
            case "relu": return RELU;
            case "silu": case "swish": return SILU;
            default:
                throw new IllegalArgumentException("unsupported activation function '" + hfName
                        + "' (supported: gelu_new, gelu_fast, gelu_accurate, gelu_pytorch_tanh, gelu, gelu_python, quick_gelu, bloom_gelu,"
                        + " relu, silu, swish)");
        }
    }

    Tensor apply(Tensor x) {
        switch (this) {
            case GELU_TANH: return x.geluTanh();
            case GELU: return x.gelu();
            case BLOOM_GELU: return x.square().mul(0.044715).add(1.0).mul(x).mul(0.79788456).tanh().add(1.0).mul(x).mul(0.5);
            case QUICK_GELU: return x.mul(1.702).sigmoid().mul(x);
            case RELU: return x.relu();
            case SILU: return x.silu();
            default: throw new AssertionError(this);
        }
    }
}
