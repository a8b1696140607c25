package reveal.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/** File access shared by the readers: every parse error names the file and the 1-based line. */
final class Sources {
    private Sources() {
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The records of a JSON Lines file; blank lines are skipped, each other line must be one JSON object. */
    static List<Row> jsonLines(Path file) {
        List<String> lines = lines(file);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            rows.add(jsonLine(file, i + 1, lines.get(i)));
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(file + ": no records");
        return rows;
    }

    /** The first record of a JSON Lines file, for format detection. */
    static Row firstJsonLine(Path file) {
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++)
            if (!lines.get(i).isBlank()) return jsonLine(file, i + 1, lines.get(i));
        throw new IllegalArgumentException(file + ": no records");
    }

    @SuppressWarnings("unchecked")
    private static Row jsonLine(Path file, int lineNo, String line) {
        String where = file + ":" + lineNo;
        Object v;
        try {
            v = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (!(v instanceof Map)) throw new IllegalArgumentException(where + ": expected a JSON object, got " + v);
        return new Row(where, (Map<String, Object>) v);
    }

    /** The records of a file holding one JSON array of objects; a parse error names the line of its offset. */
    @SuppressWarnings("unchecked")
    static List<Row> jsonArray(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Object v;
        try {
            v = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ":" + lineOfOffset(text, e.getMessage()) + ": " + e.getMessage(), e);
        }
        if (!(v instanceof List)) throw new IllegalArgumentException(file + ": expected a JSON array of records");
        List<Row> rows = new ArrayList<>();
        List<?> items = (List<?>) v;
        for (int i = 0; i < items.size(); i++) {
            String where = file + " record " + i;
            if (!(items.get(i) instanceof Map)) throw new IllegalArgumentException(where + ": expected a JSON object");
            rows.add(new Row(where, (Map<String, Object>) items.get(i)));
        }
        return rows;
    }

    /** Json's errors end with "at offset N"; turn N into a 1-based line number (1 when absent). */
    private static int lineOfOffset(String text, String message) {
        int at = message.lastIndexOf("at offset ");
        if (at < 0) return 1;
        int offset;
        try {
            offset = Integer.parseInt(message.substring(at + "at offset ".length()).trim());
        } catch (NumberFormatException e) {
            return 1;
        }
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }
}
