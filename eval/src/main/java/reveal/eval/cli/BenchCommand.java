package reveal.eval.cli;

import java.io.PrintStream;
import reveal.engine.bench.Bench;

/** {@code bench [sgemm|blocks]}: engine performance; the sub-forms print one JSON line each. */
final class BenchCommand implements Main.Command {
    @Override
    public String usage() {
        return "bench [sgemm --size N | blocks --layers L --tokens T] [--threads T]   SGEMM GFLOP/s and GPT-2-block forward+backward time";
    }

    @Override
    public void run(Args args, PrintStream out) {
        int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
        String what = args.positional().isEmpty() ? "all" : args.positional(0, "what");
        switch (what) {
            case "sgemm" -> {
                int size = args.getInt("size", 1024);
                args.rejectUnknown();
                out.println(Bench.sgemmJson(size, threads));
            }
            case "blocks" -> {
                int layers = args.getInt("layers", 12), tokens = args.getInt("tokens", 128);
                args.rejectUnknown();
                out.println(Bench.blocksJson(layers, tokens, threads));
            }
            case "all" -> {
                args.rejectUnknown();
                out.print(Bench.sgemmTable(threads));
                out.println(Bench.blocksJson(1, 128, threads));
                out.println(Bench.blocksJson(12, 128, threads));
            }
            default -> throw new Args.UsageException("unknown benchmark '" + what + "' (sgemm, blocks)");
        }
    }
}
