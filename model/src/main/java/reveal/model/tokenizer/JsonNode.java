package reveal.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/**
 * One value of a tokenizer's JSON file with typed access whose errors name the file and the JSON path, so a
 * malformed or unsupported tokenizer.json says exactly where it went wrong.
 */
final class JsonNode {
    private final Object value;
    private final Path file;
    private final String path;

    private JsonNode(Object value, Path file, String path) {
        this.value = value;
        this.file = file;
        this.path = path;
    }

    static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + file, e);
        }
        try {
            return new JsonNode(Json.parse(text), file, "$");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(file + ": " + path + ": " + message);
    }

    Path file() {
        return file;
    }

    String path() {
        return path;
    }

    boolean isNull() {
        return value == null;
    }

    boolean isString() {
        return value instanceof String;
    }

    boolean has(String key) {
        return map().containsKey(key);
    }

    /** The member {@code key}; a JSON null (or a missing member) reads as a node whose {@link #isNull} is true. */
    JsonNode get(String key) {
        return new JsonNode(map().get(key), file, path + "." + key);
    }

    String string() {
        if (!(value instanceof String)) throw error("expected a string, got " + describe());
        return (String) value;
    }

    String string(String key) {
        return get(key).string();
    }

    /** A string member, or null if it is missing or null. */
    String optString(String key) {
        JsonNode node = get(key);
        return node.isNull() ? null : node.string();
    }

    boolean bool(String key, boolean missing) {
        JsonNode node = get(key);
        if (node.isNull()) return missing;
        if (!(node.value instanceof Boolean)) throw node.error("expected true or false, got " + node.describe());
        return (Boolean) node.value;
    }

    int integer() {
        if (!(value instanceof Long) || (Long) value < 0 || (Long) value > Integer.MAX_VALUE) {
            throw error("expected a non-negative integer, got " + describe());
        }
        return (int) (long) (Long) value;
    }

    int integer(String key) {
        return get(key).integer();
    }

    List<JsonNode> list() {
        if (!(value instanceof List)) throw error("expected an array, got " + describe());
        List<?> items = (List<?>) value;
        List<JsonNode> nodes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) nodes.add(new JsonNode(items.get(i), file, path + "[" + i + "]"));
        return nodes;
    }

    /** The members of an object in file order. */
    List<Map.Entry<String, JsonNode>> entries() {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : map().entrySet()) {
            entries.add(Map.entry(e.getKey(), new JsonNode(e.getValue(), file, path + "." + e.getKey())));
        }
        return entries;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map() {
        if (!(value instanceof Map)) throw error("expected an object, got " + describe());
        return (Map<String, Object>) value;
    }

    private String describe() {
        if (value == null) return "null";
        String text = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
