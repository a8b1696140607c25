package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    @Test
    void theFullScheduleScalesToTheSubsetWithAFloorOnSteps() {
        PipelineConfig.Training t = new PipelineConfig.Training(1e-3, 30, 16, 200);
        // 320 instances: 20 steps an epoch, 600 in 30 epochs, above the floor: the set as it is.
        assertArrayEquals(new int[] {1, 30}, t.plan(320));
        // 160 instances: 300 steps, still above the floor.
        assertArrayEquals(new int[] {1, 30}, t.plan(160));
        // 32 instances: 2 steps an epoch, 60 in all; 200 steps need ceil(200 * 16 / (30 * 32)) = 4 copies per epoch (240 steps).
        assertArrayEquals(new int[] {4, 30}, t.plan(32));
        assertArrayEquals(new int[] {1, 3}, PipelineConfig.Training.epochs(5e-4, 3, 16).plan(7), "no floor: the paper's epochs");
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Training(0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Training(1e-3, 1, 1, -1));
    }

    @Test
    void theDemoTradesBreadthForPower() {
        PipelineConfig demo = PipelineConfig.demo(Path.of("out"));
        PipelineConfig.Protocol p = demo.protocol();
        assertArrayEquals(new double[] {0.1, 0.5}, p.fractions(), "the paper's 10% and one more");
        assertEquals(3, p.seeds().length);
        assertTrue(p.ldsModels() >= 32);
        assertTrue(p.ldsCovers(0.5), "the LDS models are the random 50% arm");
        assertTrue(p.neuronControls() >= 10);
        assertArrayEquals(new long[] {43, 44, 45}, new PipelineConfig.Protocol(new double[] {0.1}, new long[] {1}, 0, 0.5, 3, 0.95).controlSeeds(42));
        assertTrue(demo.task().knownAnswer().test() >= 100 && demo.task().knownAnswer().dev() >= 60);
        assertEquals(null, demo.modelDir());
    }

    @Test
    void aProtocolRefusesWhatCannotGiveAVerdict() {
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Protocol(new double[] {1.0}, new long[] {1}, 0, 0.5, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Protocol(new double[] {0.1}, new long[] {}, 0, 0.5, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Protocol(new double[] {0.1}, new long[] {1}, 2, 0.5, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Protocol(new double[] {0.1}, new long[] {1}, 0, 0.5, 0, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Protocol(new double[] {0.1}, new long[] {1}, 0, 0.5, 10, 1.0));
    }
}
