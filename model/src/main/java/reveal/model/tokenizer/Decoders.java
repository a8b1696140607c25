package reveal.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The decoders of Hugging Face tokenizer.json files that BPE language models use. Like the Rust library, each
 * decoder maps the list of token strings to a new list, and the text is their concatenation at the end.
 */
final class Decoders {
    private Decoders() {
    }

    /** GPT-2's decoder (Hugging Face ByteLevel), for vocab.json + merges.txt. */
    static UnaryOperator<List<String>> byteLevel() {
        return tokens -> List.of(ByteLevel.decode(tokens));
    }

    /** The decoder a tokenizer.json node describes, or null (for a JSON null): tokens joined by spaces. */
    static UnaryOperator<List<String>> fromJson(JsonNode node) {
        if (node.isNull()) return null;
        String type = node.string("type");
        switch (type) {
            case "Sequence": {
                List<UnaryOperator<List<String>>> steps = new ArrayList<>();
                for (JsonNode step : node.get("decoders").list()) steps.add(fromJson(step));
                return tokens -> {
                    for (UnaryOperator<List<String>> step : steps) tokens = step.apply(tokens);
                    return tokens;
                };
            }
            case "ByteLevel":
                return byteLevel();
            case "Replace": {
                UnaryOperator<String> replace = Normalizers.replacer(node);
                return tokens -> map(tokens, replace);
            }
            case "ByteFallback":
                return Decoders::byteFallback;
            case "Fuse":
                return tokens -> List.of(String.join("", tokens));
            case "Strip":
                return strip(node);
            case "Metaspace":
                return metaspace(node);
            default:
                throw node.get("type").error("unsupported decoder \"" + type
                        + "\" (supported: Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace)");
        }
    }

    private static List<String> map(List<String> tokens, UnaryOperator<String> f) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) out.add(f.apply(token));
        return out;
    }

    /** Runs of {@code <0xHH>} tokens become their UTF-8 text; an invalid run becomes one U+FFFD per byte. */
    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        Utf8.Bytes run = new Utf8.Bytes();
        for (String token : tokens) {
            int b = byteToken(token);
            if (b >= 0) {
                run.add(b);
                continue;
            }
            flushBytes(run, out);
            out.add(token);
        }
        flushBytes(run, out);
        return out;
    }

    private static void flushBytes(Utf8.Bytes run, List<String> out) {
        if (run.size() == 0) return;
        String text = run.toStringStrict();
        if (text != null) out.add(text);
        else for (int i = 0; i < run.size(); i++) out.add("\uFFFD");
        run.clear();
    }

    /** The byte a {@code <0xHH>} token stands for, or -1. */
    static int byteToken(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') return -1;
        int hi = Character.digit(token.charAt(3), 16);
        int lo = Character.digit(token.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** Removes up to start leading and stop trailing occurrences of one character from each token. */
    private static UnaryOperator<List<String>> strip(JsonNode node) {
        String content = node.string("content");
        if (content.length() != 1) throw node.get("content").error("expected a single character");
        char c = content.charAt(0);
        int start = node.integer("start");
        int stop = node.integer("stop");
        return tokens -> map(tokens, token -> {
            int from = 0;
            while (from < start && from < token.length() && token.charAt(from) == c) from++;
            int to = token.length();
            while (token.length() - to < stop && to > from && token.charAt(to - 1) == c) to--;
            return token.substring(from, to);
        });
    }

    /** The replacement character becomes a space, except in the first token, where it is dropped. */
    private static UnaryOperator<List<String>> metaspace(JsonNode node) {
        String replacement = node.string("replacement");
        boolean dropInFirst = !PreTokenizers.prependScheme(node).equals("never");
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(tokens.get(i).replace(replacement, i == 0 && dropInFirst ? "" : " "));
            }
            return out;
        };
    }
}
