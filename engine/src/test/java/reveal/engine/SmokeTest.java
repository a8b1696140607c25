package reveal.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.engine.check.GradCheck;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.nn.Functional;
import reveal.engine.reference.ReferenceBackend;

class SmokeTest {
    @Test
    void mlpGradAndHvp() {
        Backend r = ReferenceBackend.INSTANCE;
        Tensor x = Tensor.randn(r, 1, 1.0, 4, 3);
        Tensor w1 = Tensor.randn(r, 2, 0.5, 5, 3);
        Tensor b1 = Tensor.randn(r, 3, 0.5, 5);
        Tensor w2 = Tensor.randn(r, 4, 0.5, 2, 5);
        var res = GradCheck.check(xs -> Functional.crossEntropy(Functional.linear(Functional.linear(xs.get(0), xs.get(1), xs.get(2)).gelu(), xs.get(3), null), new int[] {0, 1, 1, 0}),
                List.of(x, w1, b1, w2));
        assertTrue(res.passed(1e-6), res.toString());
        var res2 = GradCheck.checkSecondOrder(xs -> Functional.layerNorm(xs.get(0).matmul(xs.get(1).transpose(0, 1)), null, null, 1e-5).softmax(-1).square().sum(),
                List.of(x, w1), 7);
        assertTrue(res2.passed(1e-6), res2.toString());
    }

    @Test
    void cpuMatchesReference() {
        Backend c = new CpuBackend(2);
        Tensor a = Tensor.randn(ReferenceBackend.INSTANCE, 1, 1.0, 2, 7, 33);
        Tensor b = Tensor.randn(ReferenceBackend.INSTANCE, 2, 1.0, 33, 5);
        double[] ref = a.matmul(b).softmax(-1).toDoubleArray();
        double[] got = a.to(c).matmul(b.to(c)).softmax(-1).toDoubleArray();
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], got[i], 1e-5);
    }
}
