package reveal.engine;

/**
 * Elementwise primitives of one input (and an optional scalar {@code c}). The scalar definitions here are the
 * reference semantics that every backend must reproduce.
 */
public enum UnaryOp {
    NEG { public double apply(double x, double c) { return -x; } },
    EXP { public double apply(double x, double c) { return Math.exp(x); } },
    LOG { public double apply(double x, double c) { return Math.log(x); } },
    SQRT { public double apply(double x, double c) { return Math.sqrt(x); } },
    RSQRT { public double apply(double x, double c) { return 1.0 / Math.sqrt(x); } },
    TANH { public double apply(double x, double c) { return Math.tanh(x); } },
    SIGMOID { public double apply(double x, double c) { return 1.0 / (1.0 + Math.exp(-x)); } },
    RELU { public double apply(double x, double c) { return x > 0 ? x : 0.0; } },
    /** 1 where x > 0, else 0: the derivative of relu. */
    STEP { public double apply(double x, double c) { return x > 0 ? 1.0 : 0.0; } },
    ERF { public double apply(double x, double c) { return SpecialFunctions.erf(x); } },
    /** Exact GELU: x * Phi(x). */
    GELU { public double apply(double x, double c) { return 0.5 * x * (1.0 + SpecialFunctions.erf(x * SpecialFunctions.INV_SQRT2)); } },
    /** GPT-2's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH { public double apply(double x, double c) { return 0.5 * x * (1.0 + Math.tanh(SpecialFunctions.SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))); } },
    SILU { public double apply(double x, double c) { return x / (1.0 + Math.exp(-x)); } },
    ABS { public double apply(double x, double c) { return Math.abs(x); } },
    SIGN { public double apply(double x, double c) { return Math.signum(x); } },
    RECIP { public double apply(double x, double c) { return 1.0 / x; } },
    SQUARE { public double apply(double x, double c) { return x * x; } },
    ADD_SCALAR { public double apply(double x, double c) { return x + c; } },
    MUL_SCALAR { public double apply(double x, double c) { return x * c; } },
    POW_SCALAR { public double apply(double x, double c) { return Math.pow(x, c); } },
    /** 1 where x > c, else 0. */
    GT_SCALAR { public double apply(double x, double c) { return x > c ? 1.0 : 0.0; } };

    public abstract double apply(double x, double c);
}
