package reveal.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL platforms and devices of this machine, and device specs: {@code opencl} (the first GPU, else the
 * first device) or {@code opencl:<platform>:<device>} by index, as {@link #list()} numbers them.
 */
public final class OpenClDevices {

    /** One device; {@link #spec()} selects it again. */
    public record Device(int platform, int index, String platformName, String platformVersion, String name, String type,
                         long globalMemory, long maxAllocation, int computeUnits, String version) {
        public String spec() {
            return "opencl:" + platform + ":" + index;
        }

        public boolean isGpu() {
            return type.equals("GPU");
        }

        @Override
        public String toString() {
            return spec() + " (" + type + " '" + name + "' of " + platformName + ")";
        }
    }

    private record Scan(List<Device> devices, String problem) {
    }

    private static volatile Scan scan;

    private OpenClDevices() {
    }

    /** Every device of every platform, in index order; empty when there is no usable OpenCL (see {@link #problem()}). */
    public static List<Device> list() {
        return scanned().devices;
    }

    public static boolean available() {
        return !list().isEmpty();
    }

    /** Why no device was found (no driver, no platform, the native library would not load), or null when some was. */
    public static String problem() {
        return scanned().problem;
    }

    /** The device plain {@code opencl} means: the first GPU, else the first device. */
    public static Device defaultDevice() {
        List<Device> all = list();
        if (all.isEmpty()) throw new IllegalStateException("no OpenCL device: " + problem());
        return all.stream().filter(Device::isGpu).findFirst().orElse(all.get(0));
    }

    /** The device a spec names: {@code opencl}, {@code opencl:<platform>} (its first device) or {@code opencl:<platform>:<device>}. */
    public static Device select(String spec) {
        String s = spec.trim().toLowerCase();
        String[] parts = s.split(":", -1);
        if (!parts[0].equals("opencl") || parts.length > 3) {
            throw new IllegalArgumentException("device spec '" + spec + "': expected opencl or opencl:<platform>:<device>");
        }
        if (parts.length == 1) return defaultDevice();
        int platform = index(spec, parts[1]);
        int device = parts.length == 3 ? index(spec, parts[2]) : 0;
        List<Device> all = list();
        if (all.isEmpty()) throw new IllegalStateException("device spec '" + spec + "': no OpenCL device: " + problem());
        for (Device d : all) if (d.platform == platform && d.index == device) return d;
        StringBuilder known = new StringBuilder();
        for (Device d : all) known.append("\n  ").append(d);
        throw new IllegalArgumentException("device spec '" + spec + "': no such OpenCL device; available:" + known);
    }

    private static int index(String spec, String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device spec '" + spec + "': '" + part + "' is not an index", e);
        }
    }

    static cl_platform_id platformHandle(Device d) {
        return platforms()[d.platform];
    }

    static cl_device_id deviceHandle(Device d) {
        return devices(platformHandle(d))[d.index];
    }

    /**
     * Whether an OpenCL ICD loader may be installed. On Linux, JOCL's native code prints its failure to find
     * libOpenCL.so on the process's standard output, which would corrupt a command's JSON; so where no loader is in
     * the usual library folders, JOCL is not touched at all. Elsewhere (or where unsure) this says yes.
     */
    static boolean loaderMayExist() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return true;
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib", "/opt/rocm/lib", "/usr/local/cuda/lib64"));
        for (String var : new String[] {System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path")})
            if (var != null) dirs.addAll(List.of(var.split(java.io.File.pathSeparator)));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            for (String name : new String[] {"libOpenCL.so", "libOpenCL.so.1"})
                if (java.nio.file.Files.exists(java.nio.file.Path.of(d, name))) return true;
        }
        return false;
    }

    private static Scan scanned() {
        Scan s = scan;
        if (s == null) {
            synchronized (OpenClDevices.class) {
                if (scan == null) scan = scanNow();
                s = scan;
            }
        }
        return s;
    }

    private static Scan scanNow() {
        List<Device> found = new ArrayList<>();
        if (!loaderMayExist()) return new Scan(List.of(), "the OpenCL library could not be loaded (no libOpenCL.so on this machine); install an OpenCL ICD loader and driver");
        try {
            CL.setExceptionsEnabled(true);
            cl_platform_id[] platforms = platforms();
            if (platforms.length == 0) return new Scan(List.of(), "the OpenCL loader reports no platform (install a driver, e.g. pocl-opencl-icd)");
            for (int p = 0; p < platforms.length; p++) {
                String pName = platformInfo(platforms[p], CL_PLATFORM_NAME), pVersion = platformInfo(platforms[p], CL_PLATFORM_VERSION);
                cl_device_id[] devices;
                try {
                    devices = devices(platforms[p]);
                } catch (CLException e) {
                    continue; // a platform without devices
                }
                for (int d = 0; d < devices.length; d++) {
                    cl_device_id id = devices[d];
                    found.add(new Device(p, d, pName, pVersion, deviceString(id, CL_DEVICE_NAME), typeName(deviceLong(id, CL_DEVICE_TYPE)),
                            deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS), deviceString(id, CL_DEVICE_VERSION)));
                }
            }
            return new Scan(List.copyOf(found), found.isEmpty() ? "the OpenCL platforms have no devices" : null);
        } catch (CLException e) {
            return new Scan(List.of(), "no OpenCL platform (" + e.getMessage() + "); install a driver, e.g. pocl-opencl-icd");
        } catch (LinkageError e) {
            return new Scan(List.of(), "the OpenCL library could not be loaded (" + e.getMessage() + "); install an OpenCL ICD loader and driver");
        }
    }

    private static cl_platform_id[] platforms() {
        int[] n = new int[1];
        clGetPlatformIDs(0, null, n);
        cl_platform_id[] ids = new cl_platform_id[n[0]];
        if (n[0] > 0) clGetPlatformIDs(n[0], ids, null);
        return ids;
    }

    private static cl_device_id[] devices(cl_platform_id platform) {
        int[] n = new int[1];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
        cl_device_id[] ids = new cl_device_id[n[0]];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, n[0], ids, null);
        return ids;
    }

    private static String typeName(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((type & CL_DEVICE_TYPE_CPU) != 0) return "CPU";
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) return "accelerator";
        return "other";
    }

    private static String platformInfo(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) n++;
        return new String(bytes, 0, n, StandardCharsets.UTF_8).trim();
    }
}
