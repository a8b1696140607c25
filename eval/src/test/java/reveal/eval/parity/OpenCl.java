package reveal.eval.parity;

import org.junit.jupiter.api.Assumptions;
import reveal.engine.Backend;
import reveal.opencl.Devices;
import reveal.opencl.OpenClDevices;

/** The OpenCL backend under test; the fixtures, the CPU backend it is compared with and the tolerances are in {@code Golden}. */
final class OpenCl {
    private OpenCl() {
    }

    /** The OpenCL backend of the default device, shared by the JVM (each program is built once); skips without one. */
    static Backend orSkip() {
        Assumptions.assumeTrue(OpenClDevices.available(), () -> "no OpenCL platform: " + OpenClDevices.problem());
        return Devices.backend("opencl");
    }
}
