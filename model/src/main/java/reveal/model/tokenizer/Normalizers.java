package reveal.model.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The normalizers of Hugging Face tokenizer.json files that BPE language models use. */
final class Normalizers {
    private Normalizers() {
    }

    /** The normalizer a tokenizer.json node describes; identity for null. */
    static UnaryOperator<String> fromJson(JsonNode node) {
        if (node.isNull()) return UnaryOperator.identity();
        String type = node.string("type");
        switch (type) {
            case "Sequence": {
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (JsonNode step : node.get("normalizers").list()) steps.add(fromJson(step));
                return s -> {
                    for (UnaryOperator<String> step : steps) s = step.apply(s);
                    return s;
                };
            }
            case "NFC": return s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD": return s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC": return s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD": return s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Prepend": {
                String prefix = node.string("prepend");
                return s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace": return replacer(node);
            default:
                throw node.get("type").error("unsupported normalizer \"" + type
                        + "\" (supported: Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace)");
        }
    }

    /** Hugging Face's Replace (a normalizer and a decoder alike): every match of pattern becomes content. */
    static UnaryOperator<String> replacer(JsonNode node) {
        Pattern pattern = OnigRegex.fromPatternNode(node.get("pattern"));
        String content = Matcher.quoteReplacement(node.string("content"));
        return s -> pattern.matcher(s).replaceAll(content);
    }
}
