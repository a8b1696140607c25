package reveal.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;
import reveal.model.io.ModelConfig;

/** Turning language models into classifiers, and the two training objectives of {@link LanguageModelTrainable}. */
class ClassifiersTest {
    private static final int[][] IDS = {{1, 410, 457, 421, 412, 288}, {1, 301, 425, 411, 2, 2}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}};

    @Test
    void causalLmBecomesAClassifierWithEveryBackboneTensorAndAFreshHead() {
        LanguageModel base = Stories.LM;
        LanguageModel cls = Classifiers.withNewHead(base, List.of("a", "b", "c"), 5);
        ModelConfig c = cls.config();
        assertEquals(ModelConfig.Head.SEQUENCE_CLASSIFICATION, c.head());
        assertEquals("LlamaForSequenceClassification", c.architecture());
        assertEquals(List.of("a", "b", "c"), c.labels());
        assertEquals(null, base.config().padTokenId());
        assertEquals(2, c.padTokenId(), "no pad_token_id in stories260K's config: EOS pads");

        Map<String, Tensor> backbone = base.parameters();
        assertEquals(backbone.size() + 1, cls.parameters().size());
        for (Map.Entry<String, Tensor> e : backbone.entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), cls.parameters().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertArrayEquals(base.forward(IDS, MASK, null).toFloatArray(), cls.forward(IDS, MASK, null).toFloatArray());

        Tensor head = cls.parameters().get("score.weight");
        assertArrayEquals(new int[] {3, 64}, head.shape());
        double[] w = head.toDoubleArray();
        double sum = 0, squares = 0;
        for (double x : w) {
            sum += x;
            squares += x * x;
        }
        double mean = sum / w.length, std = Math.sqrt(squares / w.length - mean * mean);
        // 192 draws of N(0, 0.02²): the sample std is within 3 standard errors (0.02 / sqrt(2 * 192) = 0.001).
        assertEquals(0.02, std, 0.003);
        assertEquals(0, mean, 3 * 0.02 / Math.sqrt(w.length));
        assertArrayEquals(head.toFloatArray(), Classifiers.withNewHead(base, List.of("a", "b", "c"), 5).parameters().get("score.weight").toFloatArray());
        assertFalse(java.util.Arrays.equals(head.toFloatArray(),
                Classifiers.withNewHead(base, List.of("a", "b", "c"), 6).parameters().get("score.weight").toFloatArray()));
    }

    @Test
    void aClassifierGetsANewHeadOfItsOutputWidthAndKeepsItsPadId() {
        // OPT with project_out: the head reads 24-wide states, not the 48-wide hidden size.
        LanguageModel original = LanguageModel.load(Golden.folder("opt_postln_proj_cls"), Stories.CPU);
        LanguageModel reheaded = Classifiers.withNewHead(original, List.of("x", "y", "z"), 1);
        assertEquals(1, reheaded.config().padTokenId());
        assertEquals("OPTForSequenceClassification", reheaded.config().architecture());
        Tensor score = reheaded.parameters().get("score.weight");
        assertArrayEquals(new int[] {3, 24}, score.shape());
        assertFalse(java.util.Arrays.equals(original.parameters().get("score.weight").toFloatArray(), score.toFloatArray()));
        // With the old head put back, the logits are the original model's exactly: nothing else changed.
        score.assign(original.parameters().get("score.weight"));
        int[][] ids = {{2, 5, 9, 17, 33, 1}, {2, 40, 41, 1, 1, 1}};
        int[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}};
        assertArrayEquals(original.classLogits(ids, mask, null).toFloatArray(), reheaded.classLogits(ids, mask, null).toFloatArray());
    }

    @Test
    void causalOptKeepsItsOwnPadId() {
        LanguageModel cls = Classifiers.withNewHead(LanguageModel.load(Golden.folder("opt_postln_proj"), Stories.CPU), List.of("no", "yes"), 1);
        assertEquals(1, cls.config().padTokenId());
        assertEquals(List.of("no", "yes"), cls.config().labels());
    }

    @Test
    void savedClassifierIsAnHfFolderThatLoadsBackIdentically(@TempDir Path dir) throws IOException {
        LanguageModelTrainable model = LanguageModelTrainable.classifier(Classifiers.withNewHead(Stories.LM, Stories.LABELS, 3), List.of(Stories.TOKENIZER_FILE));
        model.save(dir);
        Map<String, Object> json = Json.parseObject(Files.readString(dir.resolve("config.json")));
        assertEquals(List.of("LlamaForSequenceClassification"), json.get("architectures"));
        assertEquals(2L, json.get("pad_token_id"));
        assertEquals(Map.of("0", "glad", "1", "sad"), json.get("id2label"));
        assertArrayEquals(Files.readAllBytes(Stories.TOKENIZER_FILE), Files.readAllBytes(dir.resolve("tok512.bin")));

        LanguageModel loaded = LanguageModel.load(dir, Stories.CPU);
        assertEquals(model.model().config(), loaded.config());
        assertEquals(Stories.weights(model).keySet(), Stories.weights(LanguageModelTrainable.classifier(loaded, List.of())).keySet());
        assertArrayEquals(model.model().classLogits(IDS, MASK, null).toFloatArray(), loaded.classLogits(IDS, MASK, null).toFloatArray());
    }

    @Test
    void badLabelsAndWrongObjectivesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Classifiers.withNewHead(Stories.LM, List.of(), 1));
        IllegalArgumentException repeat = assertThrows(IllegalArgumentException.class, () -> Classifiers.withNewHead(Stories.LM, List.of("a", "a"), 1));
        assertTrue(repeat.getMessage().contains("repeat"), repeat.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainable.classifier(Stories.LM, List.of()));
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainable.causalLm(Classifiers.withNewHead(Stories.LM, Stories.LABELS, 1), List.of()));
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainable.classifier(Classifiers.withNewHead(Stories.LM, Stories.LABELS, 1), List.of(Path.of("no-such-tok.bin"))));
    }
}
