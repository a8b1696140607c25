package reveal.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.engine.Backends;
import reveal.engine.Inputs;
import reveal.engine.Tensor;
import reveal.engine.cpu.CpuBackend;

class BenchTest {
    @Test
    void blocksRecordIsTheCliFormat() {
        assertEquals("{\"op\":\"blocks\",\"layers\":12,\"tokens\":128,\"forward_backward_ms\":1234.57,\"peak_heap_mb\":3.5}",
                Bench.blocksRecord(12, 128, 1234.5678, 7L << 19));
    }

    /** The benchmarked work itself: every weight of a GPT-2-small block gets the reference's gradient. */
    @Test
    void blockStepGradientsMatchTheReference() {
        List<Tensor> want = new ArrayList<>(), got = new ArrayList<>();
        Bench.blocksStep(Backends.REFERENCE, 1, 5, want).run();
        Bench.blocksStep(new CpuBackend(2), 1, 5, got).run();
        assertEquals(12, got.size());
        for (int i = 0; i < want.size(); i++) {
            double[] w = want.get(i).grad().toDoubleArray();
            double scale = 0;
            for (double v : w) scale = Math.max(scale, Math.abs(v));
            double[] scales = new double[w.length];
            java.util.Arrays.fill(scales, scale);
            Inputs.assertClose(w, got.get(i).grad().toDoubleArray(), scales, 1e-4, "gradient of weight " + i);
        }
    }

    @Test
    void heapPeakSeesMemoryHeldUntilTheEnd() {
        int bytes = 96 << 20;
        long[] held = new long[1];
        long peak = HeapPeak.measure(() -> {
            byte[] block = new byte[bytes];
            block[bytes - 1] = 1;
            held[0] = block.length + block[bytes - 1];
        });
        assertTrue(peak >= bytes, "peak " + peak + " below the " + bytes + " bytes the work allocated");
    }
}
