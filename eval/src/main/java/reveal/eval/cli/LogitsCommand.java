package reveal.eval.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.io.ModelConfig;

/** {@code logits}: one JSON object; per-position vocabulary logits for an LM, class logits for a classifier. */
final class LogitsCommand implements Main.Command {
    @Override
    public String usage() {
        return "logits --model DIR --ids 5,17,42 [--device D]   {\"logits\": ...} for the given token ids";
    }

    @Override
    public void run(Args args, PrintStream out) {
        ModelOptions m = ModelOptions.read(args);
        int[] ids = args.getInts("ids");
        args.rejectUnknown();
        if (ids.length == 0) throw new Args.UsageException("--ids is empty");
        try (Autograd.Scope s = Autograd.noGrad()) {
            Object logits;
            if (m.config().head() == ModelConfig.Head.SEQUENCE_CLASSIFICATION) {
                logits = m.model.classLogits(new int[][] {ids}, null, null).toDoubleArray();
            } else {
                Tensor t = m.model.lmLogits(new int[][] {ids}, null, null);
                double[] flat = t.toDoubleArray();
                int v = t.dim(-1);
                List<double[]> rows = new ArrayList<>();
                for (int i = 0; i < ids.length; i++) rows.add(java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v));
                logits = rows;
            }
            out.println(Json.write(Map.of("logits", logits)));
        }
    }
}
