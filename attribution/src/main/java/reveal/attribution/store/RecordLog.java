package reveal.attribution.store;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import reveal.engine.io.Json;

/**
 * Per-instance records as JSON lines, appended and forced to disk one at a time. A run killed mid-write leaves at
 * most a torn last line; {@link #open} drops it (and truncates the file to the last complete record), so a resumed
 * run loses only the record in progress. A damaged line anywhere else is an error: that is corruption, not an
 * interruption.
 */
public final class RecordLog implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private RecordLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens {@code file} for appending, creating it (and its folders) if absent. The complete records already in it
     * are passed to {@code existing} in file order, so the caller can collect the ids it has done.
     */
    public static RecordLog open(Path file, Consumer<Map<String, Object>> existing) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long end = scan(file, existing);
            if (c.size() > end) {
                c.truncate(end);
                c.force(true);
            }
            c.position(end);
            return new RecordLog(file, c);
        } catch (IOException e) {
            throw new UncheckedIOException("record log " + file + ": cannot open", e);
        }
    }

    /** The complete records of {@code file} (a torn last line is skipped, the file is not changed). */
    public static List<Map<String, Object>> readAll(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        scan(file, out::add);
        return out;
    }

    /** Appends one record as a line and forces it to disk before returning. */
    public void append(Map<String, Object> record) {
        String line = Json.write(record);
        if (line.indexOf('\n') >= 0) throw new IllegalStateException("record log " + file + ": a JSON line must not contain a newline");
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) channel.write(b);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("record log " + file + ": cannot append", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("record log " + file + ": cannot close", e);
        }
    }

    /**
     * Passes every complete record to {@code sink} and returns the byte length they span. The last line counts as
     * torn when it lacks its newline or does not parse (a partly flushed write can leave either).
     */
    private static long scan(Path file, Consumer<Map<String, Object>> sink) {
        if (!Files.exists(file)) return 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long offset = 0, goodEnd = 0;
            int lineNo = 0;
            String pending = null;
            int b;
            while ((b = in.read()) >= 0) {
                offset++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                lineNo++;
                if (pending != null) throw corrupt(file, lineNo - 1, pending);
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                Map<String, Object> rec = parse(text);
                if (rec == null) {
                    pending = text; // an error unless it turns out to be the last line
                    continue;
                }
                sink.accept(rec);
                goodEnd = offset;
            }
            return goodEnd;
        } catch (IOException e) {
            throw new UncheckedIOException("record log " + file + ": cannot read", e);
        }
    }

    private static Map<String, Object> parse(String text) {
        try {
            return Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static IllegalStateException corrupt(Path file, int lineNo, String text) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        return new IllegalStateException("record log " + file + ": line " + lineNo + " is not a JSON object and is not the last line: " + shown);
    }
}
