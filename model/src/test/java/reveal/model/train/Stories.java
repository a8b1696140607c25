package reveal.model.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.cpu.CpuBackend;
import reveal.model.Classifiers;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.data.EncodedExample;
import reveal.model.data.PromptEncoder;
import reveal.model.data.Example;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;

/**
 * The embedded stories260K (MIT) and a small task it learns in seconds: "NAME was WORD." (about 10 tokens after the
 * BOS prefix) is label 0 for a glad word and 1 for a sad one; dev sentences pair names and words unlike training.
 */
final class Stories {
    /** One thread: runs are bit-for-bit repeatable and leave the other core to the rest of the build. */
    static final Backend CPU = new CpuBackend(1);
    static final Path TOKENIZER_FILE = EmbeddedModel.stories260K().resolve("tok512.bin");
    static final Tokenizer TOKENIZER = Tokenizers.llama2c(TOKENIZER_FILE);
    static final LanguageModel LM = LanguageModel.load(EmbeddedModel.stories260K().resolve("hf_llama_layout"), CPU);
    static final List<String> LABELS = List.of("glad", "sad");
    static final List<EncodedExample> TRAIN, DEV;

    static {
        List<String> names = List.of("Lily", "Tom", "Sue", "Ben", "Max", "Amy");
        List<String> glad = List.of("happy", "glad"), sad = List.of("sad", "angry");
        List<EncodedExample> all = new ArrayList<>();
        PromptEncoder encoder = PromptEncoder.withPaperPrefix(TOKENIZER, 32);
        for (String name : names) {
            for (int label = 0; label < 2; label++) {
                for (String word : label == 0 ? glad : sad) {
                    all.add(encoder.encode(new Example(name + "-" + word, List.of(name + " was " + word + "."), label)));
                }
            }
        }
        Collections.shuffle(all, new Random(7));
        TRAIN = List.copyOf(all.subList(0, 16));
        DEV = List.copyOf(all.subList(16, all.size()));
    }

    private Stories() {
    }

    /** A private copy of the language model, for tests that change its weights. */
    static LanguageModel freshLm() {
        return LanguageModel.load(EmbeddedModel.stories260K().resolve("hf_llama_layout"), CPU);
    }

    static LanguageModelTrainable classifier(long headSeed) {
        return LanguageModelTrainable.classifier(Classifiers.withNewHead(LM, LABELS, headSeed), List.of(TOKENIZER_FILE));
    }

    static TrainerConfig config() {
        return TrainerConfig.defaults().withLearningRate(3e-3).withEpochs(4).withBatchSize(4).withQuiet(true);
    }

    /** Every parameter's values, by name. */
    static java.util.Map<String, float[]> weights(Trainable model) {
        java.util.Map<String, float[]> out = new java.util.TreeMap<>();
        for (java.util.Map.Entry<String, Tensor> e : model.parameters().entrySet()) out.put(e.getKey(), e.getValue().toFloatArray());
        return out;
    }
}
