package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import reveal.eval.pipeline.Pipeline;
import reveal.eval.pipeline.PipelineConfig;

/** {@code demo}: the whole pipeline on the embedded default; the report's path is the last line on stdout. */
final class DemoCommand implements Main.Command {
    @Override
    public String usage() {
        return "demo [--out runs/demo] [--seed 42] [--threads N]   fine-tune stories260K on the known-answer task, attribute, test, report;"
                + " --seed draws another known-answer task and reseeds the run (compare two runs with ./reveal compare)";
    }

    @Override
    public void run(Args args, PrintStream out) {
        PipelineConfig cfg = PipelineConfig.demo(Path.of(args.get("out", "runs/demo")));
        if (args.has("threads")) cfg = cfg.withThreads(args.getInt("threads", 2));
        if (args.has("seed")) {
            // Another task and another run of everything seeded (head initialisation, batch order, subsets, controls).
            long seed = args.getLong("seed", 42);
            cfg = cfg.withTask(PipelineConfig.Task.knownAnswer(cfg.task().knownAnswer(), seed)).withSeed(seed);
        }
        args.rejectUnknown();
        out.println(Pipeline.run(cfg));
    }
}
