package reveal.engine;

import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.reference.ReferenceBackend;

/**
 * The backends every parity test runs against the float64 reference:
 * {@code @MethodSource("reveal.engine.Backends#underTest")}. Besides the CPU backend, any {@link Backend} registered
 * as a service on the test class path joins in: a module that cannot be an engine dependency (OpenCL) runs these
 * tests on its backend by depending on the engine's test classes and listing a provider in
 * {@code META-INF/services/reveal.engine.Backend}.
 */
public final class Backends {
    public static final Backend REFERENCE = ReferenceBackend.INSTANCE;

    private Backends() {
    }

    /** The CPU backend on one thread (every serial path) and two (the split ones), then registered backends. */
    public static Stream<Named<Backend>> underTest() {
        Stream<Named<Backend>> cpu = Stream.of(
                Named.of("cpu, 1 thread", new CpuBackend(1)),
                Named.of("cpu, 2 threads", new CpuBackend(2)));
        Stream<Named<Backend>> registered = ServiceLoader.load(Backend.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(b -> Named.of(b.name(), b));
        return Stream.concat(cpu, registered);
    }
}
