package reveal.attribution.store;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Reports a long run on stderr: instances done of the total, the rate of this session (instances resumed from an
 * earlier run do not count toward it) and the time left at that rate. Lines are printed at most every
 * {@code interval} and once at the end; a quiet reporter prints nothing.
 */
public final class Progress {
    private static final long DEFAULT_INTERVAL_NANOS = 2_000_000_000L;

    private final String task;
    private final int total;
    private final int resumed;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long intervalNanos;
    private final long startNanos;
    private long lastPrint;
    private int done;

    Progress(String task, int total, int alreadyDone, PrintStream out, LongSupplier clock, long intervalNanos) {
        this.task = task;
        this.total = total;
        this.resumed = alreadyDone;
        this.done = alreadyDone;
        this.out = out;
        this.clock = clock;
        this.intervalNanos = intervalNanos;
        this.startNanos = clock.getAsLong();
        this.lastPrint = startNanos;
        if (out != null && alreadyDone > 0) out.println(task + ": resuming with " + alreadyDone + "/" + total + " done");
    }

    /** A reporter on stderr, or a silent one when {@code quiet}. */
    public static Progress start(String task, int total, int alreadyDone, boolean quiet) {
        return new Progress(task, total, alreadyDone, quiet ? null : System.err, System::nanoTime, DEFAULT_INTERVAL_NANOS);
    }

    /** One more instance done. */
    public void advance() {
        done++;
        long now = clock.getAsLong();
        if (out != null && (now - lastPrint >= intervalNanos || done == total)) {
            out.println(line(now));
            lastPrint = now;
        }
    }

    public int done() {
        return done;
    }

    String line(long now) {
        double seconds = (now - startNanos) / 1e9;
        int thisSession = done - resumed;
        double rate = seconds > 0 ? thisSession / seconds : 0;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s: %d/%d (%.1f%%), %s/s, %s left", task, done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate >= 10 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.2f", rate), eta);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
