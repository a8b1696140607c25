package reveal.model.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens (special tokens such as "<|endoftext|>" and user-added ones) in text before the model sees it,
 * as Hugging Face's AddedVocabulary does: leftmost-longest matches; {@code lstrip}/{@code rstrip} take the
 * whitespace beside a match into it; a {@code single_word} token only matches between non-word characters.
 */
final class AddedTokens {
    /** One added token as tokenizer.json describes it; {@code normalized} ones are looked for after normalization. */
    record Token(int id, String content, boolean lstrip, boolean rstrip, boolean singleWord, boolean normalized) {
    }

    /** A piece of the text: an added token ({@code id >= 0}) or plain text ({@code id == -1}) at offset start. */
    record Segment(int id, String text, int start) {
    }

    /** A token and the text it is looked for as (its content, or its normalized content). */
    private record Candidate(String pattern, Token token) {
    }

    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();
    private final BitSet firstChars = new BitSet();

    /** Looks for each token as the text its map key gives. */
    AddedTokens(Map<String, Token> tokensByPattern) {
        for (Map.Entry<String, Token> e : tokensByPattern.entrySet()) {
            if (e.getKey().isEmpty()) continue;
            byFirstChar.computeIfAbsent(e.getKey().charAt(0), c -> new ArrayList<>())
                    .add(new Candidate(e.getKey(), e.getValue()));
            firstChars.set(e.getKey().charAt(0));
        }
        Comparator<Candidate> longestFirst = Comparator.comparingInt((Candidate c) -> c.pattern().length()).reversed();
        for (List<Candidate> list : byFirstChar.values()) list.sort(longestFirst);
    }

    List<Segment> split(String text) {
        if (firstChars.isEmpty()) return List.of(new Segment(-1, text, 0));
        List<Segment> out = new ArrayList<>();
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate match = longestAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + match.pattern().length();
            i = stop;
            Token token = match.token();
            if (token.singleWord() && (endsWithWordChar(text, start) || startsWithWordChar(text, stop))) continue;
            if (token.lstrip()) start = Math.max(plainStart, whitespaceStartBefore(text, start));
            if (token.rstrip()) stop = whitespaceEndAfter(text, stop);
            if (start > plainStart) out.add(new Segment(-1, text.substring(plainStart, start), plainStart));
            out.add(new Segment(token.id(), text.substring(start, stop), start));
            plainStart = stop;
            i = stop;
        }
        if (plainStart < text.length()) out.add(new Segment(-1, text.substring(plainStart), plainStart));
        return out;
    }

    private Candidate longestAt(String text, int at) {
        if (!firstChars.get(text.charAt(at))) return null;
        List<Candidate> candidates = byFirstChar.get(text.charAt(at));
        if (candidates == null) return null;
        for (Candidate c : candidates) if (text.startsWith(c.pattern(), at)) return c;
        return null;
    }

    private static boolean endsWithWordChar(String text, int end) {
        return end > 0 && isWordChar(text.codePointBefore(end));
    }

    private static boolean startsWithWordChar(String text, int start) {
        return start < text.length() && isWordChar(text.codePointAt(start));
    }

    /** The Rust regex crate's Unicode {@code \w}, which AddedVocabulary uses for single_word. */
    private static boolean isWordChar(int c) {
        int type = Character.getType(c);
        return Character.isAlphabetic(c) || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION || c == 0x200C || c == 0x200D;
    }

    private static int whitespaceStartBefore(String text, int end) {
        int start = end;
        while (start > 0 && isWhiteSpace(text.codePointBefore(start))) {
            start -= Character.charCount(text.codePointBefore(start));
        }
        return start;
    }

    private static int whitespaceEndAfter(String text, int start) {
        int end = start;
        while (end < text.length() && isWhiteSpace(text.codePointAt(end))) end += Character.charCount(text.codePointAt(end));
        return end;
    }

    /** The Unicode White_Space property (Rust's {@code \s} and char::is_whitespace). */
    private static boolean isWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x85 || Character.isSpaceChar(c);
    }
}
