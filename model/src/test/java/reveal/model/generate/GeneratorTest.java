package reveal.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.io.Checkpoint;
import reveal.model.io.ModelConfig;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;

/**
 * The real stories260K model (src/test/resources/stories260K, MIT) reproduces llama2.c's documented greedy outputs,
 * from its HF-layout copy and from the original .bin; sampling follows its parameters and seed.
 */
class GeneratorTest {
    private static final Backend CPU = new CpuBackend(2);

    private static Path resource(String name) {
        try {
            return Path.of(GeneratorTest.class.getResource("/stories260K/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource stories260K/" + name, e);
        }
    }

    private static Map<String, Object> reference(String name) throws IOException {
        return Json.parseObject(Files.readString(resource(name)));
    }

    @Test
    void greedyFromBosReproducesLlama2c() throws IOException {
        Map<String, Object> ref = reference("reference_greedy_bos_256.json");
        int[] expected = Json.ints(ref.get("generated_ids"));
        for (Backend backend : List.of(CPU, ReferenceBackend.INSTANCE)) {
            LanguageModel model = LanguageModel.load(resource("hf_llama_layout"), backend);
            assertArrayEquals(expected, new Generator(model).generate(new int[0], 256, Sampling.greedy()), backend.name());
        }
    }

    @Test
    void greedyFromPromptReproducesLlama2cFromTheOriginalCheckpoint() throws IOException {
        Map<String, Object> ref = reference("reference_greedy_prompt_Zoo_60.json");
        int[] prompt = Json.ints(ref.get("prompt_ids_with_bos"));
        int[] expected = Json.ints(ref.get("ids_after_bos"));
        int steps = ((Number) ref.get("steps")).intValue();
        LanguageModel model = LanguageModel.loadLlama2c(resource("stories260K.bin"), CPU);
        int[] generated = new Generator(model).generate(prompt, steps - (prompt.length - 1), Sampling.greedy());
        int[] afterBos = new int[steps];
        System.arraycopy(prompt, 1, afterBos, 0, prompt.length - 1);
        System.arraycopy(generated, 0, afterBos, prompt.length - 1, generated.length);
        assertArrayEquals(expected, afterBos);
    }

    @Test
    void textRoundTripsThroughTheLlama2cTokenizer() throws IOException {
        Tokenizer tokenizer = Tokenizers.llama2c(resource("tok512.bin"));
        Map<String, Object> zoo = reference("reference_greedy_prompt_Zoo_60.json");
        int[] withBos = Json.ints(zoo.get("prompt_ids_with_bos"));
        assertArrayEquals(Arrays.copyOfRange(withBos, 1, withBos.length), tokenizer.encode((String) zoo.get("prompt")));
        LanguageModel model = LanguageModel.load(resource("hf_llama_layout"), CPU);
        int[] generated = new Generator(model).generate(new int[] {tokenizer.bosId()}, 256, Sampling.greedy());
        assertEquals(reference("reference_greedy_bos_256.json").get("generated_text"), tokenizer.decode(generated));
    }

    @Test
    @SuppressWarnings("unchecked")
    void firstLogitsMatchTheReferenceToFourDigits() throws IOException {
        Map<String, Object> ref = reference("reference_greedy_bos_256.json");
        List<Object> positions = (List<Object>) ref.get("first_positions_top5_logits");
        int[] ids = new int[positions.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = ((Number) ((Map<String, Object>) positions.get(i)).get("input_token")).intValue();
        LanguageModel hf = LanguageModel.load(resource("hf_llama_layout"), CPU);
        LanguageModel bin = LanguageModel.loadLlama2c(resource("stories260K.bin"), CPU);
        double[] logits = hf.lmLogits(new int[][] {ids}, null, null).toDoubleArray();
        assertArrayEquals(logits, bin.lmLogits(new int[][] {ids}, null, null).toDoubleArray(), 1e-4, "HF layout and llama2.c file");
        int vocab = hf.config().vocabSize();
        for (int p = 0; p < ids.length; p++) {
            for (Object o : (List<Object>) ((Map<String, Object>) positions.get(p)).get("top5")) {
                Map<String, Object> top = (Map<String, Object>) o;
                double expected = ((Number) top.get("logit")).doubleValue();
                double actual = logits[p * vocab + ((Number) top.get("id")).intValue()];
                assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-4, "position " + p + " token " + top.get("id"));
            }
        }
    }

    @Test
    void embeddedModelIsStories260K() {
        LanguageModel embedded = EmbeddedModel.load(CPU);
        LanguageModel test = LanguageModel.load(resource("hf_llama_layout"), CPU);
        int[][] ids = {{1, 403, 407, 261}};
        assertArrayEquals(test.lmLogits(ids, null, null).toFloatArray(), embedded.lmLogits(ids, null, null).toFloatArray());
        assertTrue(Files.isRegularFile(EmbeddedModel.stories260K().resolve("tok512.bin")));
    }

    @Test
    void samplingIsSeededAndRespectsItsLimits() {
        LanguageModel model = LanguageModel.load(resource("hf_llama_layout"), CPU);
        Generator g = new Generator(model);
        int[] prompt = {1, 403};
        int[] a = g.generate(prompt, 40, Sampling.sample(1.0, 0, 1.0, 42));
        assertArrayEquals(a, g.generate(prompt, 40, Sampling.sample(1.0, 0, 1.0, 42)), "same seed, same tokens");
        assertNotEquals(Arrays.toString(a), Arrays.toString(g.generate(prompt, 40, Sampling.sample(1.0, 0, 1.0, 43))));
        int[] greedy = g.generate(prompt, 40, Sampling.greedy());
        assertArrayEquals(greedy, g.generate(prompt, 40, Sampling.sample(1.7, 1, 1.0, 5)), "top-k 1 is greedy");
        assertArrayEquals(greedy, g.generate(prompt, 40, Sampling.sample(0.8, 0, 1e-9, 5)), "a tiny top-p keeps only the best token");
        int[] streamed = new int[3];
        int[] count = {0};
        int[] out = g.generate(prompt, 3, Sampling.greedy(), t -> streamed[count[0]++] = t);
        assertArrayEquals(out, streamed, "each token is streamed");
        assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {512}, 1, Sampling.greedy()));
    }

    /** stories260K with its config's eos_token_id replaced by {@code eos} (JSON: an id, a list, or null). */
    private static LanguageModel withEos(String eos) throws IOException {
        Path dir = resource("hf_llama_layout");
        String json = Files.readString(dir.resolve("config.json")).replaceFirst("\"eos_token_id\": 2", "\"eos_token_id\": " + eos);
        return LanguageModel.fromCheckpoint(ModelConfig.parse(json, "stories260K eos " + eos), Checkpoint.open(dir).loadAll(), CPU);
    }

    @Test
    void stopsAtEosAndAtThePositionLimit() throws IOException {
        // greedy from BOS starts " Once upon a"; with " a" (261) as an EOS token generation ends there, EOS included
        assertArrayEquals(new int[] {403, 407, 261}, new Generator(withEos("[2, 261]")).generate(new int[0], 50, Sampling.greedy()));
        // without EOS it runs until all 512 positions are used: 511 fed tokens after BOS, the last one only predicted
        LanguageModel endless = withEos("null");
        assertEquals(512, new Generator(endless).generate(new int[0], 600, Sampling.greedy()).length);
        assertEquals(12, new Generator(endless).generate(new int[] {1, 403, 407}, 12, Sampling.greedy()).length, "max new tokens");
    }

    @Test
    void topKAndTopPSampleFromTheRightSets() {
        double[] logits = {2.0, 1.0, 0.5, 0.4, -1.0, 2.0};
        // softmax: ids 0 and 5 each 0.352, id 1 0.129, id 2 0.078, id 3 0.071, id 4 0.018
        SplittableRandom random = new SplittableRandom(1);
        int[] counts = new int[logits.length];
        Sampling topK = Sampling.sample(1.0, 2, 1.0, 0);
        for (int i = 0; i < 4000; i++) counts[Generator.choose(logits, topK, random)]++;
        assertEquals(0, counts[1] + counts[2] + counts[3] + counts[4], "top-2 keeps the two tied best");
        assertEquals(0.5, counts[0] / 4000.0, 0.03);
        Arrays.fill(counts, 0);
        Sampling topP = Sampling.sample(1.0, 0, 0.75, 0);
        for (int i = 0; i < 4000; i++) counts[Generator.choose(logits, topP, random)]++;
        // 0.352 + 0.352 < 0.75, so id 1 is needed as well; 0.833 >= 0.75 stops there
        assertEquals(0, counts[2] + counts[3] + counts[4], "top-p 0.75 keeps ids 0, 5 and 1");
        assertEquals(Math.exp(-1) / (2 + Math.exp(-1)), counts[1] / 4000.0, 0.03);
        Arrays.fill(counts, 0);
        for (int i = 0; i < 4000; i++) counts[Generator.choose(logits, Sampling.sample(1.0, 0, 0.7, 0), random)]++;
        assertEquals(0, counts[1] + counts[2] + counts[3] + counts[4], "top-p 0.7 is reached by ids 0 and 5 (0.704)");
        Arrays.fill(counts, 0);
        Sampling hot = Sampling.sample(1.0, 0, 1.0, 0);
        for (int i = 0; i < 20000; i++) counts[Generator.choose(logits, hot, random)]++;
        double z = 0;
        for (double l : logits) z += Math.exp(l);
        for (int i = 0; i < logits.length; i++) assertEquals(Math.exp(logits[i]) / z, counts[i] / 20000.0, 0.015, "frequency of " + i);
        assertEquals(0, Generator.choose(logits, Sampling.greedy(), random), "greedy takes the first of tied maxima");
    }
}
