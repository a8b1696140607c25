package reveal.eval.cli;

import java.io.PrintStream;
import reveal.opencl.Devices;

/** {@code devices}: the backends, every OpenCL platform and device, and the default choice. */
final class DevicesCommand implements Main.Command {
    @Override
    public String usage() {
        return "devices   list backends and OpenCL devices (choose one with --device or REVEAL_DEVICE)";
    }

    @Override
    public void run(Args args, PrintStream out) {
        args.rejectUnknown();
        out.print(Devices.describe());
    }
}
