package reveal.opencl;

import static org.jocl.CL.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.junit.jupiter.api.Test;
import reveal.engine.Layout;
import reveal.engine.Storage;

class MemoryAndErrorsTest {
    @Test
    void recycledBuffersAreReusedBySize() {
        OpenClBackend cl = OpenCl.backend();
        ClBuffer a = (ClBuffer) cl.zeros(12_345);
        a.recycle();
        ClBuffer b = (ClBuffer) cl.zeros(12_345);
        assertSame(a.mem, b.mem, "the pool hands back the buffer of that size");
        assertEquals(0f, cl.downloadFloats(b, Layout.contiguous(12_345))[12_344], "zeros are zero even in a reused buffer");
        ClBuffer c = (ClBuffer) cl.zeros(12_346);
        assertNotSame(b.mem, c.mem);
    }

    @Test
    void unreachableStoragesReturnTheirMemory() throws InterruptedException {
        OpenClBackend cl = OpenCl.backend();
        DeviceMemory memory = cl.memory();
        long before = memory.liveBytes();
        for (int i = 0; i < 20; i++) cl.upload(new float[50_000]); // 4 MB, dropped at once
        assertTrue(memory.liveBytes() >= before + 20 * 200_000L);
        for (int i = 0; i < 100 && memory.liveBytes() > before; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(memory.liveBytes() <= before, "live bytes back to " + before + ", now " + memory.liveBytes());
    }

    /** Past its limit the allocator collects garbage, so dropped storages come back before device memory runs out. */
    @Test
    void allocationPastTheLimitCollectsDroppedBuffers() {
        OpenClBackend cl = OpenCl.backend();
        cl_context context = newContext(cl.device());
        try {
            DeviceMemory memory = new DeviceMemory(context, "test-device", 1 << 20, cl.device().maxAllocation());
            long worst = 0;
            for (int i = 0; i < 100; i++) { // 20 MB in all, 200 KB at a time, none kept
                memory.allocate(50_000, "test");
                worst = Math.max(worst, memory.liveBytes());
            }
            assertTrue(worst <= 4 << 20, "at most a few MB live at once, saw " + worst);
        } finally {
            clReleaseContext(context);
        }
    }

    private static cl_context newContext(OpenClDevices.Device d) {
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, OpenClDevices.platformHandle(d));
        return clCreateContext(props, 1, new cl_device_id[] {OpenClDevices.deviceHandle(d)}, null, null, null);
    }

    @Test
    void oversizedAllocationNamesTheDeviceAndSize() {
        OpenClBackend cl = OpenCl.backend();
        long floats = cl.device().maxAllocation() / 4 + 1;
        if (floats > Integer.MAX_VALUE) return; // a device that takes any int-sized storage: nothing to refuse
        OpenClException e = assertThrows(OpenClException.class, () -> cl.zeros((int) floats));
        assertTrue(e.getMessage().contains(cl.device().name()) && e.getMessage().contains(floats + " floats"), e.getMessage());
    }

    @Test
    void buildFailuresCarryTheLogAndDevice() {
        OpenClBackend cl = OpenCl.backend();
        cl_device_id id = OpenClDevices.deviceHandle(cl.device());
        cl_context context = newContext(cl.device());
        try {
            Programs broken = new Programs(context, id, "test-device", Map.of("copy.cl", "-D real_t=no_such_type"));
            OpenClException e = assertThrows(OpenClException.class, () -> broken.kernel("copy.cl", "copy_strided"));
            assertTrue(e.getMessage().contains("kernels/copy.cl") && e.getMessage().contains("test-device")
                    && e.getMessage().contains("no_such_type"), e.getMessage());
            Programs fine = new Programs(context, id, "test-device", Map.of());
            OpenClException missing = assertThrows(OpenClException.class, () -> fine.kernel("copy.cl", "no_such_kernel"));
            assertTrue(missing.getMessage().contains("no_such_kernel"), missing.getMessage());
        } finally {
            clReleaseContext(context);
        }
    }

    @Test
    void foreignStoragesAreRefused() {
        OpenClBackend cl = OpenCl.backend();
        Storage cpu = OpenCl.REF.upload(new float[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cl.downloadFloats(cpu, Layout.contiguous(3)));
        assertTrue(e.getMessage().contains("another backend"), e.getMessage());
    }

    @Test
    void floatThresholdKeepsDoubleComparisons() {
        for (double c : new double[] {0.1, -0.1, 1.0 / 3, 0.5, 1e-40, 3e38, 1e300}) {
            float t = OpenClBackend.floatThreshold(c);
            for (float x : new float[] {(float) c, Math.nextUp((float) c), Math.nextDown((float) c), t, Math.nextUp(t)}) {
                assertEquals(x > c, x > t, "x=" + x + " c=" + c + " t=" + t);
            }
        }
    }
}
