package reveal.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.LanguageModel;
import reveal.model.data.Batch;
import reveal.model.io.ModelConfig;

/**
 * The trainer on stories260K with a new two-class head (see {@link Stories}): it learns, repeats itself exactly,
 * resumes a crashed run to the same numbers, stops cleanly on NaN, and keeps a loadable best-on-dev folder.
 */
class TrainerTest {
    /** The reference run: 4 epochs of 4 steps, a checkpoint every 3 steps, the weights saved as best recorded. */
    private static Run reference;

    private record Run(Trainer.Result result, Map<String, float[]> finalWeights, Map<String, float[]> bestWeights, double devBefore, double trainAfter) {
    }

    /** Delegates to a model; can fail at a given loss call, and records the weights each time "best" is written. */
    private static final class Wrapped implements Trainable {
        final Trainable inner;
        final int failAt;
        final boolean nan;
        int calls;
        Map<String, float[]> bestWeights, weightsAtFailure;

        Wrapped(Trainable inner, int failAt, boolean nan) {
            this.inner = inner;
            this.failAt = failAt;
            this.nan = nan;
        }

        @Override
        public Map<String, Tensor> parameters() {
            return inner.parameters();
        }

        @Override
        public Tensor loss(Batch batch, int[] labels) {
            Tensor loss = inner.loss(batch, labels);
            if (++calls != failAt) return loss;
            weightsAtFailure = Stories.weights(inner);
            if (nan) return loss.mul(Double.NaN);
            throw new IllegalStateException("simulated crash at step " + calls);
        }

        @Override
        public int[] predict(Batch batch) {
            return inner.predict(batch);
        }

        @Override
        public void save(Path dir) {
            inner.save(dir);
            if (dir.getFileName().toString().equals("best.tmp")) bestWeights = Stories.weights(inner);
        }
    }

    private static Trainer trainer(Trainable model, Path out) {
        return new Trainer(model, Stories.config().withCheckpointEvery(3), 2, out);
    }

    private static synchronized Run reference() throws IOException {
        if (reference == null) {
            Wrapped model = new Wrapped(Stories.classifier(1), -1, false);
            Trainer trainer = trainer(model, Files.createTempDirectory("trainer-reference"));
            double before = trainer.accuracy(Stories.DEV);
            Trainer.Result r = trainer.train(Stories.TRAIN, Stories.DEV);
            reference = new Run(r, Stories.weights(model), model.bestWeights, before, trainer.accuracy(Stories.TRAIN));
        }
        return reference;
    }

