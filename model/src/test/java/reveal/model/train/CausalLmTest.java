package reveal.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.model.LanguageModel;
import reveal.model.data.EncodedExample;
import reveal.model.data.Example;
import reveal.model.data.PromptEncoder;
import reveal.model.io.ModelConfig;

/** Causal-LM fine-tuning: stories260K memorises which word ends each name's sentence. */
class CausalLmTest {
    @Test
    void learnsToCompleteSentencesAndSavesALoadableLm(@TempDir Path out) throws IOException {
        List<String> names = List.of("Lily", "Tom", "Sue", "Ben", "Max", "Amy");
        // Single tokens of tok512, all plausible after the same context: only memorising the name tells them apart.
        List<String> words = List.of("mom", "friend", "day", "time", "happy", "big");
        PromptEncoder encoder = PromptEncoder.withPaperPrefix(Stories.TOKENIZER, 32);
        List<EncodedExample> data = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int[] ids = encoder.encode(new Example(names.get(i), List.of(names.get(i) + " " + words.get(i)), 0)).ids();
            data.add(new EncodedExample(ids, ids[ids.length - 1])); // the label: the sentence's last token
        }
        LanguageModelTrainable model = LanguageModelTrainable.causalLm(Stories.freshLm(), List.of(Stories.TOKENIZER_FILE));
        assertEquals(0, model.padId(), "no pad_token_id: pads are masked out");
        Trainer trainer = new Trainer(model, Stories.config().withLearningRate(1e-2).withEpochs(6).withBatchSize(2), model.padId(), out);
        double before = trainer.accuracy(data);
        Trainer.Result r = trainer.train(data, List.of());
        List<Double> loss = r.trainLoss();
        assertTrue(loss.get(5) < 0.8 * loss.get(0), "train loss per epoch " + loss);
        assertTrue(before <= 1.0 / 3, "last-token accuracy before training " + before);
        assertEquals(1.0, r.bestDevAccuracy(), "last-token accuracy per epoch " + r.devAccuracy());

        LanguageModel best = LanguageModel.load(r.bestDir(), Stories.CPU);
        assertEquals(ModelConfig.Head.CAUSAL_LM, best.config().head());
        assertTrue(Files.isRegularFile(r.bestDir().resolve("tok512.bin")));
        assertEquals(1.0, new Trainer(LanguageModelTrainable.causalLm(best, List.of()), Stories.config(), 0, out.resolve("unused")).accuracy(data));
    }
}
