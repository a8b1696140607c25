package reveal.eval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void outOfMemoryIsOneLineWithTheHeapAndTheRemedy() {
        String line = Main.outOfMemory("finetune", 6L << 30);
        assertEquals(1, line.lines().count());
        assertTrue(line.startsWith("reveal finetune: out of memory: the Java heap (6.0 GiB)"), line);
        assertTrue(line.contains("REVEAL_JAVA_OPTS=-Xmx"), line);
        assertTrue(Main.outOfMemory("demo", 12L << 20).contains("(12 MiB)"));
    }

    @Test
    void anOutOfMemoryErrorInsideAWorkersFailureIsRecognised() {
        Throwable wrapped = new IllegalStateException("retraining failed", new ExecutionException(new OutOfMemoryError("Java heap space")));
        assertTrue(Main.causedByOutOfMemory(wrapped));
        assertFalse(Main.causedByOutOfMemory(new IllegalStateException("other", new RuntimeException("no"))));
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"nope"}, System.out, new java.io.PrintStream(err)));
        assertTrue(err.toString().contains("unknown command 'nope'"));
    }
}
