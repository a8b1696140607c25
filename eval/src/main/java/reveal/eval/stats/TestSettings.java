package reveal.eval.stats;

/**
 * Level, resamples and seed shared by every test of a report, so one place fixes how sure a verdict must be and
 * every interval and p-value can be reproduced from the seed.
 *
 * @param level        confidence level of the two-sided intervals, in (0, 1); a claim also needs p &lt; 1 - level
 * @param resamples    bootstrap resamples per interval
 * @param permutations Monte Carlo sign-flip permutations per p-value (used when exact enumeration is too large)
 * @param seed         seed of every resampling, so a rerun gives the same numbers
 */
public record TestSettings(double level, int resamples, int permutations, long seed) {

    public TestSettings {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
        if (resamples < 1) throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        if (permutations < 1) throw new IllegalArgumentException("permutations must be at least 1, got " + permutations);
    }

    /** Level 0.95, 4000 bootstrap resamples (percentile ends stable to about 0.05 standard errors), 10000 permutations, seed 42. */
    public static TestSettings defaults() {
        return new TestSettings(0.95, 4000, 10000, 42L);
    }
}
