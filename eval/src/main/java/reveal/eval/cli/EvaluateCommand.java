package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import reveal.eval.pipeline.Pipeline;
import reveal.eval.pipeline.PipelineConfig;
import reveal.model.data.TaskKind;

/** {@code evaluate}: the demo's pipeline on a user's model folder and task files, resumable. */
final class EvaluateCommand implements Main.Command {
    @Override
    public String usage() {
        return "evaluate --model DIR --task nli|claim|choice --train F --dev F --test F --out DIR [--tokenizer F --max-len 256"
                + " --epochs 5 --lr 1e-5 --batch-size 4 --limit-train N --limit-dev N --limit-test N --threads N --seed 42]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        PipelineConfig cfg = PipelineConfig.forFiles(Path.of(args.require("out")), Path.of(args.require("model")),
                TaskKind.parse(args.require("task")), Path.of(args.require("train")), Path.of(args.require("dev")), Path.of(args.require("test")));
        if (args.has("tokenizer")) cfg = cfg.withTokenizer(Path.of(args.get("tokenizer", null)));
        if (args.has("max-len")) cfg = cfg.withMaxLen(args.getInt("max-len", 256));
        if (args.has("epochs") || args.has("lr") || args.has("batch-size")) {
            PipelineConfig.Training t = PipelineConfig.Training.epochs(args.getDouble("lr", 1e-5), args.getInt("epochs", 5), args.getInt("batch-size", 4));
            cfg = cfg.withFinetune(t).withRetrain(t);
        }
        if (args.has("limit-train") || args.has("limit-dev") || args.has("limit-test")) {
            cfg = cfg.withTask(cfg.task().limited(args.getInt("limit-train", Integer.MAX_VALUE), args.getInt("limit-dev", Integer.MAX_VALUE),
                    args.getInt("limit-test", Integer.MAX_VALUE)));
        }
        if (args.has("threads")) cfg = cfg.withThreads(args.getInt("threads", 2));
        if (args.has("seed")) cfg = cfg.withSeed(args.getLong("seed", 42));
        args.rejectUnknown();
        out.println(Pipeline.run(cfg));
    }
}
