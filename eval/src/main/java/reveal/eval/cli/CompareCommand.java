package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import reveal.eval.compare.Comparison;

/**
 * {@code compare}: finished runs side by side, from their {@code summary.json} verdicts; writes {@code compare.html}
 * and {@code compare.json} and prints the HTML's path as the last stdout line.
 */
final class CompareCommand implements Main.Command {
    @Override
    public String usage() {
        return "compare RUN_DIR... [--out compare]   tables of the runs' verdicts, and which hold across all of them";
    }

    @Override
    public void run(Args args, PrintStream out) {
        Path dest = Path.of(args.get("out", "compare"));
        args.rejectUnknown();
        List<String> dirs = args.positional();
        if (dirs.isEmpty()) throw new Args.UsageException("missing RUN_DIR (one or more run folders with a summary.json)");
        Comparison c = Comparison.read(dirs.stream().map(Path::of).toList());
        Path html = c.write(dest);
        System.err.printf("[compare] %d runs, %d verdict ids, %d with the same verdict in every run; %s%n", c.runs().size(), c.ids().size(),
                c.holding().size(), dest.resolve("compare.json").toAbsolutePath());
        out.println(html.toAbsolutePath());
    }
}
