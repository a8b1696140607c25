package reveal.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/** Reads any supported dataset file, detecting its format from the path and, for JSON Lines, the first record. */
public final class Datasets {
    private Datasets() {
    }

    /** The supported formats, each with its task kind and reader. */
    enum Format {
        NLI_LINES(TaskKind.NLI, NliReaders::lineAligned),
        MNLI_HARD_CSV(TaskKind.NLI, NliReaders::mnliHardCsv),
        HANS_JSONL(TaskKind.NLI, NliReaders::hansJsonl),
        NLI_JSONL(TaskKind.NLI, NliReaders::jsonl),
        AVERITEC_JSON(TaskKind.CLAIM, ClaimReaders::averitec),
        CLAIM_JSONL(TaskKind.CLAIM, ClaimReaders::jsonl),
        CSQA_JSONL(TaskKind.CHOICE, ChoiceReaders::csqaJsonl);

        final TaskKind kind;
        final Function<Path, Dataset> reader;

        Format(TaskKind kind, Function<Path, Dataset> reader) {
            this.kind = kind;
            this.reader = reader;
        }

        /** The name {@link Dataset#format()} reports, e.g. "csqa-jsonl". */
        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Reads {@code path} as a dataset of the given kind. Detected formats:
     * <ul>
     * <li>a folder with {@code s1.X, s2.X, labels.X} (or one of those files): e-SNLI / robust-nli NLI lines;</li>
     * <li>{@code *.csv}: the MNLI hardness index, joined with the sibling {@code matched_hard/} text;</li>
     * <li>{@code *.json}: AVeriTeC's array of claims;</li>
     * <li>{@code *.jsonl}, by the first record's fields: {@code claim} (FEVER, known-answer task),
     * {@code question + choices} (CSQA), {@code sentence1 + sentence2 + labels} (HANS),
     * {@code premise + hypothesis} or {@code query + document} (generic NLI).</li>
     * </ul>
     * A file of another kind than asked, an unknown layout, or a malformed record is an error naming the file
     * (and the line or record).
     */
    public static Dataset read(TaskKind kind, Path path) {
        Format format = detect(path);
        if (format.kind != kind)
            throw new IllegalArgumentException(path + ": looks like " + format.id()
                    + ", a " + format.kind + " dataset, not " + kind);
        return format.reader.apply(path);
    }

    static Format detect(Path path) {
        if (!Files.exists(path)) throw new IllegalArgumentException(path + ": no such file or folder");
        if (NliReaders.isLineAligned(path)) return Format.NLI_LINES;
        if (Files.isDirectory(path))
            throw new IllegalArgumentException(path + ": a folder, but without s1.X/s2.X/labels.X files");
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return Format.MNLI_HARD_CSV;
        if (name.endsWith(".json")) return Format.AVERITEC_JSON;
        if (name.endsWith(".jsonl")) {
            Row first = Sources.firstJsonLine(path);
            if (first.has("claim")) return Format.CLAIM_JSONL;
            if (first.has("question") && first.has("choices")) return Format.CSQA_JSONL;
            if (first.has("sentence1") && first.has("sentence2") && first.has("labels")) return Format.HANS_JSONL;
            if ((first.has("premise") && first.has("hypothesis")) || (first.has("query") && first.has("document")))
                return Format.NLI_JSONL;
            throw first.error("unknown JSON Lines layout; fields " + first.fields().keySet());
        }
        throw new IllegalArgumentException(path + ": unknown dataset format (expected a folder of s1/s2/labels files, "
                + ".csv, .json or .jsonl)");
    }
}
