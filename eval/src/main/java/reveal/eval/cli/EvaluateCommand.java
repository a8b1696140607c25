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
                + " --epochs 5 --lr 1e-5 --batch-size 4 --retrain-min-steps 0 --limit-train N --limit-dev N --limit-test N --threads N --seed 42"
                + " --fractions 0.1,0.3,0.5,0.7,0.9 --seeds 42,60,73 --lds-models 32 --lds-alpha 0.5 --neuron-controls 10 --level 0.95 "
                + LissaOptions.USAGE + "]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        PipelineConfig cfg = PipelineConfig.forFiles(Path.of(args.require("out")), Path.of(args.require("model")),
                TaskKind.parse(args.require("task")), Path.of(args.require("train")), Path.of(args.require("dev")), Path.of(args.require("test")));
        if (args.has("tokenizer")) cfg = cfg.withTokenizer(Path.of(args.get("tokenizer", null)));
        if (args.has("max-len")) cfg = cfg.withMaxLen(args.getInt("max-len", 256));
        if (args.has("epochs") || args.has("lr") || args.has("batch-size") || args.has("retrain-min-steps")) {
            PipelineConfig.Training t = PipelineConfig.Training.epochs(args.getDouble("lr", 1e-5), args.getInt("epochs", 5), args.getInt("batch-size", 4));
            cfg = cfg.withFinetune(t).withRetrain(new PipelineConfig.Training(t.learningRate(), t.epochs(), t.batchSize(), args.getInt("retrain-min-steps", 0)));
        }
        cfg = cfg.withProtocol(protocol(args, cfg.protocol()));
        PipelineConfig.Methods m = cfg.methods();
        PipelineConfig.Lissa lissa = LissaOptions.read(args, cfg.task().kind(), m.lissa(), "evaluate").settings();
        cfg = cfg.withMethods(new PipelineConfig.Methods(m.igSteps(), m.naThreshold(), m.naNeurons(), m.iaNeuronsK(), m.topK(), lissa));
        if (args.has("limit-train") || args.has("limit-dev") || args.has("limit-test")) {
            cfg = cfg.withTask(cfg.task().limited(args.getInt("limit-train", Integer.MAX_VALUE), args.getInt("limit-dev", Integer.MAX_VALUE),
                    args.getInt("limit-test", Integer.MAX_VALUE)));
        }
        if (args.has("threads")) cfg = cfg.withThreads(args.getInt("threads", 2));
        if (args.has("seed")) cfg = cfg.withSeed(args.getLong("seed", 42));
        args.rejectUnknown();
        out.println(Pipeline.run(cfg));
    }

    /** The evaluation protocol's options over {@code defaults}; what the protocol cannot use is a usage error. */
    static PipelineConfig.Protocol protocol(Args args, PipelineConfig.Protocol defaults) {
        try {
            return new PipelineConfig.Protocol(args.has("fractions") ? args.getDoubles("fractions") : defaults.fractions(),
                    args.has("seeds") ? args.getLongs("seeds") : defaults.seeds(), args.getInt("lds-models", defaults.ldsModels()),
                    args.getDouble("lds-alpha", defaults.ldsAlpha()), args.getInt("neuron-controls", defaults.neuronControls()),
                    args.getDouble("level", defaults.level()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
