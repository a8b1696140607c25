package reveal.eval.cli;

import reveal.attribution.instance.LissaPreset;
import reveal.eval.pipeline.PipelineConfig;
import reveal.model.data.TaskKind;

/**
 * LiSSA's options, read the same way by {@code attribute ia} and {@code evaluate}: {@code --lissa-preset} (the paper's
 * row for the model family and the task kind, {@link LissaPreset#lookup}) where given, else the command's defaults;
 * each explicit {@code --lissa-*} option overrides either. The depth is {@code --lissa-depth N} steps or
 * {@code --lissa-depth-factor F} (the paper's), never both.
 *
 * @param preset the paper's row, or null
 */
record LissaOptions(LissaPreset preset, PipelineConfig.Lissa settings) {

    static final String USAGE = "--lissa-preset opt|bloom|pythia --lissa-depth N | --lissa-depth-factor F --lissa-batch B --lissa-damping D"
            + " --lissa-scale S|auto --lissa-tolerance 0.01";

    static LissaOptions read(Args args, TaskKind kind, PipelineConfig.Lissa defaults, String command) {
        LissaPreset preset = null;
        if (args.has("lissa-preset")) {
            String family = args.get("lissa-preset", null);
            try {
                preset = LissaPreset.lookup(LissaPreset.Family.parse(family), kind);
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--lissa-preset " + family + ": expected opt, bloom or pythia");
            }
            if (!preset.covers(kind)) {
                System.err.println("[" + command + "] --lissa-preset " + family + ": the paper ran " + preset.family().model() + " on no " + kind
                        + " task; using its " + preset.dataset().title() + " row");
            }
        }
        if (args.has("lissa-depth") && args.has("lissa-depth-factor")) {
            throw new Args.UsageException("--lissa-depth N (fixed steps) and --lissa-depth-factor F (steps = ceil(N_train / batch) * F) exclude each other;"
                    + " give one");
        }
        int depth = 0;
        double depthFactor = 0;
        if (args.has("lissa-depth")) {
            depth = args.getInt("lissa-depth", 0);
            if (depth < 1) throw new Args.UsageException("--lissa-depth " + depth + ": expected at least 1 step");
        } else if (args.has("lissa-depth-factor")) {
            depthFactor = args.getDouble("lissa-depth-factor", 0);
            if (!(depthFactor > 0)) throw new Args.UsageException("--lissa-depth-factor " + depthFactor + ": expected a positive factor");
        } else if (preset != null) {
            depthFactor = preset.depthFactor();
        } else {
            depth = defaults.depth();
            depthFactor = defaults.depthFactor();
        }
        String scaleOption = args.get("lissa-scale", null);
        double scale = scaleOption == null ? (preset != null ? preset.scale() : defaults.scale())
                : scaleOption.equals("auto") ? 0 : args.getDouble("lissa-scale", 0);
        if (scale < 0) throw new Args.UsageException("--lissa-scale " + scale + ": expected a positive scale or auto");
        double tolerance = args.getDouble("lissa-tolerance", defaults.tolerance());
        if (!(tolerance > 0)) throw new Args.UsageException("--lissa-tolerance " + tolerance + ": expected a positive number");
        double damping = args.getDouble("lissa-damping", preset != null ? preset.damping() : defaults.damping());
        if (!(damping >= 0 && damping < 1)) throw new Args.UsageException("--lissa-damping " + damping + ": expected a value in [0, 1)");
        int batch = args.getInt("lissa-batch", preset != null ? preset.batchSize() : defaults.batchSize());
        if (batch < 1) throw new Args.UsageException("--lissa-batch " + batch + ": expected at least 1");
        return new LissaOptions(preset, new PipelineConfig.Lissa(damping, scale, depth, depthFactor, batch, tolerance));
    }

    static PipelineConfig.Lissa attributeDefaults() {
        return PipelineConfig.Lissa.steps(0.01, 1000, 8);
    }
}
