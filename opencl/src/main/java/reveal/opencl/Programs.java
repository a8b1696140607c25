package reveal.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * The kernel programs of one context, each built from its {@code kernels/*.cl} resource (after {@code common.cl})
 * the first time one of its kernels is asked for, then kept: a driver such as PoCL takes seconds per build.
 */
final class Programs {
    private static final String COMMON = "common.cl";

    private final cl_context context;
    private final cl_device_id device;
    private final String deviceName;
    private final Map<String, String> options;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    /** {@code options}: the -D build options of each program file. */
    Programs(cl_context context, cl_device_id device, String deviceName, Map<String, String> options) {
        this.context = context;
        this.device = device;
        this.deviceName = deviceName;
        this.options = Map.copyOf(options);
    }

    synchronized cl_kernel kernel(String file, String name) {
        String key = file + "#" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            cl_program p = programs.get(file);
            if (p == null) {
                p = build(file);
                programs.put(file, p);
            }
            try {
                k = clCreateKernel(p, name, null);
            } catch (CLException e) {
                throw new OpenClException("kernel " + name + " of " + file + " on device " + deviceName + ": " + e.getMessage(), e.getStatus(), e);
            }
            kernels.put(key, k);
        }
        return k;
    }

    /** The largest work-group the device runs this kernel with (registers and local memory limit it). */
    long maxWorkGroup(cl_kernel k) {
        long[] v = new long[1];
        clGetKernelWorkGroupInfo(k, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private cl_program build(String file) {
        String opts = options.getOrDefault(file, "");
        String[] sources = {resource(COMMON), resource(file)};
        cl_program p = clCreateProgramWithSource(context, sources.length, sources, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, opts, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new OpenClException("building kernels/" + file + " for device " + deviceName + " failed (" + e.getMessage()
                    + ") with options '" + opts + "':\n" + log, e.getStatus(), e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            return new String(log, StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    private static String resource(String file) {
        try (InputStream in = Programs.class.getResourceAsStream("/kernels/" + file)) {
            if (in == null) throw new IllegalStateException("kernel source kernels/" + file + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernels/" + file, e);
        }
    }
}
