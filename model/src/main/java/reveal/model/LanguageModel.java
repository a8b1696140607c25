package reveal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.model.arch.DecoderModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;
import reveal.model.arch.KvCache;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.Llama2cCheckpoint;
import reveal.model.io.ModelConfig;
import reveal.model.io.SafetensorsWriter;

/**
 * A decoder-only transformer (GPT-2, OPT, GPT-NeoX, BLOOM, Llama) with Hugging Face semantics: loading and saving
 * HF folders, batched forward passes over right-padded {@code [B][T]} token ids with an attention mask (null = all
 * real), LM and classification logits and losses, FFN interventions, and KV-cached continuation.
 */
public final class LanguageModel {
    /** Label value that the LM loss skips (PyTorch's ignore_index). */
    public static final int IGNORE_INDEX = -100;

    private final DecoderModel decoder;
    private final Path source;

    private LanguageModel(DecoderModel decoder, Path source) {
        this.decoder = decoder;
        this.source = source;
    }

    /** Loads an HF model folder: {@code config.json} and {@code model.safetensors} (or its sharded index). */
    public static LanguageModel load(Path dir, Backend backend) {
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        return new LanguageModel(DecoderModel.build(config, Checkpoint.open(dir), backend), dir);
    }

    /** Builds a model from a config and tensors under their HF names. */
    public static LanguageModel fromCheckpoint(ModelConfig config, Map<String, HostTensor> tensors, Backend backend) {
        return new LanguageModel(DecoderModel.build(config, tensors, backend), null);
    }

    /** Loads a llama2.c legacy checkpoint ({@code .bin}) as the equivalent HF Llama. */
    public static LanguageModel loadLlama2c(Path bin, Backend backend) {
        Llama2cCheckpoint c = Llama2cCheckpoint.load(bin);
        return fromCheckpoint(c.config(), c.tensors(), backend);
    }

    public ModelConfig config() {
        return decoder.config();
    }

    public Backend backend() {
        return decoder.backend();
    }

    /** The shared decoder, for code that drives hooks or caches directly. */
    public DecoderModel decoder() {
        return decoder;
    }

    /** The folder this model was loaded from, or null. */
    public Path source() {
        return source;
    }

