package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.nn.Functional;

/**
 * Hessian-vector products by double backward, {@code d/dw (grad L(w) . v)}, against the central difference of
 * gradients {@code (g(w + eps v) - g(w - eps v)) / 2 eps} in float64, and on each fast backend against the float64
 * double-backward result.
 */
class HessianVectorProductTest {
    private static final Backend R = Backends.REFERENCE;

    /** The two models: a loss of the parameter list, and random parameters on a backend. */
    enum Model {
        MLP {
            @Override
            List<Tensor> parameters(Backend b) {
                return List.of(leaf(b, 1, 0.6, 8, 4), leaf(b, 2, 0.3, 8), leaf(b, 3, 0.6, 3, 8), leaf(b, 4, 0.3, 3));
            }

            @Override
            Tensor loss(List<Tensor> p) {
                Tensor x = Inputs.tensor(p.get(0).backend(), 5, 1.0, 6, 4);
                Tensor hidden = Functional.linear(x, p.get(0), p.get(1)).gelu();
                return Functional.crossEntropy(Functional.linear(hidden, p.get(2), p.get(3)), new int[] {0, 2, 1, 1, 0, 2});
            }
        },
        ATTENTION_BLOCK {
            @Override
            List<Tensor> parameters(Backend b) {
                return TransformerBlock.randomParameters(b, 8, 16, 0.4, 6);
            }

            @Override
            Tensor loss(List<Tensor> p) {
                Backend b = p.get(0).backend();
                Tensor y = TransformerBlock.forward(Inputs.tensor(b, 7, 1.0, 5, 8), p, 2, TransformerBlock.causalMask(b, 5));
                return y.mul(Inputs.tensor(b, 8, 1.0, 5, 8)).sum().add(y.square().mean());
            }
        };

        abstract List<Tensor> parameters(Backend b);

        abstract Tensor loss(List<Tensor> params);

        private static Tensor leaf(Backend b, long seed, double std, int... shape) {
            return Inputs.tensor(b, seed, std, shape).requireGrad();
        }
    }

    static Tensor[] gradient(Function<List<Tensor>, Tensor> loss, List<Tensor> w) {
        return Autograd.grad(loss.apply(w), w, false);
    }

    static Tensor[] hessianVectorProduct(Function<List<Tensor>, Tensor> loss, List<Tensor> w, List<Tensor> v) {
        Tensor[] g = Autograd.grad(loss.apply(w), w, true);
        Tensor gv = null;
        for (int i = 0; i < g.length; i++) {
            Tensor term = g[i].mul(v.get(i)).sum();
            gv = gv == null ? term : gv.add(term);
        }
        return Autograd.grad(gv, w, false);
    }

    private static List<Tensor> directions(List<Tensor> w) {
        List<Tensor> v = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) v.add(Inputs.tensor(w.get(i).backend(), 100 + i, 1.0, w.get(i).shape()));
        return v;
    }

    private static List<Tensor> moved(List<Tensor> w, List<Tensor> v, double eps) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) out.add(w.get(i).add(v.get(i).mul(eps)).detach().requireGrad());
        return out;
    }

    private static double maxAbs(Tensor[] ts) {
        double m = 0;
        for (Tensor t : ts) for (double d : t.toDoubleArray()) m = Math.max(m, Math.abs(d));
        return m;
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void doubleBackwardEqualsFiniteDifferenceOfGradients(Model model) {
        List<Tensor> w = model.parameters(R), v = directions(w);
        Tensor[] hv = hessianVectorProduct(model::loss, w, v);
        double eps = 1e-5;
        Tensor[] plus = gradient(model::loss, moved(w, v, eps)), minus = gradient(model::loss, moved(w, v, -eps));
        double scale = maxAbs(hv);
        assertEquals(true, scale > 1e-2, "the Hessian-vector product should not vanish, max |Hv| = " + scale);
        for (int i = 0; i < hv.length; i++) {
            double[] fd = plus[i].sub(minus[i]).div(2 * eps).toDoubleArray();
            Inputs.assertClose(fd, hv[i].toDoubleArray(), fill(fd.length, scale), 1e-7, model + " parameter " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("reveal.engine.Backends#underTest")
    void fastBackendsMatchTheReference(Backend backend) {
        for (Model model : Model.values()) {
            List<Tensor> w = model.parameters(R), v = directions(w);
            Tensor[] want = hessianVectorProduct(model::loss, w, v);
            List<Tensor> wb = new ArrayList<>(), vb = new ArrayList<>();
            for (int i = 0; i < w.size(); i++) {
                wb.add(w.get(i).to(backend).requireGrad());
                vb.add(v.get(i).to(backend));
            }
            Tensor[] got = hessianVectorProduct(model::loss, wb, vb);
            double scale = maxAbs(want);
            for (int i = 0; i < want.length; i++) {
                Inputs.assertClose(want[i].toDoubleArray(), got[i].toDoubleArray(), fill(want[i].size(), scale), 1e-4, model + " parameter " + i);
            }
        }
    }

    private static double[] fill(int n, double value) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, value);
        return d;
    }
}
