package reveal.eval.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.engine.nn.Functional;
import reveal.eval.faithfulness.NeuronFaithfulness;
import reveal.model.LanguageModel;
import reveal.model.arch.DecoderModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;
import reveal.model.data.Batch;
import reveal.model.data.PromptEncoder;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.ModelConfig;
import reveal.model.train.Trainable;

/**
 * A decoder with a sequence-classification head (Hugging Face's {@code *ForSequenceClassification}: logits of the
 * final hidden state at each row's last real token), as the trainer, the attributions and the neuron tests use it.
 * Built from a pre-trained causal LM with a new head, or loaded from a folder this class saved.
 */
final class Classifier implements Trainable, NeuronFaithfulness.Model {
    /** Hugging Face's {@code initializer_range} default, the std of a new head's weights. */
    static final double HEAD_INIT_STD = 0.02;
    /** Rows per forward pass when only predictions are needed. */
    private static final int EVAL_BATCH = 32;

    /** A pre-trained checkpoint held in memory, from which any number of classifiers can be built. */
    record Pretrained(String configJson, Map<String, HostTensor> weights) {
        static Pretrained load(Path dir) {
            try {
                return new Pretrained(Files.readString(dir.resolve("config.json")), Checkpoint.open(dir).loadAll());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model config in " + dir, e);
            }
        }
    }

    private final LanguageModel lm;
    private final DecoderModel model;
    private final int padId;
    private final FfnPoint point;

    private Classifier(LanguageModel lm, int padId, FfnPoint point) {
        this.lm = lm;
        this.model = lm.decoder();
        this.padId = padId;
        this.point = point;
    }

    /** The pre-trained model with a new {@code [labels, width]} head drawn from N(0, 0.02²) with {@code headSeed}. */
    static Classifier fresh(Pretrained pre, List<String> labels, long headSeed, Backend backend, int padId, FfnPoint point) {
        ModelConfig config = ModelConfig.parse(classifierConfig(pre.configJson(), labels), "classifier config");
        Map<String, HostTensor> tensors = new LinkedHashMap<>(pre.weights());
        tensors.keySet().removeIf(n -> n.equals("lm_head.weight") || n.equals("score.weight"));
        int width = config.arch() == ModelConfig.Arch.OPT ? config.wordEmbedProjDim() : config.hiddenSize();
        float[] head = new float[labels.size() * width];
        Random rnd = new Random(headSeed);
        for (int i = 0; i < head.length; i++) head[i] = (float) (rnd.nextGaussian() * HEAD_INIT_STD);
        tensors.put("score.weight", new HostTensor(new int[] {labels.size(), width}, head));
        return new Classifier(LanguageModel.fromCheckpoint(config, tensors, backend), padId, point);
    }

    /** A classifier saved by {@link #save}. */
    static Classifier load(Path dir, Backend backend, int padId, FfnPoint point) {
        return new Classifier(LanguageModel.load(dir, backend), padId, point);
    }

    /** The causal LM's config turned into its sequence-classification twin with these label names. */
    static String classifierConfig(String causalConfigJson, List<String> labels) {
        Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(causalConfigJson));
        @SuppressWarnings("unchecked")
        List<Object> archs = (List<Object>) m.get("architectures");
        String family = archs == null || archs.isEmpty() ? null : String.valueOf(archs.get(0))
                .replaceAll("(ForCausalLM|LMHeadModel|ForSequenceClassification|Model)$", "");
        if (family == null || family.isEmpty())
            throw new IllegalArgumentException("model config names no architecture (\"architectures\"), so the classifier's cannot be derived");
        m.put("architectures", List.of(family + "ForSequenceClassification"));
        Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(String.valueOf(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        m.put("id2label", id2label);
        m.put("label2id", label2id);
        m.put("num_labels", labels.size());
        return Json.write(m);
    }

    LanguageModel lm() {
        return lm;
    }

    int numLabels() {
        return model.config().numLabels();
    }

    @Override
    public Map<String, Tensor> parameters() {
        return model.parameters();
    }

    /** Class logits {@code [B, C]}, pooled at each row's last real token. */
    Tensor logits(Batch batch, FfnHook hook) {
        return model.classHead(pooled(batch, hook));
    }

    /** Final hidden states {@code [B, width]} at each row's last real token. */
    private Tensor pooled(Batch batch, FfnHook hook) {
        Tensor hidden = model.forward(batch.ids(), batch.attentionMask(), hook, null);
        int rows = batch.ids().length, length = hidden.dim(1), width = hidden.dim(2);
        int[] at = new int[rows];
        for (int r = 0; r < rows; r++) at[r] = r * length + batch.lastTokenIndex()[r];
        return hidden.reshape(rows * length, width).gatherRows(at);
    }

    @Override
    public Tensor loss(Batch batch, int[] labels) {
        return Functional.crossEntropy(logits(batch, null), labels);
    }

    @Override
    public int[] predict(Batch batch) {
        double[] l = logits(batch, null).toDoubleArray();
        int c = numLabels();
        int[] out = new int[batch.ids().length];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int k = 1; k < c; k++) if (l[r * c + k] > l[r * c + best]) best = k;
            out[r] = best;
        }
        return out;
    }

    @Override
    public void save(Path dir) {
        lm.save(dir);
    }

    // ---------------------------------------------------------------- batched inference

    @Override
    public int layers() {
        return model.numLayers();
    }

    @Override
    public int ffnWidth() {
        return model.ffnWidth();
    }

    @Override
    public FfnPoint point() {
        return point;
    }

    @Override
    public double[][] probabilities(List<int[]> batch, FfnHook hook) {
        try (Autograd.Scope s = Autograd.noGrad()) {
            return rows(logits(PromptEncoder.batch(batch, padId, 0), hook).softmax(-1), batch.size());
        }
    }

    /** Class probabilities of any number of sequences. */
    double[][] probabilities(List<int[]> sequences) {
        double[][] out = new double[sequences.size()][];
        for (int from = 0; from < sequences.size(); from += EVAL_BATCH) {
            int to = Math.min(sequences.size(), from + EVAL_BATCH);
            double[][] p = probabilities(sequences.subList(from, to), FfnHook.NONE);
            System.arraycopy(p, 0, out, from, to - from);
        }
        return out;
    }

    /** Final hidden states at the last real token, {@code [sequence][width]}. */
    double[][] lastHidden(List<int[]> sequences) {
        List<double[]> out = new ArrayList<>(sequences.size());
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int from = 0; from < sequences.size(); from += EVAL_BATCH) {
                List<int[]> part = sequences.subList(from, Math.min(sequences.size(), from + EVAL_BATCH));
                double[][] h = rows(pooled(PromptEncoder.batch(part, padId, 0), FfnHook.NONE), part.size());
                out.addAll(List.of(h));
            }
        }
        return out.toArray(double[][]::new);
    }

    private static double[][] rows(Tensor t, int n) {
        double[] flat = t.toDoubleArray();
        int width = flat.length / n;
        double[][] out = new double[n][width];
        for (int r = 0; r < n; r++) System.arraycopy(flat, r * width, out[r], 0, width);
        return out;
    }
}
