package reveal.engine.optim;

/** Linear warm-up from 0 to the peak rate, then linear decay to 0 at {@code totalSteps}: exactly HF's get_linear_schedule_with_warmup. */
public record LinearSchedule(double peak, long warmupSteps, long totalSteps) {

    /** The learning rate for the update numbered {@code step} (0-based): {@code peak * lambda(step)}, in HF's order of operations. */
    public double rate(long step) {
        if (step < warmupSteps) return peak * ((double) step / warmupSteps);
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
