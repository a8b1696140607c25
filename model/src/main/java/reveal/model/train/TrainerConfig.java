package reveal.model.train;

/**
 * Fine-tuning settings. Defaults follow HF's Trainer as the paper used it (AdamW betas 0.9/0.999, eps 1e-8, linear
 * decay, clip 1.0), except the learning rate and batch size, which callers choose for their model size.
 *
 * @param checkpointEvery save a resumable checkpoint every this many optimizer steps (0: only at epoch ends)
 */
public record TrainerConfig(double learningRate, int epochs, int batchSize, double warmupFraction, double weightDecay,
                            double clipNorm, long seed, int checkpointEvery, boolean quiet) {

    public TrainerConfig {
        if (!(learningRate > 0 && Double.isFinite(learningRate))) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) throw new IllegalArgumentException("warm-up fraction must be in [0, 1], got " + warmupFraction);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must not be negative, got " + weightDecay);
        if (!(clipNorm > 0)) throw new IllegalArgumentException("gradient clipping norm must be positive, got " + clipNorm);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must not be negative, got " + checkpointEvery);
    }

    public static TrainerConfig defaults() {
        return new TrainerConfig(1e-5, 5, 4, 0.0, 0.0, 1.0, 42, 0, false);
    }

    public TrainerConfig withLearningRate(double lr) {
        return new TrainerConfig(lr, epochs, batchSize, warmupFraction, weightDecay, clipNorm, seed, checkpointEvery, quiet);
    }

    public TrainerConfig withEpochs(int n) {
        return new TrainerConfig(learningRate, n, batchSize, warmupFraction, weightDecay, clipNorm, seed, checkpointEvery, quiet);
    }

    public TrainerConfig withBatchSize(int n) {
        return new TrainerConfig(learningRate, epochs, n, warmupFraction, weightDecay, clipNorm, seed, checkpointEvery, quiet);
    }

    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(learningRate, epochs, batchSize, warmupFraction, weightDecay, clipNorm, s, checkpointEvery, quiet);
    }

    public TrainerConfig withCheckpointEvery(int steps) {
        return new TrainerConfig(learningRate, epochs, batchSize, warmupFraction, weightDecay, clipNorm, seed, steps, quiet);
    }

    public TrainerConfig withQuiet(boolean q) {
        return new TrainerConfig(learningRate, epochs, batchSize, warmupFraction, weightDecay, clipNorm, seed, checkpointEvery, q);
    }
}
