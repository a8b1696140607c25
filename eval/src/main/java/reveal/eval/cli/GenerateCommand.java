package reveal.eval.cli;

import java.io.PrintStream;
import reveal.model.generate.Generator;
import reveal.model.generate.Sampling;

/** {@code generate}: continues a prompt; prints only the generated text on stdout. */
final class GenerateCommand implements Main.Command {
    @Override
    public String usage() {
        return "generate --model DIR --prompt TEXT --max-tokens N [--temperature T --top-k K --top-p P --seed S]   (temperature 0 = greedy)";
    }

    @Override
    public void run(Args args, PrintStream out) {
        ModelOptions m = ModelOptions.read(args);
        String prompt = args.get("prompt", "");
        int max = args.getInt("max-tokens", 64);
        double temperature = args.getDouble("temperature", 1.0);
        int topK = args.getInt("top-k", 0);
        double topP = args.getDouble("top-p", 1.0);
        long seed = args.getLong("seed", 42);
        args.rejectUnknown();
        Sampling sampling = temperature == 0 ? Sampling.greedy() : Sampling.sample(temperature, topK, topP, seed);
        int[] ids = m.promptIds(prompt);
        int[] generated = new Generator(m.model).generate(ids, max, sampling);
        out.println(m.tokenizer().decode(generated));
    }
}
