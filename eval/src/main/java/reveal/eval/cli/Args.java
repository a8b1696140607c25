package reveal.eval.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options: positional words, then {@code --name value} pairs and bare {@code --flag}s. */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Set<String> used = new java.util.HashSet<>();

    Args(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) options.put(name.substring(0, eq), name.substring(eq + 1));
                else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) options.put(name, argv[++i]);
                else options.put(name, "true");
            } else {
                positional.add(a);
            }
        }
    }

    List<String> positional() {
        return positional;
    }

    String positional(int i, String what) {
        if (i >= positional.size()) throw new UsageException("missing " + what);
        return positional.get(i);
    }

    boolean has(String name) {
        used.add(name);
        return options.containsKey(name);
    }

    String get(String name, String fallback) {
        used.add(name);
        return options.getOrDefault(name, fallback);
    }

    String require(String name) {
        used.add(name);
        String v = options.get(name);
        if (v == null) throw new UsageException("missing option --" + name);
        return v;
    }

    int getInt(String name, int fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    long getLong(String name, long fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    double getDouble(String name, double fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    int[] getInts(String name) {
        return list(name, "integers", Integer::parseInt).stream().mapToInt(Integer::intValue).toArray();
    }

    double[] getDoubles(String name) {
        return list(name, "numbers", Double::parseDouble).stream().mapToDouble(Double::doubleValue).toArray();
    }

    long[] getLongs(String name) {
        return list(name, "integers", Long::parseLong).stream().mapToLong(Long::longValue).toArray();
    }

    /** The comma-separated items of a required option; a malformed item is a usage error naming the option. */
    private <T> List<T> list(String name, String kind, java.util.function.Function<String, T> parse) {
        String v = require(name);
        try {
            return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(parse).toList();
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects comma-separated " + kind + ", got '" + v + "'");
        }
    }

    /** Fails on options no command read: a typo should not be silently ignored. */
    void rejectUnknown() {
        for (String k : options.keySet()) if (!used.contains(k)) throw new UsageException("unknown option --" + k);
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
