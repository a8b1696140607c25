package reveal.model.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pre-tokenizers of Hugging Face tokenizer.json files that BPE language models use. */
final class PreTokenizers {
    private static final Pattern GPT2_SPLIT = OnigRegex.compile(OnigRegex.GPT2, "GPT-2 pre-tokenizer");

    /** A piece of text on its way to the model; {@code atStart}: it begins at offset 0 of the whole input. */
    record Piece(String text, boolean atStart) {
    }

    /** One pre-tokenizer: splits a piece into smaller pieces, appended to out. */
    interface Step {
        void split(Piece piece, List<Piece> out);
    }

    /** How a Split pre-tokenizer treats the matches of its pattern (Hugging Face's SplitDelimiterBehavior). */
    enum Behavior { REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    private PreTokenizers() {
    }

    /** GPT-2's pre-tokenizer (Hugging Face ByteLevel with use_regex), for vocab.json + merges.txt. */
    static Step byteLevel(boolean addPrefixSpace) {
        return byteLevel(addPrefixSpace, true);
    }

    /** The pre-tokenizer a tokenizer.json node describes, or null (for a JSON null) if the text goes whole. */
    static Step fromJson(JsonNode node) {
        if (node.isNull()) return null;
        String type = node.string("type");
        switch (type) {
            case "Sequence": {
                List<Step> steps = new ArrayList<>();
                for (JsonNode step : node.get("pretokenizers").list()) steps.add(fromJson(step));
                return (piece, out) -> {
                    List<Piece> pieces = List.of(piece);
                    for (Step step : steps) {
                        List<Piece> next = new ArrayList<>();
                        for (Piece p : pieces) step.split(p, next);
                        pieces = next;
                    }
                    out.addAll(pieces);
                };
            }
            case "ByteLevel":
                return byteLevel(node.bool("add_prefix_space", true), node.bool("use_regex", true));
            case "Split": {
                Pattern pattern = OnigRegex.fromPatternNode(node.get("pattern"));
                Behavior behavior = behavior(node.get("behavior"));
                boolean invert = node.bool("invert", false);
                return (piece, out) -> split(pattern, behavior, invert, piece, out);
            }
            case "Metaspace":
                return metaspace(node);
            default:
                throw node.get("type").error("unsupported pre_tokenizer \"" + type
                        + "\" (supported: Sequence, ByteLevel, Split, Metaspace)");
        }
    }

    private static Step byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return (piece, out) -> {
            String text = piece.text();
            if (addPrefixSpace && !text.isEmpty() && text.charAt(0) != ' ') text = " " + text;
            if (!useRegex) {
                out.add(new Piece(ByteLevel.encode(text, 0, text.length()), piece.atStart()));
                return;
            }
            // Isolated split by GPT-2's pattern, written out because this loop is the hot path of byte-level BPE
            Matcher m = GPT2_SPLIT.matcher(text);
            int previous = 0;
            while (m.find()) {
                if (m.start() > previous) out.add(byteLevelPiece(text, previous, m.start(), piece.atStart()));
                if (m.end() > m.start()) out.add(byteLevelPiece(text, m.start(), m.end(), piece.atStart()));
                previous = m.end();
            }
            if (previous < text.length()) out.add(byteLevelPiece(text, previous, text.length(), piece.atStart()));
        };
    }

    private static Piece byteLevelPiece(String text, int start, int end, boolean parentAtStart) {
        return new Piece(ByteLevel.encode(text, start, end), parentAtStart && start == 0);
    }

    /** SentencePiece's convention: spaces become the replacement character ("▁"), optionally one is prepended. */
    private static Step metaspace(JsonNode node) {
        String replacement = node.string("replacement");
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw node.get("replacement").error("expected a single character");
        }
        String prependScheme = prependScheme(node);
        boolean splitOnReplacement = node.bool("split", true);
        Pattern replacementPattern = Pattern.compile(Pattern.quote(replacement));
        return (piece, out) -> {
            String text = piece.text().replace(" ", replacement);
            boolean prepend = !text.isEmpty() && !text.startsWith(replacement)
                    && (prependScheme.equals("always") || prependScheme.equals("first") && piece.atStart());
            if (prepend) text = replacement + text;
            Piece replaced = new Piece(text, piece.atStart());
            if (splitOnReplacement) {
                split(replacementPattern, Behavior.MERGED_WITH_NEXT, false, replaced, out);
            } else if (!text.isEmpty()) {
                out.add(replaced);
            }
        };
    }

    /** "always", "first" or "never"; files older than prepend_scheme say add_prefix_space instead. */
    static String prependScheme(JsonNode node) {
        if (node.has("prepend_scheme")) {
            String scheme = node.string("prepend_scheme");
            if (!List.of("always", "first", "never").contains(scheme)) {
                throw node.get("prepend_scheme").error("expected \"always\", \"first\" or \"never\"");
            }
            return scheme;
        }
        return node.bool("add_prefix_space", true) ? "always" : "never";
    }

    private static Behavior behavior(JsonNode node) {
        switch (node.string()) {
            case "Removed": return Behavior.REMOVED;
            case "Isolated": return Behavior.ISOLATED;
            case "MergedWithPrevious": return Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext": return Behavior.MERGED_WITH_NEXT;
            case "Contiguous": return Behavior.CONTIGUOUS;
            default: throw node.error("unknown split behavior");
        }
    }

    /** Hugging Face's NormalizedString::split: matches and the text between them, grouped by behavior. */
    static void split(Pattern pattern, Behavior behavior, boolean invert, Piece piece, List<Piece> out) {
        String text = piece.text();
        List<int[]> spans = new ArrayList<>(); // {start, end, isMatch}
        Matcher m = pattern.matcher(text);
        int previous = 0;
        while (m.find()) {
            if (m.start() != previous) spans.add(new int[] {previous, m.start(), invert ? 1 : 0});
            spans.add(new int[] {m.start(), m.end(), invert ? 0 : 1});
            previous = m.end();
        }
        if (previous != text.length()) spans.add(new int[] {previous, text.length(), invert ? 1 : 0});

        List<int[]> pieces = new ArrayList<>();
        switch (behavior) {
            case ISOLATED:
                pieces = spans;
                break;
            case REMOVED:
                for (int[] s : spans) if (s[2] == 0) pieces.add(s);
                break;
            case MERGED_WITH_PREVIOUS:
            case CONTIGUOUS: {
                boolean previousMatch = false;
                for (int[] s : spans) {
                    boolean merge = behavior == Behavior.CONTIGUOUS ? (s[2] == 1) == previousMatch
                            : s[2] == 1 && !previousMatch;
                    if (merge && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[1] = s[1];
                    else pieces.add(new int[] {s[0], s[1], 0});
                    previousMatch = s[2] == 1;
                }
                break;
            }
            case MERGED_WITH_NEXT: {
                boolean nextMatch = false;
                for (int i = spans.size() - 1; i >= 0; i--) { // built back to front, then reversed
                    int[] s = spans.get(i);
                    if (s[2] == 1 && !nextMatch && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[0] = s[0];
                    else pieces.add(new int[] {s[0], s[1], 0});
                    nextMatch = s[2] == 1;
                }
                Collections.reverse(pieces);
                break;
            }
        }
        for (int[] p : pieces) {
            if (p[0] < p[1]) out.add(new Piece(text.substring(p[0], p[1]), piece.atStart() && p[0] == 0));
        }
    }
}
