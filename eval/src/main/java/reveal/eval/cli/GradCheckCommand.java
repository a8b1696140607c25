package reveal.eval.cli;

import java.io.PrintStream;
import reveal.engine.check.GradCheck;
import reveal.engine.check.OpCatalog;

/** Audits every op's gradient (and second derivative where HVPs use it) by finite differences in float64. */
final class GradCheckCommand implements Main.Command {
    @Override
    public String usage() {
        return "gradcheck [--tolerance 1e-6]   finite-difference audit of every op's gradient in float64";
    }

    @Override
    public void run(Args args, PrintStream out) {
        double tol = args.getDouble("tolerance", 1e-6);
        args.rejectUnknown();
        int failed = 0, total = 0;
        out.printf("%-32s %-12s %-12s %s%n", "op", "1st order", "2nd order", "status");
        for (OpCatalog.Case c : OpCatalog.all()) {
            GradCheck.Result first = GradCheck.check(c.fn(), c.inputs());
            GradCheck.Result second = c.secondOrder() ? GradCheck.checkSecondOrder(c.fn(), c.inputs(), 7) : null;
            boolean ok = first.passed(tol) && (second == null || second.passed(tol));
            total++;
            if (!ok) failed++;
            out.printf("%-32s %-12s %-12s %s%n", c.name(), String.format("%.1e", first.maxRelativeError()),
                    second == null ? "-" : String.format("%.1e", second.maxRelativeError()), ok ? "ok" : "FAIL");
        }
        out.printf("%d passed, %d failed%n", total - failed, failed);
        if (failed > 0) throw new IllegalStateException(failed + " op(s) failed the gradient check at tolerance " + tol);
    }
}
