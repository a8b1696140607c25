package reveal.model.train;

/** A one-line progress display on stderr: steps done, running loss, rate and time left. */
final class Progress {
    private final long total;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private long done;
    private long skipped;
    private long lastPrint;
    private double emaLoss = Double.NaN;

    Progress(long total, boolean quiet) {
        this.total = total;
        this.quiet = quiet;
    }

    void skip(long steps) {
        done = steps;
        skipped = steps;
    }

    void step(int epoch, double loss) {
        done++;
        emaLoss = Double.isNaN(emaLoss) ? loss : 0.9 * emaLoss + 0.1 * loss;
        long now = System.nanoTime();
        // The first step is shown at once (it gives the rate), then one line every 2 seconds and the last step.
        if (quiet || (done - skipped > 1 && now - lastPrint < 2_000_000_000L && done < total)) return;
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = (done - skipped) / Math.max(secs, 1e-9);
        double left = (total - done) / Math.max(rate, 1e-9);
        System.err.printf("[train] epoch %d step %d/%d loss %.4f  %.1f steps/s  %s left%n", epoch + 1, done, total, emaLoss, rate, duration(left));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
