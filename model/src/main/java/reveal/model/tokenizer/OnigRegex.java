package reveal.model.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates the regexes of Hugging Face tokenizer files, which the Rust library runs with Oniguruma (Ruby
 * syntax, Unicode), to {@link Pattern}s that match the same text. Java's shorthand classes are ASCII-only and a few
 * escapes and flags mean other things, so they are rewritten: {@code \s} is Unicode White_Space (tab..CR, U+0085 and
 * the space separators, which is Oniguruma's set; JavaScript's differs at U+0085 and U+FEFF), {@code \d} and
 * {@code \w} are Unicode, {@code \h} is a hex digit, {@code \v} is only U+000B, {@code (?i)} folds Unicode case and
 * {@code (?m)} is Ruby's dot-all; {@code ^}/{@code $} are line anchors for '\n' only. Possessive and atomic forms,
 * look-around, nested classes and {@code \p{L}}-style categories mean the same in both and are kept.
 */
final class OnigRegex {
    /** GPT-2's pre-tokenizer pattern, as its encoder.py and Hugging Face's ByteLevel pre-tokenizer write it. */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final String WORD = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";
    private static final String HEX = "0-9a-fA-F";

    private OnigRegex() {
    }

    /** Compiles an Oniguruma regex; {@code where} names the file and place for error messages. */
    static Pattern compile(String onig, String where) {
        String java = toJava(onig, where);
        try {
            return Pattern.compile(java, Pattern.MULTILINE | Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": regex " + quote(onig) + " (as Java: " + quote(java)
                    + ") does not compile: " + e.getDescription(), e);
        }
    }

    /** A tokenizer.json pattern: {"String": literal} or {"Regex": oniguruma}. */
    static Pattern fromPatternNode(JsonNode node) {
        if (node.has("String")) return Pattern.compile(Pattern.quote(node.string("String")));
        if (node.has("Regex")) return compile(node.string("Regex"), node.file() + ": " + node.path());
        throw node.error("expected {\"String\": ...} or {\"Regex\": ...}");
    }

    static String toJava(String onig, String where) {
        StringBuilder out = new StringBuilder(onig.length() + 32);
        int classDepth = 0;
        for (int i = 0; i < onig.length(); i++) {
            char c = onig.charAt(i);
            if (c == '\\') {
                if (i + 1 >= onig.length()) throw unsupported(onig, where, "a trailing backslash");
                i = escape(onig, i + 1, classDepth > 0, out, where);
            } else if (c == '[') {
                if (classDepth > 0 && onig.startsWith("[:", i)) throw unsupported(onig, where, "POSIX bracket [:...:]");
                classDepth++;
                out.append(c);
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
                out.append(c);
            } else if (c == '(' && classDepth == 0 && onig.startsWith("(?", i)) {
                i = group(onig, i, out);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Rewrites the escape whose letter is at {@code at}; returns the index of its last character. */
    private static int escape(String onig, int at, boolean inClass, StringBuilder out, String where) {
        char letter = onig.charAt(at);
        switch (letter) {
            case 's': out.append("\\p{IsWhite_Space}"); return at;
            case 'S': out.append("\\P{IsWhite_Space}"); return at;
            case 'd': out.append("\\p{Nd}"); return at;
            case 'D': out.append("\\P{Nd}"); return at;
            case 'v': out.append("\\x0B"); return at;
            case 'w': out.append(inClass ? WORD : "[" + WORD + "]"); return at;
            case 'h': out.append(inClass ? HEX : "[" + HEX + "]"); return at;
            case 'W':
            case 'H':
                if (inClass) throw unsupported(onig, where, "\\" + letter + " inside a character class");
                out.append("[^").append(letter == 'W' ? WORD : HEX).append(']');
                return at;
            case 'p':
            case 'P':
                return property(onig, at, out, where);
            default:
                out.append('\\').append(letter);
                return at;
        }
    }

    /** {@code \p{Name}}, {@code \P{Name}} or {@code \p{^Name}}: categories stay, scripts and properties get "Is". */
    private static int property(String onig, int at, StringBuilder out, String where) {
        int close = onig.indexOf('}', at);
        if (at + 1 >= onig.length() || onig.charAt(at + 1) != '{' || close < 0) {
            throw unsupported(onig, where, "\\" + onig.charAt(at) + " without {name}");
        }
        String name = onig.substring(at + 2, close);
        boolean negated = onig.charAt(at) == 'P';
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        boolean category = name.matches("[A-Z][a-z]?");
        out.append(negated ? "\\P{" : "\\p{").append(category ? name : "Is" + name).append('}');
        return close;
    }

    /** An inline flag group such as {@code (?i:} or {@code (?i)}; other {@code (?} groups are copied. */
    private static int group(String onig, int open, StringBuilder out) {
        int end = open + 2;
        while (end < onig.length() && "imx-".indexOf(onig.charAt(end)) >= 0) end++;
        boolean flagGroup = end > open + 2 && end < onig.length() && (onig.charAt(end) == ':' || onig.charAt(end) == ')');
        if (!flagGroup) {
            out.append("(?");
            return open + 1;
        }
        out.append("(?");
        for (int k = open + 2; k < end; k++) {
            char flag = onig.charAt(k);
            out.append(flag == 'i' ? "iu" : flag == 'm' ? "s" : String.valueOf(flag));
        }
        out.append(onig.charAt(end));
        return end;
    }

    private static IllegalArgumentException unsupported(String onig, String where, String what) {
        return new IllegalArgumentException(where + ": regex " + quote(onig) + " uses " + what
                + ", which this tokenizer does not translate");
    }

    private static String quote(String regex) {
        return "\"" + regex.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
