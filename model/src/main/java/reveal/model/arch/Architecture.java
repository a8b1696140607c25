package reveal.model.arch;

import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * What distinguishes one decoder family: its tensor names and layouts and its choice at each seam of
 * {@link DecoderModel} (embeddings, norms, attention projection and positions, FFN, residual form, heads).
 * Adding a family means one subclass and one line in {@link #of}.
 */
abstract class Architecture {

    static Architecture of(ModelConfig config) {
        switch (config.arch()) {
            case GPT2: return new Gpt2();
            case OPT: return new Opt();
            case GPT_NEOX: return new GptNeoX();
            case BLOOM: return new Bloom();
            case LLAMA: return new Llama();
            default: throw new IllegalArgumentException("unsupported architecture " + config.arch());
        }
    }

    /** The stored names a checkpoint may use for the canonical name {@code name}, preferred first. */
    List<String> spellings(String name) {
        return List.of(name);
    }

    /** Requests every parameter from {@code w} and wires the seams. */
    abstract DecoderModel.Parts build(ModelConfig config, Weights w);

    /** {@code name} and, when it starts with {@code prefix}, also {@code alternative} + the rest of it. */
    static List<String> withPrefixAlternative(String name, String prefix, String alternative) {
        return name.startsWith(prefix) ? List.of(name, alternative + name.substring(prefix.length())) : List.of(name);
    }

    /**
     * The output head: for a causal LM the tied embedding or the untied {@code lmHeadName [V, width]}; for a
     * classifier {@code score.weight [C, width]} (no bias).
     */
    static DecoderModel.Head head(ModelConfig c, Weights w, Tensor tokenEmbedding, String lmHeadName, int width) {
        if (c.head() == ModelConfig.Head.SEQUENCE_CLASSIFICATION) {
            return new DecoderModel.Head(null, w.take("score.weight", c.numLabels(), width));
        }
        return new DecoderModel.Head(c.tieWordEmbeddings() ? tokenEmbedding : w.take(lmHeadName, c.vocabSize(), width), null);
    }
}
