package reveal.model.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/**
 * Typed access to a parsed config.json with errors that name the file and the key. Where a field has several
 * spellings the keys are given in order of precedence; a JSON null counts as absent (HF then applies its default),
 * except for token ids, where null means "none".
 */
final class ConfigFields {
    private final Map<String, Object> json;
    private final String source;

    ConfigFields(Map<String, Object> json, String source) {
        this.json = json;
        this.source = source;
    }

    /** The first of {@code keys} with a non-null value, or null when none has one. */
    private String present(String... keys) {
        for (String k : keys) if (json.get(k) != null) return k;
        return null;
    }

    boolean has(String... keys) {
        return present(keys) != null;
    }

    Object raw(String key) {
        return json.get(key);
    }

    boolean hasKey(String key) {
        return json.containsKey(key);
    }

    int requiredInt(String... keys) {
        String k = present(keys);
        if (k == null) {
            throw error("missing required field " + String.join(" / ", keys));
        }
        return toInt(k, json.get(k));
    }

    int intOr(int fallback, String... keys) {
        String k = present(keys);
        return k == null ? fallback : toInt(k, json.get(k));
    }

    double doubleOr(double fallback, String... keys) {
        String k = present(keys);
        if (k == null) return fallback;
        if (!(json.get(k) instanceof Number n)) throw error(k + " must be a number, got " + Json.write(json.get(k)));
        return n.doubleValue();
    }

    boolean boolOr(boolean fallback, String key) {
        Object v = json.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw error(key + " must be true or false, got " + Json.write(v));
        return b;
    }

    String stringOr(String fallback, String key) {
        Object v = json.get(key);
        if (v == null) return fallback;
        if (!(v instanceof String s)) throw error(key + " must be a string, got " + Json.write(v));
        return s;
    }

    /** A token id: absent -> fallback, explicit null -> null. */
    Integer tokenId(String key, Integer fallback) {
        if (!json.containsKey(key)) return fallback;
        Object v = json.get(key);
        return v == null ? null : toInt(key, v);
    }

    /** One or several token ids (eos may be a list): absent -> fallback, explicit null -> empty. */
    List<Integer> tokenIds(String key, List<Integer> fallback) {
        if (!json.containsKey(key)) return fallback;
        Object v = json.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> list)) return List.of(toInt(key, v));
        List<Integer> out = new ArrayList<>();
        for (Object o : list) out.add(toInt(key, o));
        return out;
    }

    private int toInt(String key, Object v) {
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        throw error(key + " must be an integer in int range, got " + Json.write(v));
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(source + ": " + message);
    }
}
