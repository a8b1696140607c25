package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reveal.attribution.instance.LissaPreset.Dataset;
import reveal.attribution.instance.LissaPreset.Family;
import reveal.model.data.TaskKind;

/** The paper's LiSSA rows and their lookup by model family and task kind, fallbacks included. */
class LissaPresetTest {
    private static void assertRow(LissaPreset p, Family family, Dataset dataset, double damping, double depthFactor, double scale, int batch) {
        assertEquals(family, p.family());
        assertEquals(dataset, p.dataset());
        assertEquals(damping, p.damping(), 0);
        assertEquals(depthFactor, p.depthFactor(), 0);
        assertEquals(scale, p.scale(), 0);
        assertEquals(batch, p.batchSize());
    }

    @Test
    void eachTaskKindFindsThePapersRowOfItsDataset() {
        assertRow(LissaPreset.lookup(Family.OPT, TaskKind.CLAIM), Family.OPT, Dataset.AVERITEC, 0.04, 0.3, 1e4, 8);
        assertRow(LissaPreset.lookup(Family.OPT, TaskKind.NLI), Family.OPT, Dataset.MNLI, 0.03, 0.3, 1e5, 8);
        assertRow(LissaPreset.lookup(Family.BLOOM, TaskKind.CLAIM), Family.BLOOM, Dataset.AVERITEC, 0.05, 0.2, 1e5, 2);
        assertRow(LissaPreset.lookup(Family.BLOOM, TaskKind.NLI), Family.BLOOM, Dataset.MNLI, 0.065, 0.07, 1e6, 2);
        assertRow(LissaPreset.lookup(Family.PYTHIA, TaskKind.CLAIM), Family.PYTHIA, Dataset.AVERITEC, 0.03, 0.3, 1e5, 4);
        assertRow(LissaPreset.lookup(Family.PYTHIA, TaskKind.CHOICE), Family.PYTHIA, Dataset.CSQA, 0.05, 0.15, 1e5, 1);
        for (Family f : Family.values()) assertTrue(LissaPreset.lookup(f, TaskKind.CLAIM).covers(TaskKind.CLAIM));
    }

    @Test
    void combinationsThePaperDidNotRunFallBackToTheFamilysAveritecRow() {
        LissaPreset pythiaNli = LissaPreset.lookup(Family.PYTHIA, TaskKind.NLI);
        assertRow(pythiaNli, Family.PYTHIA, Dataset.AVERITEC, 0.03, 0.3, 1e5, 4);
        assertFalse(pythiaNli.covers(TaskKind.NLI));
        assertRow(LissaPreset.lookup(Family.OPT, TaskKind.CHOICE), Family.OPT, Dataset.AVERITEC, 0.04, 0.3, 1e4, 8);
        assertRow(LissaPreset.lookup(Family.BLOOM, TaskKind.CHOICE), Family.BLOOM, Dataset.AVERITEC, 0.05, 0.2, 1e5, 2);
        assertFalse(LissaPreset.lookup(Family.BLOOM, TaskKind.CHOICE).covers(TaskKind.CHOICE));
        assertTrue(LissaPreset.row(Family.PYTHIA, Dataset.MNLI).isEmpty());
    }

    @Test
    void theTableHoldsThePapersEightRowsOnceEach() {
        assertEquals(8, LissaPreset.TABLE.size());
        Set<List<Object>> keys = new HashSet<>();
        for (LissaPreset p : LissaPreset.TABLE) assertTrue(keys.add(List.of(p.family(), p.dataset())), p + " twice");
        assertRow(LissaPreset.row(Family.OPT, Dataset.SNLI).orElseThrow(), Family.OPT, Dataset.SNLI, 0.04, 0.2, 1e4, 8);
        assertRow(LissaPreset.row(Family.BLOOM, Dataset.SNLI).orElseThrow(), Family.BLOOM, Dataset.SNLI, 0.065, 0.07, 1e6, 4);
    }

    @Test
    void aPresetIsThePapersRunConfiguration() {
        LissaPreset optMnli = LissaPreset.lookup(Family.OPT, TaskKind.NLI);
        assertEquals(3000, optMnli.lambda(), 1e-9);
        LissaConfig cfg = optMnli.config();
        assertEquals(375, cfg.depth(10_000), "int(ceil(10000 / 8) * 0.3)");
        assertEquals(1, cfg.repeats());
        assertEquals(42, cfg.seed());
        assertEquals(LissaConfig.BatchOrder.SHUFFLED, cfg.order());
        assertEquals(0, cfg.fixedDepth());
        // BLOOM on MNLI: depth factor 0.07 at batch 2 over 1000 instances -> int(500 * 0.07) = 35 steps.
        assertEquals(35, LissaPreset.lookup(Family.BLOOM, TaskKind.NLI).config().depth(1000));
    }

    @Test
    void familiesParseInAnyCaseAndUnknownOnesAreRefused() {
        assertEquals(Family.PYTHIA, Family.parse("Pythia"));
        assertEquals(Family.BLOOM, Family.parse(" bloom "));
        assertEquals("opt", Family.OPT.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Family.parse("gpt2"));
        assertTrue(e.getMessage().contains("expected opt, bloom or pythia"), e.getMessage());
    }
}
