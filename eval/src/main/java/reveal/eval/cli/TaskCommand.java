package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import reveal.engine.io.Json;
import reveal.eval.knowledge.KnownAnswerTask;

/**
 * {@code task known-answer}: writes the bundled known-answer claim task (train/dev/test JSONL readable with
 * {@code --task claim}, and its ground truth) so that {@code finetune} and {@code attribute} can run on it.
 */
final class TaskCommand implements Main.Command {
    @Override
    public String usage() {
        return "task known-answer --out DIR [--people 50 --claims-per-fact 6 --dev 90 --test 110 --seed 42]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        String kind = args.positional(0, "task (known-answer)");
        if (!kind.equals("known-answer")) throw new Args.UsageException("unknown task '" + kind + "'");
        Path dir = Path.of(args.require("out"));
        KnownAnswerTask.Sizes d = KnownAnswerTask.Sizes.DEFAULT;
        KnownAnswerTask.Sizes sizes = new KnownAnswerTask.Sizes(args.getInt("people", d.entities()), args.getInt("claims-per-fact", d.trainPerFact()),
                args.getInt("dev", d.dev()), args.getInt("test", d.test()));
        long seed = args.getLong("seed", 42);
        args.rejectUnknown();
        KnownAnswerTask task = KnownAnswerTask.generate(seed, sizes);
        task.write(dir);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("out", dir.toAbsolutePath().toString());
        summary.put("train", task.train().size());
        summary.put("dev", task.dev().size());
        summary.put("test", task.test().size());
        summary.put("seed", seed);
        out.println(Json.write(summary));
    }
}
