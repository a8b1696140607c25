package reveal.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Loads the tokenizer of a model from its files. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer of a Hugging Face model folder: its tokenizer.json (BPE: byte-level as GPT-2, OPT, GPT-NeoX,
     * BLOOM, Llama-3, or SentencePiece-style with byte fallback as Llama-2), else GPT-2's vocab.json + merges.txt
     * (or encoder.json + vocab.bpe as OpenAI ships them), else a llama2.c {@code tok*.bin}. BOS/EOS come from
     * tokenizer_config.json or special_tokens_map.json when present, else from the usual token names.
     * {@code modelDir} may also be the tokenizer.json file itself, or a llama2.c {@code .bin}.
     *
     * @throws IllegalArgumentException naming the file, if the files are missing, malformed or use an unsupported
     *                                  feature
     */
    public static Tokenizer load(Path modelDir) {
        if (Files.isRegularFile(modelDir)) {
            if (modelDir.getFileName().toString().endsWith(".bin")) return llama2c(modelDir);
            Path dir = modelDir.toAbsolutePath().getParent();
            return HfTokenizer.fromTokenizerJson(modelDir, TokenizerConfig.read(dir).special());
        }
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("no tokenizer: " + modelDir + " is neither a folder nor a file");
        }
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        Path tokenizerJson = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizerJson)) return HfTokenizer.fromTokenizerJson(tokenizerJson, config.special());
        for (String[] pair : new String[][] {{"vocab.json", "merges.txt"}, {"encoder.json", "vocab.bpe"}}) {
            Path vocab = modelDir.resolve(pair[0]);
            Path merges = modelDir.resolve(pair[1]);
            if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
                return HfTokenizer.fromVocabAndMerges(vocab, merges, config);
            }
        }
        List<Path> llama2c = llama2cFiles(modelDir);
        if (llama2c.size() == 1) return llama2c(llama2c.get(0));
        throw new IllegalArgumentException("no tokenizer in " + modelDir + ": expected tokenizer.json, or vocab.json + "
                + "merges.txt, or encoder.json + vocab.bpe, or one llama2.c tok*.bin; found " + listing(modelDir));
    }

    /** A llama2.c tokenizer.bin (e.g. tinyllamas' tok512.bin); BOS is 1 and EOS 2. */
    public static Tokenizer llama2c(Path tokenizerBin) {
        return Llama2cTokenizer.read(tokenizerBin);
    }

    /** The llama2.c tokenizers ({@code tok<vocab>.bin}) of a folder, such as a saved stories260K classifier. */
    private static List<Path> llama2cFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().matches("tok\\d+\\.bin")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            String names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "));
            return names.isEmpty() ? "an empty folder" : names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
