package reveal.opencl;

import static reveal.opencl.OpenCl.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;

/**
 * Autograd through the OpenCL backend against the same graph on the reference backend: every gradient rule runs
 * as tensor ops, so this exercises the kernels in the combinations a model's backward pass produces.
 */
class GradientTest {

    /** Gradients of f at the given inputs on both backends, compared element by element. */
    private static void compareGradients(String what, Function<List<Tensor>, Tensor> f, List<float[]> data, List<int[]> shapes, double tol) {
        OpenClBackend cl = backend();
        Tensor[] ref = gradients(f, REF, data, shapes), got = gradients(f, cl, data, shapes);
        for (int i = 0; i < ref.length; i++) assertClose(what + ": gradient of input " + i, ref[i], got[i], tol, tol);
    }

    private static Tensor[] gradients(Function<List<Tensor>, Tensor> f, Backend b, List<float[]> data, List<int[]> shapes) {
        List<Tensor> xs = leaves(b, data, shapes);
        return Autograd.grad(f.apply(xs), xs, false);
    }

    private static List<Tensor> leaves(Backend b, List<float[]> data, List<int[]> shapes) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) xs.add(Tensor.of(b, data.get(i), shapes.get(i)).requireGrad());
        return xs;
    }

    /** A transformer block's pieces: layer norm, attention with a causal mask, GELU MLP, cross-entropy. */
    private static Tensor block(List<Tensor> p) {
        Tensor x = p.get(0), wq = p.get(1), wk = p.get(2), w1 = p.get(3), w2 = p.get(4);
        int t = x.dim(0);
        Tensor h = Functional.layerNorm(x, null, null, 1e-5);
        Tensor q = h.matmul(wq).reshape(t, 2, 4).transpose(0, 1), k = h.matmul(wk).reshape(t, 2, 4).transpose(0, 1);
        float[] upper = new float[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) upper[i * t + j] = 1;
        Tensor mask = Tensor.of(x.backend(), upper, t, t);
        Tensor att = q.matmul(k.transpose(-1, -2)).mul(0.5).maskedFill(mask, -1e9).softmax(-1);   // [2, t, t]
        Tensor mixed = att.matmul(q).transpose(0, 1).reshape(t, 8).add(x);
        Tensor logits = Functional.linear(mixed.matmul(w1).gelu(), w2, null);                  // [t, 5]
        return Functional.crossEntropy(logits, new int[] {0, 3, 1, 4, 2, 2, 0}).add(logits.square().mean().mul(0.1));
    }

    private static final List<int[]> BLOCK_SHAPES = List.of(new int[] {7, 8}, new int[] {8, 8}, new int[] {8, 8}, new int[] {8, 33}, new int[] {5, 33});

    private static List<float[]> blockData() {
        List<float[]> d = new ArrayList<>();
        for (int i = 0; i < BLOCK_SHAPES.size(); i++) {
            int[] s = BLOCK_SHAPES.get(i);
            d.add(normal(40 + i, s[0] * s[1], i == 0 ? 1.0 : 0.4));
        }
        return d;
    }

    @Test
    void transformerBlockGradients() {
        compareGradients("transformer block", GradientTest::block, blockData(), BLOCK_SHAPES, 1e-4);
    }

    @Test
    void elementwiseCompositeGradients() {
        Function<List<Tensor>, Tensor> f = p -> {
            Tensor a = p.get(0), b = p.get(1);
            Tensor u = a.sigmoid().mul(b.silu()).add(a.geluTanh().div(b.abs().add(1.0)));
            Tensor v = a.maximum(b).sub(a.minimum(b.mul(0.5))).add(a.erf().mul(b.tanh()));
            Tensor w = b.square().add(1.0).log().add(a.exp().rsqrt()).add(a.abs().add(0.1).sqrt()).add(a.relu().pow(1.5));
            return u.mul(v).add(w.recip()).sum(1, false).pow(2).mean();
        };
        List<int[]> shapes = List.of(new int[] {9, 33}, new int[] {33});
        compareGradients("elementwise composite", f, List.of(normal(50, 9 * 33, 1.0), normal(51, 33, 1.0)), shapes, 1e-4);
    }

    /** Double backward: the gradient of (grad f . v), a Hessian-vector product, through every rule's own gradient. */
    @Test
    void hessianVectorProduct() {
        OpenClBackend cl = backend();
        List<float[]> data = blockData();
        List<float[]> dirs = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) dirs.add(normal(60 + i, data.get(i).length, 1.0));
        Tensor[] ref = hvp(REF, data, dirs), got = hvp(cl, data, dirs);
        for (int i = 0; i < ref.length; i++) assertClose("Hessian-vector product, input " + i, ref[i], got[i], 2e-4, 2e-4);
    }

    private static Tensor[] hvp(Backend b, List<float[]> data, List<float[]> dirs) {
        List<Tensor> xs = leaves(b, data, BLOCK_SHAPES);
        Tensor[] g = Autograd.grad(block(xs), xs, true);
        Tensor dot = null;
        for (int i = 0; i < g.length; i++) {
            Tensor term = g[i].mul(Tensor.of(b, dirs.get(i), BLOCK_SHAPES.get(i))).sum();
            dot = dot == null ? term : dot.add(term);
        }
        return Autograd.grad(dot, xs, false);
    }
}
