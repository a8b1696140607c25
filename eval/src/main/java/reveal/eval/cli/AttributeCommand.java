package reveal.eval.cli;

import java.io.PrintStream;
import java.util.Map;
import reveal.attribution.neuron.NeuronAttributor;
import reveal.attribution.neuron.Quadrature;
import reveal.engine.io.Json;
import reveal.model.arch.FfnPoint;

/**
 * {@code attribute na --ids ...}: integrated-gradient attributions of every FFN neuron at the last position of one
 * token sequence, one row per layer, as JSON.
 */
final class AttributeCommand implements Main.Command {
    @Override
    public String usage() {
        return "attribute na --model DIR --ids 5,17,42 --target T [--steps 20 --quadrature right|paper --neurons pre|post --device D]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        String method = args.positional(0, "method (na)");
        if (!method.equals("na")) throw new Args.UsageException("unknown attribution method '" + method + "'");
        ModelOptions m = ModelOptions.read(args);
        int[] ids = args.getInts("ids");
        int target = Integer.parseInt(args.require("target"));
        int steps = args.getInt("steps", 20);
        Quadrature quadrature = Quadrature.byName(args.get("quadrature", "right"));
        FfnPoint point = FfnPoint.valueOf(args.get("neurons", "post").toUpperCase(java.util.Locale.ROOT));
        args.rejectUnknown();
        double[][] attributions = NeuronAttributor.attributions(m.model, ids, target, steps, quadrature, point);
        out.println(Json.write(Map.of("attributions", java.util.Arrays.asList(attributions))));
    }
}
