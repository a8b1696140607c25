package reveal.attribution.instance;

import java.util.List;
import java.util.Locale;
import reveal.model.data.TaskKind;

/**
 * The paper's LiSSA settings for one model family and dataset (the public code's per-run arguments): damping,
 * {@code lissa_depth} (a depth factor: {@code J = int(ceil(N_train / batchSize) * depthFactor)}), scale and batch size,
 * with one shuffled repetition and seed 42 ({@link #config()}). The effective L2 damping is
 * {@code damping * scale} ({@link #lambda()}).
 *
 * <p>{@link #lookup} maps a task kind to the paper's dataset of that kind: {@code claim} to AVeriTeC, {@code nli} to
 * MNLI, {@code choice} to CSQA. Where the paper ran no such combination (Pythia on NLI; OPT and BLOOM on CSQA) it falls
 * back to the same family's AVeriTeC row, the one task every family ran: the scale that suits a model's Hessian is a
 * property of the model more than of the dataset. SNLI's rows are in {@link #TABLE} but no task kind selects them.
 */
public record LissaPreset(Family family, Dataset dataset, double damping, double depthFactor, double scale, int batchSize) {
    public enum Family {
        OPT("OPT-125m"), BLOOM("BLOOM-560m"), PYTHIA("Pythia-410m");

        private final String model;

        Family(String model) {
            this.model = model;
        }

        /** The paper's model of this family. */
        public String model() {
            return model;
        }

        /** {@code opt|bloom|pythia}, any case. */
        public static Family parse(String name) {
            for (Family f : values()) if (f.name().equalsIgnoreCase(name.trim())) return f;
            throw new IllegalArgumentException("unknown LiSSA preset '" + name + "'; expected opt, bloom or pythia");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Dataset {
        AVERITEC("AVeriTeC", TaskKind.CLAIM), SNLI("SNLI", TaskKind.NLI), MNLI("MNLI", TaskKind.NLI), CSQA("CSQA", TaskKind.CHOICE);

        private final String title;
        private final TaskKind kind;

        Dataset(String title, TaskKind kind) {
            this.title = title;
            this.kind = kind;
        }

        public String title() {
            return title;
        }

        public TaskKind kind() {
            return kind;
        }
    }

    /** The paper's eight rows. */
    public static final List<LissaPreset> TABLE = List.of(
            new LissaPreset(Family.OPT, Dataset.AVERITEC, 0.04, 0.3, 1e4, 8),
            new LissaPreset(Family.OPT, Dataset.SNLI, 0.04, 0.2, 1e4, 8),
            new LissaPreset(Family.OPT, Dataset.MNLI, 0.03, 0.3, 1e5, 8),
            new LissaPreset(Family.BLOOM, Dataset.AVERITEC, 0.05, 0.2, 1e5, 2),
            new LissaPreset(Family.BLOOM, Dataset.SNLI, 0.065, 0.07, 1e6, 4),
            new LissaPreset(Family.BLOOM, Dataset.MNLI, 0.065, 0.07, 1e6, 2),
            new LissaPreset(Family.PYTHIA, Dataset.AVERITEC, 0.03, 0.3, 1e5, 4),
            new LissaPreset(Family.PYTHIA, Dataset.CSQA, 0.05, 0.15, 1e5, 1));

    public LissaPreset {
        // Through LissaConfig's checks.
        LissaConfig.paper(damping, depthFactor, scale, batchSize);
    }

    /** The row of {@code family} on the paper's dataset of {@code kind}, else the family's AVeriTeC row (see above). */
    public static LissaPreset lookup(Family family, TaskKind kind) {
        Dataset wanted = switch (kind) {
            case CLAIM -> Dataset.AVERITEC;
            case NLI -> Dataset.MNLI;
            case CHOICE -> Dataset.CSQA;
        };
        return row(family, wanted).orElseGet(() -> row(family, Dataset.AVERITEC).orElseThrow());
    }

    /** The paper's row of {@code family} on {@code dataset}, if it ran that combination. */
    public static java.util.Optional<LissaPreset> row(Family family, Dataset dataset) {
        return TABLE.stream().filter(p -> p.family == family && p.dataset == dataset).findFirst();
    }

    /** Whether this row is the paper's own for {@code kind}, not a fallback. */
    public boolean covers(TaskKind kind) {
        return dataset.kind() == kind;
    }

    /** {@code damping * scale}. */
    public double lambda() {
        return damping * scale;
    }

    /** These settings as the paper ran them: depth from the factor, one shuffled repetition, seed 42. */
    public LissaConfig config() {
        return LissaConfig.paper(damping, depthFactor, scale, batchSize);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s on %s: damping %g, depth factor %g, scale %g, batch %d", family.model(), dataset.title(), damping, depthFactor,
                scale, batchSize);
    }
}
