package reveal.opencl;

import java.util.List;
import java.util.Locale;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;

/**
 * Backends by device spec, for the CLI and tests:
 * <ul>
 *   <li>{@code cpu} (or {@code cpu:<threads>}): the Java {@link CpuBackend};</li>
 *   <li>{@code opencl}, {@code opencl:<platform>:<device>}: the {@link OpenClBackend} on that device (see
 *       {@link OpenClDevices#select}); an error when OpenCL is missing, since the user asked for it;</li>
 *   <li>{@code auto}, the default: an OpenCL GPU when there is one (and it opens), else the CPU backend with a
 *       note on stderr (an OpenCL CPU driver such as PoCL is slower than the Java backend, so auto never picks it).</li>
 * </ul>
 * A null or blank spec means {@link #defaultSpec()}: the environment variable {@value #ENV}, else {@code auto}.
 */
public final class Devices {
    public static final String ENV = "REVEAL_DEVICE";
    public static final String AUTO = "auto";

    private static volatile boolean fallbackNoted;

    private Devices() {
    }

    public static String defaultSpec() {
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? AUTO : env.trim();
    }

    public static Backend backend(String spec) {
        String s = spec == null || spec.isBlank() ? defaultSpec() : spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals(AUTO)) return auto();
        if (lower.equals("cpu")) return new CpuBackend();
        if (lower.startsWith("cpu:")) return new CpuBackend(threads(s));
        if (lower.equals("opencl") || lower.startsWith("opencl:")) {
            if (!OpenClDevices.available()) {
                throw new IllegalStateException("device '" + s + "' asks for OpenCL, but " + OpenClDevices.problem()
                        + "; use --device cpu (or " + ENV + "=cpu) for the Java backend");
            }
            return OpenClBackend.on(OpenClDevices.select(s));
        }
        throw new IllegalArgumentException("unknown device '" + s + "': expected auto, cpu, cpu:<threads>, opencl or opencl:<platform>:<device>");
    }

    private static Backend auto() {
        List<OpenClDevices.Device> all = OpenClDevices.list();
        String why = all.isEmpty() ? OpenClDevices.problem() : "no OpenCL GPU (only " + all.get(0) + ")";
        for (OpenClDevices.Device d : all) {
            if (!d.isGpu()) continue;
            try {
                return OpenClBackend.on(d);
            } catch (OpenClException e) {
                why = e.getMessage();
                break;
            }
        }
        if (!fallbackNoted) {
            fallbackNoted = true;
            System.err.println("reveal: " + why + "; using the cpu backend. Set " + ENV + "=cpu to choose it explicitly, or "
                    + ENV + "=opencl:<platform>:<device> for an OpenCL device.");
        }
        return new CpuBackend();
    }

    private static int threads(String spec) {
        try {
            return Integer.parseInt(spec.substring(4).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + spec + "': expected cpu:<threads>", e);
        }
    }

    /** What {@code ./reveal devices} prints: the backends, every OpenCL device, and what the default resolves to. */
    public static String describe() {
        StringBuilder s = new StringBuilder();
        s.append("cpu            Java Vector API backend, ").append(Runtime.getRuntime().availableProcessors()).append(" threads\n");
        List<OpenClDevices.Device> all = OpenClDevices.list();
        if (all.isEmpty()) {
            s.append("opencl         unavailable: ").append(OpenClDevices.problem()).append('\n');
        } else {
            OpenClDevices.Device chosen = OpenClDevices.defaultDevice();
            int platform = -1;
            for (OpenClDevices.Device d : all) {
                if (d.platform() != platform) {
                    platform = d.platform();
                    s.append("OpenCL platform ").append(platform).append(": ").append(d.platformName()).append(" (").append(d.platformVersion()).append(")\n");
                }
                s.append(String.format(Locale.ROOT, "%-14s %s %s, %d compute units, %.2f GiB, %s%s%n", d.spec(), d.type(), d.name(), d.computeUnits(),
                        d.globalMemory() / 1073741824.0, d.version(), d.equals(chosen) ? "  [default for 'opencl']" : ""));
            }
        }
        String env = System.getenv(ENV);
        s.append(ENV).append('=').append(env == null ? "(unset)" : env).append("; default device: ").append(defaultSpec());
        if (defaultSpec().equalsIgnoreCase(AUTO)) {
            s.append(" -> ").append(all.stream().filter(OpenClDevices.Device::isGpu).findFirst().map(OpenClDevices.Device::spec).orElse("cpu"));
        }
        return s.append('\n').toString();
    }
}
