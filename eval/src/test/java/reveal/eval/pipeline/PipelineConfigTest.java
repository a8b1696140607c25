package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    @Test
    void aStepCapShortensOnlyTheLargeTrainingSets() {
        PipelineConfig.Training t = new PipelineConfig.Training(5e-4, 25, 16, 125);
        // 22 instances: 2 steps per epoch, all 25 epochs fit in 125 steps.
        assertEquals(25, t.epochsFor(22));
        // 108 instances: 7 steps per epoch, 17 epochs fit.
        assertEquals(17, t.epochsFor(108));
        // More than 125 steps per epoch: still one epoch.
        assertEquals(1, t.epochsFor(5000));
        assertEquals(3, PipelineConfig.Training.epochs(5e-4, 3, 16).epochsFor(100_000), "no cap: the paper's epochs");
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Training(0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PipelineConfig.Training(1e-3, 1, 1, -1));
    }

    @Test
    void theDemoUsesThePapersFractionsAndSeveralSeeds() {
        PipelineConfig demo = PipelineConfig.demo(Path.of("out"));
        assertArrayEquals(new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, demo.fractions());
        assertEquals(3, demo.randomSeeds().length);
        assertEquals(true, demo.task().isKnownAnswer());
        assertEquals(null, demo.modelDir());
    }
}
