package reveal.engine;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.reference.ReferenceBackend;

/**
 * The backends every parity test runs against the float64 reference. A new backend (OpenCL) is added here once
 * and all backend-parametrised tests cover it: {@code @MethodSource("reveal.engine.Backends#underTest")}.
 */
public final class Backends {
    public static final Backend REFERENCE = ReferenceBackend.INSTANCE;

    private Backends() {
    }

    /** Both thread counts: one thread runs every serial path, two run the split ones. */
    public static Stream<Named<Backend>> underTest() {
        return Stream.of(
                Named.of("cpu, 1 thread", new CpuBackend(1)),
                Named.of("cpu, 2 threads", new CpuBackend(2)));
    }
}
