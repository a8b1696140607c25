package reveal.engine;

/** Elementwise primitives of two inputs of the same (broadcast) shape; the reference semantics for all backends. */
public enum BinaryOp {
    ADD { public double apply(double a, double b) { return a + b; } },
    SUB { public double apply(double a, double b) { return a - b; } },
    MUL { public double apply(double a, double b) { return a * b; } },
    DIV { public double apply(double a, double b) { return a / b; } },
    POW { public double apply(double a, double b) { return Math.pow(a, b); } },
    MAX { public double apply(double a, double b) { return Math.max(a, b); } },
    MIN { public double apply(double a, double b) { return Math.min(a, b); } },
    /** 1 where a > b, else 0. */
    GT { public double apply(double a, double b) { return a > b ? 1.0 : 0.0; } },
    /** 1 where a == b, else 0. */
    EQ { public double apply(double a, double b) { return a == b ? 1.0 : 0.0; } };

    public abstract double apply(double a, double b);
}
