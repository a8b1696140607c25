package reveal.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readers of the NLI formats; all map labels to {@link Labels#NLI} ids and build the Premise/Hypothesis template. */
final class NliReaders {
    private static final Pattern LINE_FILE = Pattern.compile("(s1|s2|labels)\\.(.+)");

    private NliReaders() {
    }

    /** Whether the path is a folder with s1.X/s2.X/labels.X files, or one of those files. */
    static boolean isLineAligned(Path path) {
        if (Files.isDirectory(path)) return !splitsIn(path).isEmpty();
        return path.getFileName() != null && LINE_FILE.matcher(path.getFileName().toString()).matches();
    }

    /**
     * e-SNLI / robust-nli layout: line-aligned {@code s1.X} (premise), {@code s2.X} (hypothesis), {@code labels.X}
     * (label text). The path is the folder (which must hold one split X) or any of the three files. Ids are the
     * 0-based line numbers. The files are whitespace-tokenised with trailing spaces, which are stripped.
     */
    static Dataset lineAligned(Path path) {
        Path dir;
        String split;
        if (Files.isDirectory(path)) {
            dir = path;
            List<String> splits = splitsIn(dir);
            if (splits.size() != 1)
                throw new IllegalArgumentException(dir + ": expected one s1.X/s2.X/labels.X split, found " + splits);
            split = splits.get(0);
        } else {
            Matcher m = LINE_FILE.matcher(path.getFileName().toString());
            if (!m.matches()) throw new IllegalArgumentException(path + ": not an s1.X/s2.X/labels.X file");
            dir = path.toAbsolutePath().getParent();
            split = m.group(2);
        }
        Path s1 = dir.resolve("s1." + split), s2 = dir.resolve("s2." + split), labels = dir.resolve("labels." + split);
        List<String> premises = Sources.lines(s1), hypotheses = Sources.lines(s2), names = Sources.lines(labels);
        if (premises.size() != hypotheses.size() || premises.size() != names.size())
            throw new IllegalArgumentException(dir + ": line counts differ: " + s1.getFileName() + " " + premises.size()
                    + ", " + s2.getFileName() + " " + hypotheses.size() + ", " + labels.getFileName() + " " + names.size());
        List<Instance> out = new ArrayList<>(premises.size());
        for (int i = 0; i < premises.size(); i++) {
            String premise = nonEmpty(s1, i, premises.get(i)), hypothesis = nonEmpty(s2, i, hypotheses.get(i));
            int label;
            try {
                label = Labels.nli(names.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(labels + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            out.add(Templates.nli(String.valueOf(i), premise, hypothesis, label));
        }
        return new Dataset(Datasets.Format.NLI_LINES.id(), path, Labels.NLI, out);
    }

    /**
     * The MNLI dev-matched hardness index ({@code idx,pairID,hardness}, no text) joined with the hard subset's text
     * in the sibling folder {@code matched_hard/}: the i-th hard row is the i-th line there, so its pairID becomes
     * the id. The pairID's last letter is the author's intended label, not the gold label (they differ for about
     * a tenth of pairs), so it is not checked against the labels file.
     */
    static Dataset mnliHardCsv(Path csv) {
        List<String> lines = Sources.lines(csv);
        if (lines.isEmpty() || !lines.get(0).trim().equals("idx,pairID,hardness"))
            throw new IllegalArgumentException(csv + ":1: expected the header 'idx,pairID,hardness'");
        List<String> hardIds = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] f = lines.get(i).trim().split(",", -1);
            if (f.length != 3 || f[1].isEmpty() || !(f[2].equals("0") || f[2].equals("1")))
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": expected idx,pairID,hardness(0|1), got '"
                        + lines.get(i) + "'");
            if (f[2].equals("1")) hardIds.add(f[1]);
        }
        Path textDir = csv.toAbsolutePath().getParent().resolve("matched_hard");
        if (!Files.isDirectory(textDir))
            throw new IllegalArgumentException(csv + ": holds no text; expected the hard subset's s1/s2/labels in " + textDir);
        List<Instance> text = lineAligned(textDir).instances();
        if (text.size() != hardIds.size())
            throw new IllegalArgumentException(csv + ": " + hardIds.size() + " rows with hardness 1 but " + text.size()
                    + " pairs in " + textDir);
        List<Instance> out = new ArrayList<>(text.size());
        for (int i = 0; i < text.size(); i++) {
            Example e = (Example) text.get(i);
            out.add(new Example(hardIds.get(i), e.segments(), e.label()));
        }
        return new Dataset(Datasets.Format.MNLI_HARD_CSV.id(), csv, Labels.NLI, out);
    }

    /**
     * HANS as JSON Lines {@code {sentence1, sentence2, labels, heuristic}} with labels 0 = non-entailment,
     * 1 = entailment (the HF ClassLabel order). Non-entailment becomes {@link Labels#CONTRADICTION}, as the paper's
     * text-to-MNLI-id mapping does; ids are 0-based record numbers.
     */
    static Dataset hansJsonl(Path file) {
        List<Instance> out = new ArrayList<>();
        for (Row r : Sources.jsonLines(file)) {
            int hans = r.integer("labels");
            if (hans != 0 && hans != 1) throw r.error("HANS label " + hans + " is not 0 (non-entailment) or 1 (entailment)");
            int label = hans == 1 ? Labels.ENTAILMENT : Labels.CONTRADICTION;
            out.add(Templates.nli(String.valueOf(out.size()), nonEmpty(r, "sentence1"), nonEmpty(r, "sentence2"), label));
        }
        return new Dataset(Datasets.Format.HANS_JSONL.id(), file, Labels.NLI, out);
    }

    /**
     * Generic NLI JSON Lines: {@code premise/hypothesis/label} or the paper's {@code query/document/label}
     * (query is the premise). A label is an id in {@link Labels#NLI} order or its name; the id is the record's
     * {@code id} or {@code idx} field, else its 0-based record number.
     */
    static Dataset jsonl(Path file) {
        List<Instance> out = new ArrayList<>();
        for (Row r : Sources.jsonLines(file)) {
            boolean paperNames = r.has("query");
            String premise = nonEmpty(r, paperNames ? "query" : "premise");
            String hypothesis = nonEmpty(r, paperNames ? "document" : "hypothesis");
            int label = r.label("label", Labels.NLI.size(), Labels::nli);
            String id = r.has("id") ? r.id("id") : r.has("idx") ? r.id("idx") : String.valueOf(out.size());
            out.add(Templates.nli(id, premise, hypothesis, label));
        }
        return new Dataset(Datasets.Format.NLI_JSONL.id(), file, Labels.NLI, out);
    }

    private static List<String> splitsIn(Path dir) {
        List<String> splits = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("s1.")).sorted()
                    .forEach(n -> splits.add(n.substring(3)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return splits;
    }

    private static String nonEmpty(Path file, int index, String line) {
        String s = line.strip();
        if (s.isEmpty()) throw new IllegalArgumentException(file + ":" + (index + 1) + ": empty sentence");
        return s;
    }

    static String nonEmpty(Row r, String key) {
        String s = r.string(key).strip();
        if (s.isEmpty()) throw r.error("empty field '" + key + "'");
        return s;
    }
}
