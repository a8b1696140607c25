package reveal.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.engine.nn.Functional;
import reveal.model.arch.FfnHook;
import reveal.model.data.Batch;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.PromptEncoder;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;

/**
 * Sequence classifiers made from language models, as Hugging Face's
 * {@code AutoModelForSequenceClassification.from_pretrained(lm, num_labels=C)} makes them: every backbone tensor is
 * kept, the LM head is dropped, and a new bias-free {@code score.weight [C, width]} is drawn from N(0, 0.02²)
 * ({@code initializer_range}), here with a seeded {@link Random} (PyTorch's generator cannot be matched anyway).
 *
 * <p>Pad token: a classifier pools at the last token that is not {@code pad_token_id}, and batches need a pad id.
 * When the config has none (GPT-2, GPT-NeoX, Llama), the classifier's config gets the first EOS id, the usual
 * {@code tokenizer.pad_token = tokenizer.eos_token} fix. That is safe for the paper's prompts, which never end with
 * EOS; a prompt that did would be pooled at its last non-EOS token, as HF would pool it too.
 */
public final class Classifiers {
    /** Hugging Face's {@code initializer_range} default: the standard deviation of a new head's weights. */
    public static final double HEAD_INIT_STD = 0.02;
    /** Rows per forward pass when only outputs, not gradients, are needed. */
    private static final int INFERENCE_BATCH = 32;

    private Classifiers() {
    }

    /**
     * A classifier with {@code labels} (names by id) on {@code base}'s backbone and a new head seeded with
     * {@code seed}, on {@code base}'s backend. {@code base} may be a causal LM or a classifier (its head is
     * replaced); it is not modified.
     */
    public static LanguageModel withNewHead(LanguageModel base, List<String> labels, long seed) {
        return withNewHead(base, labels, seed, base.backend());
    }

