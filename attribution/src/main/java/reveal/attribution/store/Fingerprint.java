package reveal.attribution.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reveal.engine.io.Json;

/** A SHA-256 of a value's canonical JSON (keys sorted at every level), so equal settings give equal fingerprints. */
public final class Fingerprint {
    private Fingerprint() {
    }

    /**
     * The value as it reads back from JSON: an {@code Integer} and a {@code Long} (or an int[] and a list) then compare
     * equal, which lets a stored manifest be checked against settings built in memory.
     */
    static Object normalize(Object value) {
        return Json.parse(Json.write(value));
    }

    public static String of(Object value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.write(canonical(normalize(value))).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) hex.append(String.format("%02x", b));
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Object canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), canonical(x)));
            return sorted;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(canonical(x));
            return out;
        }
        return v;
    }
}
