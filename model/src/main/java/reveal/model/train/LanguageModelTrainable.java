package reveal.model.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.model.LanguageModel;
import reveal.model.data.Batch;
import reveal.model.io.ModelConfig;

/**
 * A {@link LanguageModel} as the {@link Trainer} trains it, with one of three objectives:
 * <ul>
 * <li>{@linkplain #classifier sequence classification}: the mean cross-entropy of the class logits (pooled at each
 * row's last non-pad token); the prediction is their argmax;</li>
 * <li>{@linkplain #causalLm causal LM}: HF's next-token loss over every real token (the labels are not used by the
 * loss); the prediction of a row is the argmax next token after its second-to-last real token, so an example's
 * label should be its final token id, and "accuracy" is how often the model completes a prompt with its answer;</li>
 * <li>{@linkplain #choices listwise multiple choice} (CSQA): a one-label classifier scores each choice's sequence,
 * the loss is the cross-entropy of the softmax over an example's choice scores, and the prediction the best-scored
 * choice. This is the paper's intended loss; its code applies a second softmax (paper-method.md, bug B5).</li>
 * </ul>
 * Saving writes an HF folder ({@link LanguageModel#save}) that {@link LanguageModel#load} reads back, plus copies of
 * the given tokenizer files (e.g. stories260K's {@code tok512.bin}, which lives outside its HF folder).
 */
public final class LanguageModelTrainable implements Trainable {
    private enum Objective { CLASSIFICATION, CAUSAL_LM, CHOICE }

    private final LanguageModel model;
    private final Objective objective;
    private final int choices;
    private final List<Path> tokenizerFiles;

    private LanguageModelTrainable(LanguageModel model, Objective objective, int choices, List<Path> tokenizerFiles) {
        this.model = model;
        this.objective = objective;
        this.choices = choices;
        this.tokenizerFiles = List.copyOf(tokenizerFiles);
        for (Path f : this.tokenizerFiles) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("tokenizer file " + f + " does not exist");
        }
    }

    /** Trains a sequence classifier (see {@link reveal.model.Classifiers#withNewHead}). */
    public static LanguageModelTrainable classifier(LanguageModel classifier, List<Path> tokenizerFiles) {
        if (classifier.config().head() != ModelConfig.Head.SEQUENCE_CLASSIFICATION) {
            throw new IllegalArgumentException("classifier: " + classifier.config().architecture() + " has no classification head;"
                    + " make one with Classifiers.withNewHead");
        }
        return new LanguageModelTrainable(classifier, Objective.CLASSIFICATION, 0, tokenizerFiles);
    }

    /** Fine-tunes a causal LM on its own text. */
    public static LanguageModelTrainable causalLm(LanguageModel lm, List<Path> tokenizerFiles) {
        if (!lm.decoder().hasLmHead()) throw new IllegalArgumentException("causalLm: " + lm.config().architecture() + " has no LM head");
        return new LanguageModelTrainable(lm, Objective.CAUSAL_LM, 0, tokenizerFiles);
    }

    /**
     * Trains a one-label classifier ({@code Classifiers.withNewHead(lm, List.of(name), seed)}) as a scorer of
     * {@code choices} choices per example, for {@link Trainer#trainChoices}.
     */
    public static LanguageModelTrainable choices(LanguageModel scorer, int choices, List<Path> tokenizerFiles) {
        if (scorer.config().head() != ModelConfig.Head.SEQUENCE_CLASSIFICATION || scorer.config().numLabels() != 1) {
            throw new IllegalArgumentException("choices: a scorer is a classifier with one label; " + scorer.config().architecture()
                    + " has " + (scorer.config().head() == ModelConfig.Head.SEQUENCE_CLASSIFICATION ? scorer.config().numLabels() + " labels" : "no classification head"));
        }
        if (choices < 2) throw new IllegalArgumentException("choices: needs at least 2 choices per example, got " + choices);
        return new LanguageModelTrainable(scorer, Objective.CHOICE, choices, tokenizerFiles);
    }

    public LanguageModel model() {
        return model;
    }

    /**
     * The id to right-pad batches with: the config's pad_token_id, which is also where a classifier stops pooling,
     * else 0 (a causal LM without one: its loss and predictions skip padding by the attention mask).
     */
    public int padId() {
        Integer pad = model.config().padTokenId();
        return pad != null ? pad : 0;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return model.parameters();
    }

    @Override
    public Tensor loss(Batch batch, int[] labels) {
        return switch (objective) {
            case CLASSIFICATION -> model.classLoss(batch.ids(), batch.attentionMask(), labels, null);
            case CAUSAL_LM -> model.lmLoss(batch.ids(), batch.attentionMask(), null);
            case CHOICE -> Functional.crossEntropy(choiceScores(batch), labels);
        };
    }

    @Override
    public int[] predict(Batch batch) {
        return switch (objective) {
            case CLASSIFICATION -> Functional.argmaxRows(model.classLogits(batch.ids(), batch.attentionMask(), null));
            case CAUSAL_LM -> nextTokens(batch);
            case CHOICE -> Functional.argmaxRows(choiceScores(batch));
        };
    }

    /** The score of every choice, {@code [examples, choices]}, from a batch of each example's choices in turn. */
    private Tensor choiceScores(Batch batch) {
        int rows = batch.ids().length;
        if (rows % choices != 0) throw new IllegalArgumentException("choices: a batch of " + rows + " sequences is not whole examples of " + choices + " choices");
        return model.classLogits(batch.ids(), batch.attentionMask(), null).reshape(rows / choices, choices);
    }

    /** Per row, the most likely token after the second-to-last real one: the model's guess of the last token. */
    private int[] nextTokens(Batch batch) {
        int rows = batch.ids().length, length = batch.ids()[0].length;
        int[] at = new int[rows];
        for (int r = 0; r < rows; r++) {
            int last = batch.lastTokenIndex()[r];
            if (last < 1) throw new IllegalArgumentException("causal LM: row " + r + " has " + (last + 1) + " token(s); predicting its last token needs at least 2");
            at[r] = r * length + last - 1;
        }
        Tensor hidden = model.forward(batch.ids(), batch.attentionMask(), null);
        return Functional.argmaxRows(model.lmHead(hidden.reshape(rows * length, hidden.dim(-1)).gatherRows(at)));
    }

    @Override
    public void save(Path dir) {
        model.save(dir);
        try {
            for (Path f : tokenizerFiles) Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot copy the tokenizer files " + tokenizerFiles + ": " + e.getMessage(), e);
        }
    }
}
