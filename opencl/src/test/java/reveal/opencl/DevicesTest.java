package reveal.opencl;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;

class DevicesTest {
    @Test
    void cpuSpecs() {
        assertInstanceOf(CpuBackend.class, Devices.backend("cpu"));
        assertEquals(1, ((CpuBackend) Devices.backend(" CPU:1 ")).threads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.backend("tpu"));
        assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Devices.backend("cpu:many"));
    }

    @Test
    void autoTakesAGpuOnlyElseTheCpuBackend() {
        boolean gpu = OpenClDevices.list().stream().anyMatch(OpenClDevices.Device::isGpu);
        assertEquals(gpu, Devices.backend("auto") instanceof OpenClBackend);
    }

    @Test
    void describeListsEveryDevice() {
        String text = Devices.describe();
        assertTrue(text.startsWith("cpu "), text);
        assertTrue(text.contains(Devices.ENV + "="), text);
        for (OpenClDevices.Device d : OpenClDevices.list()) assertTrue(text.contains(d.spec() + " ") && text.contains(d.name()), text);
        if (!OpenClDevices.available()) assertTrue(text.contains("unavailable: " + OpenClDevices.problem()), text);
    }

    @Test
    void explicitOpenClWithoutAPlatformIsAnError() {
        Assumptions.assumeFalse(OpenClDevices.available(), "this machine has OpenCL");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.backend("opencl"));
        assertTrue(e.getMessage().contains("OpenCL"), e.getMessage());
    }

    @Test
    void openClSpecs() {
        OpenClBackend cl = OpenCl.backend();
        Backend again = Devices.backend("opencl");
        assertSame(OpenClBackend.on(OpenClDevices.defaultDevice()), again, "one backend (context, programs) per device");
        OpenClDevices.Device first = OpenClDevices.list().get(0);
        assertEquals(first, OpenClDevices.select("opencl:" + first.platform() + ":" + first.index()));
        assertEquals(first.spec(), Devices.backend(first.spec()).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.backend("opencl:9:9"));
        assertTrue(e.getMessage().contains(first.spec()), "lists the devices there are: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenClDevices.select("opencl:x"));
        assertFalse(cl.isDouble());
    }
}
