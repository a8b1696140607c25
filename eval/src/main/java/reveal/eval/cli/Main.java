package reveal.eval.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ./reveal} command line. Results go to stdout (JSON where a command promises JSON, nothing else);
 * progress and diagnostics go to stderr.
 */
public final class Main {

    interface Command {
        String usage();

        void run(Args args, PrintStream out) throws Exception;
    }

    private static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("demo", new DemoCommand());
        c.put("evaluate", new EvaluateCommand());
        c.put("compare", new CompareCommand());
        c.put("logits", new LogitsCommand());
        c.put("generate", new GenerateCommand());
        c.put("finetune", new FinetuneCommand());
        c.put("tokenize", new TokenizeCommand());
        c.put("task", new TaskCommand());
        c.put("attribute", new AttributeCommand());
        c.put("devices", new DevicesCommand());
        c.put("bench", new BenchCommand());
        c.put("gradcheck", new GradCheckCommand());
        return c;
    }

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        System.out.flush();
        if (code != 0) System.exit(code);
    }

    /** Runs one command; returns the process exit code (0 ok, 1 failure, 2 usage error) instead of exiting. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            err.println("usage: ./reveal <command> [options]\n\ncommands:");
            commands.forEach((name, cmd) -> err.println("  " + cmd.usage()));
            return argv.length == 0 ? 2 : 0;
        }
        Command cmd = commands.get(argv[0]);
        if (cmd == null) {
            err.println("reveal: unknown command '" + argv[0] + "'; commands: " + String.join(", ", commands.keySet()));
            return 2;
        }
        try {
            cmd.run(new Args(argv, 1), out);
            out.flush();
            return 0;
        } catch (Args.UsageException e) {
            err.println("reveal " + argv[0] + ": " + e.getMessage() + "\nusage: " + cmd.usage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println(outOfMemory(argv[0], Runtime.getRuntime().maxMemory()));
            return 1;
        } catch (Exception e) {
            err.println(causedByOutOfMemory(e) ? outOfMemory(argv[0], Runtime.getRuntime().maxMemory())
                    : "reveal " + argv[0] + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("REVEAL_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }

    /** One line instead of a stack trace: how large the heap was, and how to give the command more. */
    static String outOfMemory(String command, long maxHeapBytes) {
        String heap = maxHeapBytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", maxHeapBytes / (double) (1L << 30))
                : (maxHeapBytes >> 20) + " MiB";
        return "reveal " + command + ": out of memory: the Java heap (" + heap + ") is too small for this model, batch or number of threads;"
                + " raise it with REVEAL_JAVA_OPTS=-Xmx<N>g, or lower --batch-size, --max-len or --threads";
    }

    /** Whether an exception (a worker thread's failure, say) was an OutOfMemoryError underneath. */
    static boolean causedByOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) if (t instanceof OutOfMemoryError) return true;
        return false;
    }
}
