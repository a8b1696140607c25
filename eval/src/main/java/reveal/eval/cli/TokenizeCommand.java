package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import reveal.engine.io.Json;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;

/** {@code tokenize}: the ids of a text as a JSON array (no special tokens added). */
final class TokenizeCommand implements Main.Command {
    @Override
    public String usage() {
        return "tokenize --model DIR|--tokenizer FILE --text TEXT   the token ids as a JSON array";
    }

    @Override
    public void run(Args args, PrintStream out) {
        String model = args.get("model", null), tok = args.get("tokenizer", null);
        String text = args.require("text");
        args.rejectUnknown();
        Tokenizer tokenizer;
        if (tok != null) tokenizer = Tokenizers.load(Path.of(tok));
        else if (model != null) tokenizer = Tokenizers.load(Path.of(model));
        else throw new Args.UsageException("give --model DIR or --tokenizer FILE");
        out.println(Json.write(tokenizer.encode(text)));
    }
}
