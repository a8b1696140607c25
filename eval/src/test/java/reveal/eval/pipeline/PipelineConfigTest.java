package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    @Test
    void aStepBudgetIsSpreadOverEpochsByRepeatingSmallSets() {
        PipelineConfig.Training t = new PipelineConfig.Training(5e-4, 8, 16, 100);
        // 1,600 instances' worth of updates: 16 instances x 13 copies x 8 epochs = 1,664.
        assertArrayEquals(new int[] {13, 8}, t.plan(16));
        // 100 instances: 16 passes, 2 copies in each of the 8 epochs.
        assertArrayEquals(new int[] {2, 8}, t.plan(100));
        // 400 instances: 4 passes are fewer than 8 epochs, so 4 epochs of the set as it is.
        assertArrayEquals(new int[] {1, 4}, t.plan(400));
        assertArrayEquals(new int[] {1, 3}, PipelineConfig.Training.epochs(5e-4, 3, 16).plan(7), "no budget: the paper's epochs");
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
