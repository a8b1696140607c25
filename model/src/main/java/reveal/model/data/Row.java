package reveal.model.data;

import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** One parsed JSON record and where it came from ("file:line" or "file record i"), so field errors name both. */
record Row(String where, Map<String, Object> fields) {

    IllegalArgumentException error(String what) {
        return new IllegalArgumentException(where + ": " + what);
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    Object value(String key) {
        Object v = fields.get(key);
        if (v == null) throw error("missing field '" + key + "' (fields: " + fields.keySet() + ")");
        return v;
    }

    String string(String key) {
        Object v = value(key);
        if (!(v instanceof String)) throw error("field '" + key + "' should be a string, got " + v);
        return (String) v;
    }

    /** The string field, or null when it is absent or JSON null. */
    String optionalString(String key) {
        return fields.get(key) == null ? null : string(key);
    }

    /** An id field, which datasets write as a string or a number. */
    String id(String key) {
        Object v = value(key);
        if (v instanceof String || v instanceof Long) return v.toString();
        throw error("field '" + key + "' should be a string or an integer, got " + v);
    }

    int integer(String key) {
        Object v = value(key);
        if (v instanceof Long && (Long) v == ((Long) v).intValue()) return ((Long) v).intValue();
        throw error("field '" + key + "' should be an integer, got " + v);
    }

    List<?> list(String key) {
        Object v = value(key);
        if (!(v instanceof List)) throw error("field '" + key + "' should be an array, got " + v);
        return (List<?>) v;
    }

    @SuppressWarnings("unchecked")
    Row object(String key) {
        Object v = value(key);
        if (!(v instanceof Map)) throw error("field '" + key + "' should be an object, got " + v);
        return new Row(where + " ." + key, (Map<String, Object>) v);
    }

    /** The label field: an integer id in [0, classes), or a name that {@code byName} maps to one. */
    int label(String key, int classes, ToIntFunction<String> byName) {
        Object v = value(key);
        int id;
        if (v instanceof String) {
            try {
                id = byName.applyAsInt((String) v);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        } else {
            id = integer(key);
        }
        if (id < 0 || id >= classes) throw error("label " + v + " outside 0.." + (classes - 1));
        return id;
    }
}
