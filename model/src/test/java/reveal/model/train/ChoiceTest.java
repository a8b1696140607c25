package reveal.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.data.Batch;
import reveal.model.data.ChoiceExample;
import reveal.model.data.EncodedChoices;
import reveal.model.data.PromptEncoder;

/** Listwise multiple choice: one score per choice, a single softmax over an example's choices. */
class ChoiceTest {
    private static final List<String> NAMES = List.of("Lily", "Tom", "Sue", "Ben", "Max", "Amy", "Tim", "Mia");
    private static final List<String> WORDS = List.of("sad", "happy", "angry");

    /** "Who is sad?": three sentences about one name, the answer is the one with "sad"; its position rotates. */
    private static List<EncodedChoices> examples() {
        PromptEncoder encoder = PromptEncoder.withPaperPrefix(Stories.TOKENIZER, 32);
        List<EncodedChoices> out = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            List<List<String>> choices = new ArrayList<>();
            int answer = i % 3;
            for (int j = 0; j < 3; j++) choices.add(List.of(NAMES.get(i) + " was " + WORDS.get((j - answer + 3) % 3) + "."));
            out.add(new EncodedChoices(encoder.encodeChoices(new ChoiceExample(NAMES.get(i), choices, answer)), answer));
        }
        return out;
    }

    @Test
    void lossIsOneSoftmaxOverTheChoiceScores() {
        LanguageModel scorer = Classifiers.withNewHead(Stories.LM, List.of("score"), 4);
        LanguageModelTrainable model = LanguageModelTrainable.choices(scorer, 3, List.of());
        List<EncodedChoices> data = examples().subList(0, 2);
        List<int[]> rows = new ArrayList<>();
        for (EncodedChoices e : data) rows.addAll(List.of(e.choices()));
        Batch batch = PromptEncoder.batch(rows, model.padId(), 0);
        double[] s = scorer.classLogits(batch.ids(), batch.attentionMask(), null).toDoubleArray();
        double expected = 0;
        for (int b = 0; b < 2; b++) {
            double max = Math.max(s[3 * b], Math.max(s[3 * b + 1], s[3 * b + 2]));
            double sum = 0;
            for (int j = 0; j < 3; j++) sum += Math.exp(s[3 * b + j] - max);
            expected += (Math.log(sum) + max - s[3 * b + data.get(b).answer()]) / 2;
        }
        assertEquals(expected, model.loss(batch, new int[] {data.get(0).answer(), data.get(1).answer()}).item(), 1e-5);
    }

    @Test
    void learnsToPickTheRightChoice(@TempDir Path out) {
        LanguageModelTrainable model = LanguageModelTrainable.choices(Classifiers.withNewHead(Stories.LM, List.of("score"), 4), 3, List.of());
        List<EncodedChoices> data = examples();
        Trainer trainer = new Trainer(model, Stories.config().withEpochs(3), model.padId(), out);
        double before = trainer.choiceAccuracy(data);
        Trainer.Result r = trainer.trainChoices(data.subList(0, 5), data.subList(5, 8));
        assertTrue(r.trainLoss().get(2) < 0.5 * r.trainLoss().get(0), "train loss per epoch " + r.trainLoss());
        assertTrue(before < 0.5, "accuracy before training " + before);
        assertEquals(1.0, trainer.choiceAccuracy(data));
    }

    @Test
    void needsAOneLabelScorer() {
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainable.choices(Classifiers.withNewHead(Stories.LM, Stories.LABELS, 1), 3, List.of()));
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainable.choices(Stories.LM, 3, List.of()));
    }
}
