package reveal.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/** The test resources under tokenizer/ (see its README.md for where each came from). */
final class Fixtures {
    private Fixtures() {
    }

    static Path path(String name) {
        URL url = Fixtures.class.getResource("/tokenizer/" + name);
        if (url == null) throw new IllegalStateException("missing test resource tokenizer/" + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(String name) {
        try {
            return Json.parseObject(Files.readString(path(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** The strings of gpt2_corpus.json, in order. */
    static List<String> corpus() {
        return list(json("gpt2_corpus.json").get("cases")).stream().map(c -> (String) map(c).get("text")).toList();
    }

    /** A string with control and non-ASCII characters escaped, for failure messages. */
    static String show(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(120).forEach(c -> {
            if (c >= 0x20 && c < 0x7F) out.appendCodePoint(c);
            else out.append(String.format("\\u{%X}", c));
        });
        return out.append(text.codePointCount(0, text.length()) > 120 ? "...\"" : "\"").toString();
    }
}
