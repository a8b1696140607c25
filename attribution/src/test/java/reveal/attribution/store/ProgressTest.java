package reveal.attribution.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final long[] now = {0};

    @Test
    void reportsDoneRateAndTimeLeftOfThisSession() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("IA", 1000, 400, new PrintStream(buf, true, StandardCharsets.UTF_8), () -> now[0], 1_000_000_000L);
        for (int i = 0; i < 10; i++) {
            now[0] += 200_000_000L; // 5 instances per second
            p.advance();
        }
        assertEquals(410, p.done());
        assertEquals("IA: 410/1000 (41.0%), 5.00/s, 1m58s left", p.line(now[0]));
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("IA: resuming with 400/1000 done", lines[0]);
        assertEquals(3, lines.length, "one line per elapsed second after the resume note");
    }

    @Test
    void aQuietReporterPrintsNothingAndTheLastInstanceIsAlwaysReported() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress loud = new Progress("NA", 2, 0, new PrintStream(buf, true, StandardCharsets.UTF_8), () -> now[0], Long.MAX_VALUE);
        loud.advance();
        loud.advance();
        assertEquals("NA: 2/2 (100.0%), 0.00/s, ? left\n", buf.toString(StandardCharsets.UTF_8));
        Progress quiet = Progress.start("NA", 2, 0, true);
        quiet.advance();
        assertEquals(1, quiet.done());
    }
}