    /** Every parameter (a leaf that requires a gradient) by its HF name, stored layout. */
    public Map<String, Tensor> parameters() {
        return decoder.parameters();
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (F32, HF names) to {@code dir}, and copies the
     * tokenizer files of the folder the model came from; loading the folder back gives identical parameters.
     */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, HostTensor> tensors = new TreeMap<>();
            parameters().forEach((name, t) -> tensors.put(name, new HostTensor(t.shape(), t.toFloatArray())));
            SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE_FILE), tensors);
            Files.writeString(dir.resolve("config.json"), config().toJson());
            if (source != null && Files.isDirectory(source) && !Files.isSameFile(source, dir)) {
                for (Path f : tokenizerFiles(source)) Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot save model: " + e.getMessage(), e);
        }
    }

    /**
     * The tokenizer files of a model folder: Hugging Face's (tokenizer.json, tokenizer_config.json, vocab.json,
     * merges.txt, ...), GPT-2's original encoder.json / vocab.bpe, and llama2.c's {@code tok*.bin}.
     */
    public static List<Path> tokenizerFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && isTokenizerFile(f.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the tokenizer files of " + dir, e);
        }
    }

    private static boolean isTokenizerFile(String n) {
        return n.startsWith("tokenizer") || n.equals("vocab.json") || n.equals("merges.txt") || n.equals("special_tokens_map.json")
                || n.equals("added_tokens.json") || n.equals("encoder.json") || n.equals("vocab.bpe") || n.matches("tok\\d+\\.bin");
    }

    // ------------------------------------------------------------------ forward

    /** Final hidden states {@code [B, T, width]} (after the final norm; OPT: after project_out). */
    public Tensor forward(int[][] ids, int[][] attentionMask, FfnHook hook) {
        return decoder.forward(ids, attentionMask, hook, null);
    }

    /** As {@link #forward}, continuing the tokens in {@code cache} and extending it ({@code attentionMask}: new tokens only). */
    public Tensor forward(int[][] ids, int[][] attentionMask, FfnHook hook, KvCache cache) {
        return decoder.forward(ids, attentionMask, hook, cache);
    }

    public KvCache newCache() {
        return decoder.newCache();
    }

    /**
     * Final hidden state {@code [N, width]} of the last cached position with layer {@code layer}'s FFN activation
     * at {@code point} replaced by each row of {@code replacement [N, I]}; see {@link DecoderModel#resume}.
     */
    public Tensor resume(KvCache cache, int layer, FfnPoint point, Tensor replacement) {
        return decoder.resume(cache, layer, point, replacement, null);
    }

    /** LM logits {@code [..., V]} of final hidden states. */
    public Tensor lmHead(Tensor hidden) {
        return decoder.lmHead(hidden);
    }

    /** Class logits {@code [..., C]} of pooled final hidden states. */
    public Tensor classHead(Tensor hidden) {
        return decoder.classHead(hidden);
    }

    /** LM logits {@code [B, T, V]} at every position (padded ones included). */
    public Tensor lmLogits(int[][] ids, int[][] attentionMask, Interventions interventions) {
        return lmHead(forward(ids, attentionMask, interventions));
    }

    /** Class logits {@code [B, C]} pooled at {@link #poolingIndex}. */
    public Tensor classLogits(int[][] ids, int[][] attentionMask, FfnHook hook) {
        return classHead(pooledHidden(ids, attentionMask, hook));
    }

    /** Final hidden states {@code [B, width]} at each row's {@link #poolingIndex}: what the class head reads. */
    public Tensor pooledHidden(int[][] ids, int[][] attentionMask, FfnHook hook) {
        Tensor hidden = forward(ids, attentionMask, hook);
        int length = ids[0].length;
        int[] pool = poolingIndex(ids, attentionMask);
        int[] rows = new int[ids.length];
        for (int b = 0; b < ids.length; b++) rows[b] = b * length + pool[b];
        return hidden.reshape(ids.length * length, hidden.dim(-1)).gatherRows(rows);
    }

    /**
     * The token each row's class logits are read from: HF (>= 4.48) takes the rightmost position whose id is not
     * pad_token_id (0 when every id is padding). Without a pad id, the last position with attention mask 1.
     */
    public int[] poolingIndex(int[][] ids, int[][] attentionMask) {
        Integer pad = config().padTokenId();
        int[] out = new int[ids.length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = ids[b].length - 1; t >= 0; t--) {
                boolean real = pad != null ? ids[b][t] != pad : attentionMask == null || attentionMask[b][t] == 1;
                if (real) {
                    out[b] = t;
                    break;
                }
            }
        }
        return out;
    }

    /** HF causal-LM loss with labels = ids where the mask is 1: mean next-token cross-entropy over real targets. */
    public Tensor lmLoss(int[][] ids, int[][] attentionMask, Interventions interventions) {
        int[][] labels = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            labels[b] = ids[b].clone();
            if (attentionMask != null) for (int t = 0; t < labels[b].length; t++) if (attentionMask[b][t] == 0) labels[b][t] = IGNORE_INDEX;
        }
        return lmLoss(ids, attentionMask, labels, interventions);
    }

    /**
     * HF causal-LM loss: the logits at t predict {@code labels[b][t+1]}; labels equal to {@link #IGNORE_INDEX}
     * are skipped; the mean is over all kept targets of the batch (NaN if none). Only the rows with a target get
     * LM logits.
     */
    public Tensor lmLoss(int[][] ids, int[][] attentionMask, int[][] labels, Interventions interventions) {
        int batch = ids.length, length = ids[0].length, vocab = config().vocabSize();
        if (labels.length != batch) throw new IllegalArgumentException("lmLoss: " + labels.length + " label rows for " + batch + " rows of ids");
        List<Integer> rows = new ArrayList<>(), targets = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            if (labels[b].length != length) throw new IllegalArgumentException("lmLoss: label row " + b + " has " + labels[b].length + " entries, ids have " + length);
            for (int t = 0; t + 1 < length; t++) {
                int target = labels[b][t + 1];
                if (target == IGNORE_INDEX) continue;
                if (target < 0 || target >= vocab) throw new IllegalArgumentException("lmLoss: label " + target + " at [" + b + "][" + (t + 1) + "] is out of range for vocabulary size " + vocab);
                rows.add(b * length + t);
                targets.add(target);
            }
        }
        Tensor hidden = forward(ids, attentionMask, interventions);
        Tensor flat = hidden.reshape(batch * length, hidden.dim(-1));
        if (rows.isEmpty()) return flat.sum().mul(Double.NaN);
        Tensor logits = lmHead(flat.gatherRows(rows.stream().mapToInt(Integer::intValue).toArray()));
        return Functional.crossEntropy(logits, targets.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Mean cross-entropy of the class logits against {@code labels[b]} (HF single_label_classification). */
    public Tensor classLoss(int[][] ids, int[][] attentionMask, int[] labels, Interventions interventions) {
        if (labels.length != ids.length) throw new IllegalArgumentException("classLoss: " + labels.length + " labels for " + ids.length + " rows");
        for (int label : labels) {
            if (label < 0 || label >= config().numLabels()) throw new IllegalArgumentException("classLoss: label " + label + " outside the " + config().numLabels() + " classes");
        }
        return Functional.crossEntropy(classLogits(ids, attentionMask, interventions), labels);
    }
}