    private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) assertArrayEquals(expected.get(name), actual.get(name), name);
    }

    private static void assertSameNumbers(Trainer.Result expected, Trainer.Result actual) {
        assertEquals(expected.devAccuracy(), actual.devAccuracy());
        assertEquals(expected.trainLoss(), actual.trainLoss());
        assertEquals(expected.bestEpoch(), actual.bestEpoch());
        assertEquals(expected.bestDevAccuracy(), actual.bestDevAccuracy());
    }

    @Test
    void lossFallsAndAccuracyRises() throws IOException {
        Run run = reference();
        List<Double> loss = run.result().trainLoss();
        assertEquals(4, loss.size());
        for (int e = 1; e < loss.size(); e++) assertTrue(loss.get(e) < loss.get(e - 1), "train loss per epoch " + loss);
        assertTrue(loss.get(3) < 0.25 * loss.get(0), "train loss per epoch " + loss);
        assertTrue(run.devBefore() <= 0.75, "dev accuracy before training " + run.devBefore());
        assertEquals(1.0, run.result().bestDevAccuracy(), "dev accuracy per epoch " + run.result().devAccuracy());
        assertEquals(1.0, run.trainAfter());
        assertEquals(16, run.result().stepsRun());
    }

    @Test
    void sameSeedGivesIdenticalNumbersAndAnotherHeadSeedDoesNot(@TempDir Path dir) throws IOException {
        Run run = reference();
        LanguageModelTrainable again = Stories.classifier(1);
        assertSameNumbers(run.result(), trainer(again, dir.resolve("same")).train(Stories.TRAIN, Stories.DEV));
        assertSameWeights(run.finalWeights(), Stories.weights(again));

        Trainer.Result other = new Trainer(Stories.classifier(2), Stories.config().withEpochs(1), 2, dir.resolve("other"))
                .train(Stories.TRAIN, Stories.DEV);
        assertNotEquals(run.result().trainLoss().get(0), other.trainLoss().get(0));
    }

    @Test
    void resumesACrashedRunToTheSameWeightsAndAccuracies(@TempDir Path out) throws IOException {
        // Step 7 is the 3rd step of epoch 2; the last checkpoint was written after step 6.
        Wrapped crashing = new Wrapped(Stories.classifier(1), 7, false);
        IllegalStateException crash = assertThrows(IllegalStateException.class, () -> trainer(crashing, out).train(Stories.TRAIN, Stories.DEV));
        assertEquals("simulated crash at step 7", crash.getMessage());
        assertEquals(6, ((Number) Json.parseObject(Files.readString(out.resolve("checkpoint/state.json"))).get("global_step")).intValue());

        Wrapped resumed = new Wrapped(Stories.classifier(1), -1, false);
        Trainer.Result r = trainer(resumed, out).train(Stories.TRAIN, Stories.DEV);
        assertEquals(16 - 6, resumed.calls, "the resumed run redoes only the steps after the checkpoint");
        assertEquals(16 - 6, r.stepsRun());
        Run run = reference();
        assertSameNumbers(run.result(), r);
        assertSameWeights(run.finalWeights(), Stories.weights(resumed));
        assertSameWeights(run.bestWeights(), Stories.weights(LanguageModelTrainable.classifier(LanguageModel.load(r.bestDir(), Stories.CPU), List.of())));

        // Finished: a third start only reports the recorded result.
        Wrapped idle = new Wrapped(Stories.classifier(1), -1, false);
        assertSameNumbers(run.result(), trainer(idle, out).train(Stories.TRAIN, Stories.DEV));
        assertEquals(0, idle.calls);
    }

    @Test
    void refusesToResumeWithOtherData(@TempDir Path out) {
        Wrapped crashing = new Wrapped(Stories.classifier(1), 4, false);
        assertThrows(IllegalStateException.class, () -> trainer(crashing, out).train(Stories.TRAIN, Stories.DEV));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> trainer(Stories.classifier(1), out).train(Stories.TRAIN.subList(0, 12), Stories.DEV));
        assertTrue(e.getMessage().contains("written with other data or settings"), e.getMessage());
    }

    @Test
    void nanLossStopsBeforeTouchingTheLastCheckpoint(@TempDir Path out) throws IOException {
        Wrapped poisoned = new Wrapped(Stories.classifier(1), 6, true);
        Trainer trainer = new Trainer(poisoned, Stories.config().withCheckpointEvery(1), 2, out);
        Trainer.TrainingDivergedException e = assertThrows(Trainer.TrainingDivergedException.class, () -> trainer.train(Stories.TRAIN, Stories.DEV));
        assertTrue(e.getMessage().startsWith("loss is NaN at epoch 2, step 2; stopped before updating or saving."), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint is in " + out.resolve("checkpoint")), e.getMessage());

        // The checkpoint after step 5 holds exactly the weights the NaN step started from, and the model was not updated.
        LanguageModel saved = LanguageModel.load(out.resolve("checkpoint/model"), Stories.CPU);
        Map<String, float[]> savedWeights = Stories.weights(LanguageModelTrainable.classifier(saved, List.of()));
        assertSameWeights(poisoned.weightsAtFailure, savedWeights);
        assertSameWeights(poisoned.weightsAtFailure, Stories.weights(poisoned));
        assertEquals(5, ((Number) Json.parseObject(Files.readString(out.resolve("checkpoint/state.json"))).get("global_step")).intValue());
        assertFalse(Files.exists(out.resolve("checkpoint.tmp")));
        assertFalse(Files.exists(out.resolve("checkpoint.old")));
        assertTrue(Files.isRegularFile(out.resolve("best/model.safetensors")), "epoch 1's best folder stays");
    }

    @Test
    void hugeLearningRateDivergesWithAClearMessage(@TempDir Path out) {
        Trainer trainer = new Trainer(Stories.classifier(1), Stories.config().withLearningRate(1e9), 2, out);
        Trainer.TrainingDivergedException e = assertThrows(Trainer.TrainingDivergedException.class, () -> trainer.train(Stories.TRAIN, Stories.DEV));
        assertTrue(e.getMessage().matches("(loss|gradient norm) is (NaN|-?Infinity) at epoch 1, step \\d; stopped before updating or saving\\. "
                + "Try a lower learning rate .*No checkpoint was written yet.*"), e.getMessage());
        assertFalse(Files.exists(out.resolve("checkpoint")));
    }

    @Test
    void bestFolderLoadsBackWithItsDevAccuracy() throws IOException {
        Run run = reference();
        Trainer.Result r = run.result();
        assertTrue(r.bestEpoch() < 3, "the best epoch is an early one, so the folder is not just the final model: " + r.devAccuracy());
        Path best = r.bestDir();
        LanguageModel loaded = LanguageModel.load(best, Stories.CPU);
        assertEquals(ModelConfig.Head.SEQUENCE_CLASSIFICATION, loaded.config().head());
        assertEquals("LlamaForSequenceClassification", loaded.config().architecture());
        assertEquals(Stories.LABELS, loaded.config().labels());
        assertEquals(2, loaded.config().padTokenId());
        assertArrayEquals(Files.readAllBytes(Stories.TOKENIZER_FILE), Files.readAllBytes(best.resolve("tok512.bin")));
        LanguageModelTrainable model = LanguageModelTrainable.classifier(loaded, List.of());
        assertSameWeights(run.bestWeights(), Stories.weights(model));
        assertEquals(r.bestDevAccuracy(), new Trainer(model, Stories.config(), model.padId(), best.resolveSibling("unused")).accuracy(Stories.DEV));
        assertFalse(java.util.Arrays.equals(run.finalWeights().get("score.weight"), run.bestWeights().get("score.weight")));
    }
}
