package reveal.attribution.neuron;

import java.util.Locale;

/** Where integrated gradients samples the straight path from the zero baseline to the activation. */
public enum Quadrature {
    /** Right Riemann sum: alpha_k = k/m for k = 1..m (the fixtures' rule; its error shrinks as 1/m). */
    RIGHT,
    /**
     * The paper's code, {@code torch.linspace(0, 1, m)}: alpha_k = k/(m-1) for k = 0..m-1, both ends included, each
     * weighted 1/m (so the sum of attributions is biased by (F(a) - F(0))/m towards the endpoints' mean gradient).
     */
    PAPER;

    /** The m scaling factors, in increasing order. */
    public double[] alphas(int steps) {
        if (steps < 1) throw new IllegalArgumentException("integrated gradients needs at least 1 step, got " + steps);
        double[] a = new double[steps];
        for (int k = 0; k < steps; k++) {
            // torch.linspace(0, 1, 1) is [0]
            a[k] = this == RIGHT ? (k + 1) / (double) steps : steps == 1 ? 0.0 : k / (double) (steps - 1);
        }
        return a;
    }

    /** By its command-line name, {@code right} or {@code paper}. */
    public static Quadrature byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "right": return RIGHT;
            case "paper": return PAPER;
            default: throw new IllegalArgumentException("unknown quadrature '" + name + "' (expected right or paper)");
        }
    }
}