    /** As {@link #withNewHead(LanguageModel, List, long)}, on another backend (e.g. one per training thread). */
    public static LanguageModel withNewHead(LanguageModel base, List<String> labels, long seed, Backend backend) {
        ModelConfig config = classifierConfig(base.config(), labels);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : base.parameters().entrySet()) {
            // The LM head (lm_head / embed_out) is simply not taken by the classifier's architecture.
            if (!e.getKey().equals("score.weight")) tensors.put(e.getKey(), new HostTensor(e.getValue().shape(), e.getValue().toFloatArray()));
        }
        int width = base.decoder().outputWidth();
        float[] head = new float[labels.size() * width];
        Random rnd = new Random(seed);
        for (int i = 0; i < head.length; i++) head[i] = (float) (rnd.nextGaussian() * HEAD_INIT_STD);
        tensors.put("score.weight", new HostTensor(new int[] {labels.size(), width}, head));
        return LanguageModel.fromCheckpoint(config, tensors, backend);
    }

    /**
     * Class probabilities {@code [sequence][class]} of unpadded token sequences. Without a hook they run in batches
     * of {@link #INFERENCE_BATCH}; with one, all of them run as one batch, because a hook may address rows by their
     * position in the batch (a per-row neuron edit), so the caller sizes the batch.
     */
    public static double[][] probabilities(LanguageModel classifier, List<int[]> sequences, FfnHook hook) {
        return batched(classifier, sequences, rowsPerPass(sequences, hook), batch -> classifier.classLogits(batch.ids(), batch.attentionMask(), hook).softmax(-1));
    }

    /** Class logits {@code [sequence][class]} (a one-label scorer's score), batched as {@link #probabilities} batches. */
    public static double[][] logits(LanguageModel classifier, List<int[]> sequences, FfnHook hook) {
        return batched(classifier, sequences, rowsPerPass(sequences, hook), batch -> classifier.classLogits(batch.ids(), batch.attentionMask(), hook));
    }

    private static int rowsPerPass(List<int[]> sequences, FfnHook hook) {
        return hook == FfnHook.NONE ? INFERENCE_BATCH : Math.max(1, sequences.size());
    }

    /**
     * A listwise scorer's probabilities {@code [instance][choice]}: the softmax over each instance's choice scores
     * {@code s_j = w . h_j}, the distribution its loss, its prediction and IA use.
     */
    public static double[][] choiceProbabilities(LanguageModel scorer, List<EncodedChoices> instances) {
        double[][] scores = logits(scorer, instances.stream().flatMap(e -> Arrays.stream(e.choices())).toList(), FfnHook.NONE);
        double[][] out = new double[instances.size()][];
        int row = 0;
        for (int i = 0; i < out.length; i++) {
            double[] s = new double[instances.get(i).choices().length];
            for (int j = 0; j < s.length; j++) s[j] = scores[row++][0];
            out[i] = softmax(s);
        }
        return out;
    }

    /** The softmax of one score vector, shifted by its maximum. */
    public static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double s : scores) max = Math.max(max, s);
        double[] p = new double[scores.length];
        for (int j = 0; j < p.length; j++) sum += p[j] = Math.exp(scores[j] - max);
        for (int j = 0; j < p.length; j++) p[j] /= sum;
        return p;
    }

    /** Final hidden states {@code [sequence][width]} where the classifier pools them (what its head reads). */
    public static double[][] pooledHidden(LanguageModel classifier, List<int[]> sequences) {
        return batched(classifier, sequences, INFERENCE_BATCH, batch -> classifier.pooledHidden(batch.ids(), batch.attentionMask(), FfnHook.NONE));
    }

    /** The most probable class of each sequence. */
    public static int[] predictions(LanguageModel classifier, List<int[]> sequences) {
        return Arrays.stream(probabilities(classifier, sequences, FfnHook.NONE)).mapToInt(Functional::argmax).toArray();
    }

    /** The share of {@code examples} whose most probable class is their label. */
    public static double accuracy(LanguageModel classifier, List<EncodedExample> examples) {
        int[] predicted = predictions(classifier, examples.stream().map(EncodedExample::ids).toList());
        int hits = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == examples.get(i).label()) hits++;
        return (double) hits / predicted.length;
    }

    /** The share of multiple-choice instances whose best-scored choice (by a one-label scorer) is the answer. */
    public static double choiceAccuracy(LanguageModel scorer, List<EncodedChoices> instances) {
        List<int[]> all = instances.stream().flatMap(e -> Arrays.stream(e.choices())).toList();
        double[][] scores = logits(scorer, all, FfnHook.NONE);
        int hits = 0, row = 0;
        for (EncodedChoices e : instances) {
            int best = 0;
            for (int j = 0; j < e.choices().length; j++) if (scores[row + j][0] > scores[row + best][0]) best = j;
            if (best == e.answer()) hits++;
            row += e.choices().length;
        }
        return (double) hits / instances.size();
    }

    /** {@code perBatch} ({@code [rows, width]}) over right-padded batches of {@code rows}, without a graph. */
    private static double[][] batched(LanguageModel classifier, List<int[]> sequences, int rows, Function<Batch, Tensor> perBatch) {
        Integer pad = classifier.config().padTokenId();
        if (pad == null) throw new IllegalArgumentException("classifier: the " + classifier.config().modelType() + " config has no pad_token_id to pad batches with");
        double[][] out = new double[sequences.size()][];
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int from = 0; from < sequences.size(); from += rows) {
                int to = Math.min(sequences.size(), from + rows);
                double[] flat = perBatch.apply(PromptEncoder.batch(sequences.subList(from, to), pad, 0)).toDoubleArray();
                int width = flat.length / (to - from);
                for (int r = from; r < to; r++) out[r] = Arrays.copyOfRange(flat, (r - from) * width, (r - from + 1) * width);
            }
        }
        return out;
    }

    /**
     * {@code base} as a {@code *ForSequenceClassification} config with these label names (id2label, label2id,
     * num_labels) and a pad id (see the class comment). Written by {@link LanguageModel#save}, it loads back in HF.
     */
    public static ModelConfig classifierConfig(ModelConfig base, List<String> labels) {
        if (labels.isEmpty()) throw new IllegalArgumentException("classifier: needs at least one label");
        if (labels.stream().distinct().count() != labels.size()) throw new IllegalArgumentException("classifier: label names repeat: " + labels);
        Integer pad = base.padTokenId();
        if (pad == null && base.eosTokenIds().isEmpty()) {
            throw new IllegalArgumentException("classifier: the " + base.modelType() + " config has neither pad_token_id nor"
                    + " eos_token_id, so there is no token to pad batches with; set pad_token_id in config.json");
        }
        Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(base.toJson()));
        m.put("architectures", List.of(className(base)));
        ModelConfig.putLabels(m, labels);
        m.put("num_labels", labels.size());
        m.put("pad_token_id", pad != null ? pad : base.eosTokenIds().get(0));
        return ModelConfig.parse(Json.write(m), base.modelType() + " classifier config");
    }

    private static String className(ModelConfig c) {
        return switch (c.arch()) {
            case GPT2 -> "GPT2ForSequenceClassification";
            case OPT -> "OPTForSequenceClassification";
            case GPT_NEOX -> "GPTNeoXForSequenceClassification";
            case BLOOM -> "BloomForSequenceClassification";
            case LLAMA -> c.modelType().equals("mistral") ? "MistralForSequenceClassification" : "LlamaForSequenceClassification";
        };
    }
}
