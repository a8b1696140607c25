package reveal.eval.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import reveal.engine.Backend;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.io.ModelConfig;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;
import reveal.opencl.Devices;

/**
 * The options every model command shares: {@code --model DIR} (a Hugging Face folder), {@code --model X.bin
 * --tokenizer tok.bin} (llama2.c), or {@code --model embedded} (the bundled stories260K); {@code --device}.
 */
final class ModelOptions {
    final Backend backend;
    final LanguageModel model;
    private final Path modelPath;
    private final Path tokenizerPath;
    private Tokenizer tokenizer;

    private ModelOptions(Backend backend, LanguageModel model, Path modelPath, Path tokenizerPath) {
        this.backend = backend;
        this.model = model;
        this.modelPath = modelPath;
        this.tokenizerPath = tokenizerPath;
    }

    static ModelOptions read(Args args) {
        String spec = args.require("model");
        String tok = args.get("tokenizer", null);
        Backend backend = Devices.backend(args.get("device", null));
        if (spec.equals("embedded")) {
            Path dir = EmbeddedModel.stories260K();
            return new ModelOptions(backend, LanguageModel.load(dir.resolve("hf_llama_layout"), backend), dir.resolve("hf_llama_layout"),
                    tok != null ? Path.of(tok) : dir.resolve("tok512.bin"));
        }
        Path path = Path.of(spec);
        if (!Files.exists(path)) throw new IllegalArgumentException("--model " + spec + ": no such file or folder");
        if (Files.isDirectory(path)) {
            return new ModelOptions(backend, LanguageModel.load(path, backend), path, tok != null ? Path.of(tok) : null);
        }
        return new ModelOptions(backend, LanguageModel.loadLlama2c(path, backend), path, tok != null ? Path.of(tok) : null);
    }

    /** The model folder or file (for the embedded model, where it was extracted). */
    String describe() {
        return modelPath.toAbsolutePath().toString();
    }

    ModelConfig config() {
        return model.config();
    }

    /** The tokenizer given by --tokenizer, else the one in the model folder. */
    Tokenizer tokenizer() {
        if (tokenizer == null) {
            if (tokenizerPath != null) {
                tokenizer = Tokenizers.load(tokenizerPath);
            } else if (Files.isDirectory(modelPath)) {
                tokenizer = Tokenizers.load(modelPath);
            } else {
                throw new IllegalArgumentException("a llama2.c checkpoint needs its tokenizer: add --tokenizer tok512.bin");
            }
        }
        return tokenizer;
    }

    /** Ids of a prompt as HF's tokenizer gives them with special tokens: Llama and OPT start with BOS, others do not. */
    int[] promptIds(String text) {
        Tokenizer tok = tokenizer();
        int[] body = text.isEmpty() ? new int[0] : tok.encode(text);
        ModelConfig.Arch arch = config().arch();
        boolean bos = (arch == ModelConfig.Arch.LLAMA || arch == ModelConfig.Arch.OPT) && config().bosTokenId() != null;
        if (!bos || body.length == 0) return body;
        int[] ids = new int[body.length + 1];
        ids[0] = config().bosTokenId();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }
}
