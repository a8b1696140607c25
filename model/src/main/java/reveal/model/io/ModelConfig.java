package reveal.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/**
 * A Hugging Face {@code config.json} normalised across the supported decoder families: every size, flag and token id
 * an implementation needs, with HF's defaults and aliases applied (transformers v4.36 - v4.5x semantics; see
 * {@code shared/fixtures/README.md} section 3). Fields that a family does not have take the neutral value noted
 * beside them.
 *
 * @param arch               the implementation family; {@code mistral} configs normalise to {@link Arch#LLAMA}
 * @param modelType          {@code model_type} as written
 * @param architecture       {@code architectures[0]}, or null when absent
 * @param head               causal LM or sequence classification (from {@code architectures[0]})
 * @param headDim            per-head size (Llama {@code head_dim}; hidden / heads elsewhere)
 * @param numKvHeads         key/value heads (= numHeads except Llama GQA)
 * @param intermediateSize   FFN inner size (GPT-2 {@code n_inner} null -> 4 * hidden; BLOOM always 4 * hidden)
 * @param maxPositions       learned position table / context length; 0 for BLOOM (ALiBi)
 * @param activation         HF activation name: gelu_new, relu, gelu, silu, ...; BLOOM's fixed one is "bloom_gelu"
 * @param normEps            LayerNorm / RMSNorm epsilon (OPT: always 1e-5)
 * @param attentionBias      biases on the attention projections (GPT-2, BLOOM: true; OPT: enable_bias)
 * @param mlpBias            biases on the FFN projections (GPT-2, NeoX, BLOOM: true; OPT: enable_bias)
 * @param normAffine         norms have weight/bias (false only for OPT layer_norm_elementwise_affine = false)
 * @param preNorm            pre-LN blocks (false only for OPT do_layer_norm_before = false)
 * @param finalNorm          a final norm exists (false for OPT post-LN or _remove_final_layer_norm)
 * @param wordEmbedProjDim   OPT word_embed_proj_dim (embedding width; project_in/out when != hidden); hidden elsewhere
 * @param rotaryFraction     fraction of each head that gets RoPE (NeoX rotary_pct, Llama 1, else 0)
 * @param ropeTheta          RoPE base (NeoX rotary_emb_base, Llama rope_theta; 0 without RoPE)
 * @param parallelResidual   NeoX use_parallel_residual (false elsewhere)
 * @param residualFromNormed BLOOM apply_residual_connection_post_layernorm (false elsewhere)
 * @param scaleAttnWeights   GPT-2 scale_attn_weights (true elsewhere: every family scales by hd^-0.5)
 * @param scaleAttnByInverseLayerIdx GPT-2 only
 * @param slidingWindow      Mistral attention window; 0 = unlimited
 * @param padTokenId         null when the config has none
 * @param bosTokenId         null when the config has none
 * @param eosTokenIds        one or several ids, empty when none
 * @param labels             class names by id: id2label, else num_labels (HF default 2) names LABEL_i
 */
public record ModelConfig(
        Arch arch, String modelType, String architecture, Head head,
        int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim,
        int intermediateSize, int maxPositions, String activation, double normEps,
        boolean tieWordEmbeddings, boolean attentionBias, boolean mlpBias, boolean normAffine,
        boolean preNorm, boolean finalNorm, int wordEmbedProjDim,
        double rotaryFraction, double ropeTheta, boolean parallelResidual, boolean residualFromNormed,
        boolean scaleAttnWeights, boolean scaleAttnByInverseLayerIdx, int slidingWindow,
        Integer padTokenId, Integer bosTokenId, List<Integer> eosTokenIds, List<String> labels) {

    public enum Arch { GPT2, OPT, GPT_NEOX, BLOOM, LLAMA }

    public enum Head { CAUSAL_LM, SEQUENCE_CLASSIFICATION }

    static final List<String> SUPPORTED = List.of("gpt2", "opt", "gpt_neox", "bloom", "llama", "mistral");

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        labels = List.copyOf(labels);
    }

    public int numLabels() {
        return labels.size();
    }

    /** Dimensions of each head that RoPE rotates (HF: int(head_size * rotary_pct)). */
    public int rotaryDim() {
        return (int) (headDim * rotaryFraction);
    }

    public static ModelConfig read(Path configJson) {
        try {
            return parse(Files.readString(configJson), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(configJson + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses config.json text; {@code source} names it in errors. */
    public static ModelConfig parse(String json, String source) {
        Map<String, Object> map;
        try {
            map = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        ConfigFields f = new ConfigFields(map, source);
        String modelType = f.stringOr(null, "model_type");
        if (modelType == null) throw f.error("no model_type (supported: " + String.join(", ", SUPPORTED) + ")");
        String architecture = architecture(f);
        Head head = head(f, architecture);
        List<String> labels = labels(f);
        ModelConfig c;
        switch (modelType) {
            case "gpt2": c = gpt2(f, architecture, head, labels); break;
            case "opt": c = opt(f, architecture, head, labels); break;
            case "gpt_neox": c = gptNeox(f, architecture, head, labels); break;
            case "bloom": c = bloom(f, architecture, head, labels); break;
            case "llama": case "mistral": c = llama(f, modelType, architecture, head, labels); break;
            default:
                throw f.error("unsupported model_type '" + modelType + "' (supported: " + String.join(", ", SUPPORTED) + ")");
        }
        positive(f, "vocab_size", c.vocabSize);
        positive(f, "number of layers", c.numLayers);
        positive(f, "FFN size", c.intermediateSize);
        positive(f, "word_embed_proj_dim", c.wordEmbedProjDim);
        if (c.maxPositions < 0) throw f.error("max positions must not be negative, got " + c.maxPositions);
        if (c.slidingWindow < 0) throw f.error("sliding_window must not be negative, got " + c.slidingWindow);
        return c;
    }

    // GPT2Config.attribute_map makes hidden_size, num_hidden_layers, num_attention_heads, max_position_embeddings
    // aliases; HF sets them after the named fields, so an alias wins when both are written.
    private static ModelConfig gpt2(ConfigFields f, String architecture, Head head, List<String> labels) {
        int hidden = f.requiredInt("hidden_size", "n_embd");
        int heads = f.requiredInt("num_attention_heads", "n_head");
        return new ModelConfig(Arch.GPT2, "gpt2", architecture, head,
                f.requiredInt("vocab_size"), hidden, f.requiredInt("num_hidden_layers", "n_layer"), heads, heads,
                headDim(f, hidden, heads), f.intOr(4 * hidden, "n_inner"),
                f.requiredInt("max_position_embeddings", "n_positions"),
                f.stringOr("gelu_new", "activation_function"), f.doubleOr(1e-5, "layer_norm_epsilon"),
                f.boolOr(true, "tie_word_embeddings"), true, true, true, true, true, hidden,
                0, 0, false, false,
                f.boolOr(true, "scale_attn_weights"), f.boolOr(false, "scale_attn_by_inverse_layer_idx"), 0,
                f.tokenId("pad_token_id", null), f.tokenId("bos_token_id", 50256),
                f.tokenIds("eos_token_id", List.of(50256)), labels);
    }

    private static ModelConfig opt(ConfigFields f, String architecture, Head head, List<String> labels) {
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        boolean preNorm = f.boolOr(true, "do_layer_norm_before");
        boolean enableBias = f.boolOr(true, "enable_bias");
        return new ModelConfig(Arch.OPT, "opt", architecture, head,
                f.requiredInt("vocab_size"), hidden, f.requiredInt("num_hidden_layers"), heads, heads,
                headDim(f, hidden, heads), f.requiredInt("ffn_dim"), f.requiredInt("max_position_embeddings"),
                f.stringOr("relu", "activation_function"), 1e-5,
                f.boolOr(true, "tie_word_embeddings"), enableBias, enableBias,
                f.boolOr(true, "layer_norm_elementwise_affine"), preNorm,
                preNorm && !f.boolOr(false, "_remove_final_layer_norm"), f.intOr(hidden, "word_embed_proj_dim"),
                0, 0, false, false, true, false, 0,
                f.tokenId("pad_token_id", 1), f.tokenId("bos_token_id", 2), f.tokenIds("eos_token_id", List.of(2)),
                labels);
    }

    // rotary_pct / rotary_emb_base are the v4.36 names; later versions also write partial_rotary_factor /
    // rope_theta, but still take rotary_pct / rotary_emb_base when present.
    private static ModelConfig gptNeox(ConfigFields f, String architecture, Head head, List<String> labels) {
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        int headDim = headDim(f, hidden, heads);
        double fraction = f.doubleOr(0.25, "rotary_pct", "partial_rotary_factor");
        if (!(fraction >= 0 && fraction <= 1)) throw f.error("rotary_pct must be in [0, 1], got " + fraction);
        return new ModelConfig(Arch.GPT_NEOX, "gpt_neox", architecture, head,
                f.requiredInt("vocab_size"), hidden, f.requiredInt("num_hidden_layers"), heads, heads, headDim,
                f.requiredInt("intermediate_size"), f.intOr(2048, "max_position_embeddings"),
                f.stringOr("gelu", "hidden_act"), f.doubleOr(1e-5, "layer_norm_eps"),
                f.boolOr(false, "tie_word_embeddings"), f.boolOr(true, "attention_bias"), true, true, true, true, hidden,
                fraction, f.doubleOr(10000, "rotary_emb_base", "rope_theta"),
                f.boolOr(true, "use_parallel_residual"), false, true, false, 0,
                f.tokenId("pad_token_id", null), f.tokenId("bos_token_id", 0), f.tokenIds("eos_token_id", List.of(2)),
                labels);
    }

    // BloomConfig pops the legacy n_embed, which wins over hidden_size; its attribute_map makes num_hidden_layers /
    // num_attention_heads aliases of n_layer / n_head that win when both are written.
    private static ModelConfig bloom(ConfigFields f, String architecture, Head head, List<String> labels) {
        int hidden = f.requiredInt("n_embed", "hidden_size");
        int heads = f.requiredInt("num_attention_heads", "n_head");
        return new ModelConfig(Arch.BLOOM, "bloom", architecture, head,
                f.requiredInt("vocab_size"), hidden, f.requiredInt("num_hidden_layers", "n_layer"), heads, heads,
                headDim(f, hidden, heads), 4 * hidden, 0, "bloom_gelu", f.doubleOr(1e-5, "layer_norm_epsilon"),
                f.boolOr(true, "tie_word_embeddings"), true, true, true, true, true, hidden,
                0, 0, false, f.boolOr(false, "apply_residual_connection_post_layernorm"), true, false, 0,
                f.tokenId("pad_token_id", null), f.tokenId("bos_token_id", 1), f.tokenIds("eos_token_id", List.of(2)),
                labels);
    }

    private static ModelConfig llama(ConfigFields f, String modelType, String architecture, Head head,
                                     List<String> labels) {
        if (f.has("rope_scaling")) {
            throw f.error("rope_scaling " + Json.write(f.raw("rope_scaling")) + " is not supported (only null)");
        }
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        int kvHeads = f.intOr(heads, "num_key_value_heads");
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw f.error("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim = f.has("head_dim") ? positive(f, "head_dim", f.requiredInt("head_dim")) : headDim(f, hidden, heads);
        boolean mistral = modelType.equals("mistral");
        // MistralConfig defaults sliding_window to 4096; an explicit null means full attention
        int window = mistral ? (f.hasKey("sliding_window") ? f.intOr(0, "sliding_window") : 4096) : 0;
        return new ModelConfig(Arch.LLAMA, modelType, architecture, head,
                f.requiredInt("vocab_size"), hidden, f.requiredInt("num_hidden_layers"), heads, kvHeads, headDim,
                f.requiredInt("intermediate_size"), f.intOr(mistral ? 4096 * 32 : 2048, "max_position_embeddings"),
                f.stringOr("silu", "hidden_act"), f.doubleOr(1e-6, "rms_norm_eps"),
                f.boolOr(false, "tie_word_embeddings"), f.boolOr(false, "attention_bias"), f.boolOr(false, "mlp_bias"),
                true, true, true, hidden, 1, f.doubleOr(10000, "rope_theta"), false, false, true, false, window,
                f.tokenId("pad_token_id", null), f.tokenId("bos_token_id", 1), f.tokenIds("eos_token_id", List.of(2)),
                labels);
    }

    private static int headDim(ConfigFields f, int hidden, int heads) {
        positive(f, "hidden size", hidden);
        positive(f, "number of attention heads", heads);
        if (hidden % heads != 0) throw f.error("hidden size " + hidden + " is not divisible by " + heads + " heads");
        return hidden / heads;
    }

    private static int positive(ConfigFields f, String what, int value) {
        if (value <= 0) throw f.error(what + " must be positive, got " + value);
        return value;
    }

    private static String architecture(ConfigFields f) {
        Object archs = f.raw("architectures");
        if (archs == null) return null;
        if (!(archs instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof String first)) {
            throw f.error("architectures must be a non-empty list of class names, got " + Json.write(archs));
        }
        return first;
    }

    /** *ForSequenceClassification is a classifier; causal-LM and bare-backbone classes serve as language models. */
    private static Head head(ConfigFields f, String architecture) {
        if (architecture == null) return Head.CAUSAL_LM;
        if (architecture.endsWith("ForSequenceClassification")) return Head.SEQUENCE_CLASSIFICATION;
        if (architecture.endsWith("ForCausalLM") || architecture.endsWith("LMHeadModel")
                || architecture.endsWith("Model")) {
            return Head.CAUSAL_LM;
        }
        throw f.error("architecture " + architecture + " is not supported (want *ForCausalLM, *LMHeadModel, *Model"
                + " or *ForSequenceClassification)");
    }

    /** HF: id2label when present (num_labels is then ignored), else num_labels (default 2) names LABEL_i. */
    private static List<String> labels(ConfigFields f) {
        Object id2label = f.raw("id2label");
        if (id2label == null) {
            int n = f.intOr(2, "num_labels");
            if (n < 0) throw f.error("num_labels must be non-negative, got " + n);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) out.add("LABEL_" + i);
            return out;
        }
        if (!(id2label instanceof Map<?, ?> map)) throw f.error("id2label must be an object, got " + Json.write(id2label));
        String[] out = new String[map.size()];
        for (Map.Entry<?, ?> e : map.entrySet()) {
            int id;
            try {
                id = Integer.parseInt((String) e.getKey());
            } catch (NumberFormatException ex) {
                id = -1;
            }
            if (id < 0 || id >= out.length || out[id] != null || !(e.getValue() instanceof String name)) {
                throw f.error("id2label must map the ids 0.." + (out.length - 1) + " once each to names; bad entry "
                        + Json.write(e.getKey()) + ": " + Json.write(e.getValue()));
            }
            out[id] = name;
        }
        return List.of(out);
    }

    // ---- writing ----

    /** An HF-compatible config.json for this model (weights saved as float32). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (architecture != null) m.put("architectures", List.of(architecture));
        m.put("model_type", modelType);
        m.put("vocab_size", vocabSize);
        switch (arch) {
            case GPT2:
                m.put("n_embd", hiddenSize);
                m.put("n_layer", numLayers);
                m.put("n_head", numHeads);
                m.put("n_positions", maxPositions);
                m.put("n_inner", intermediateSize);
                m.put("activation_function", activation);
                m.put("layer_norm_epsilon", normEps);
                m.put("scale_attn_weights", scaleAttnWeights);
                m.put("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
                break;
            case OPT:
                m.put("hidden_size", hiddenSize);
                m.put("num_hidden_layers", numLayers);
                m.put("num_attention_heads", numHeads);
                m.put("ffn_dim", intermediateSize);
                m.put("max_position_embeddings", maxPositions);
                m.put("word_embed_proj_dim", wordEmbedProjDim);
                m.put("do_layer_norm_before", preNorm);
                m.put("_remove_final_layer_norm", preNorm && !finalNorm);
                m.put("activation_function", activation);
                m.put("enable_bias", attentionBias);
                m.put("layer_norm_elementwise_affine", normAffine);
                break;
            case GPT_NEOX:
                m.put("hidden_size", hiddenSize);
                m.put("num_hidden_layers", numLayers);
                m.put("num_attention_heads", numHeads);
                m.put("intermediate_size", intermediateSize);
                m.put("max_position_embeddings", maxPositions);
                m.put("rotary_pct", rotaryFraction);
                m.put("rotary_emb_base", ropeTheta);
                m.put("hidden_act", activation);
                m.put("layer_norm_eps", normEps);
                m.put("use_parallel_residual", parallelResidual);
                m.put("attention_bias", attentionBias);
                break;
            case BLOOM:
                m.put("hidden_size", hiddenSize);
                m.put("n_layer", numLayers);
                m.put("n_head", numHeads);
                m.put("layer_norm_epsilon", normEps);
                m.put("apply_residual_connection_post_layernorm", residualFromNormed);
                break;
            case LLAMA:
                m.put("hidden_size", hiddenSize);
                m.put("intermediate_size", intermediateSize);
                m.put("num_hidden_layers", numLayers);
                m.put("num_attention_heads", numHeads);
                m.put("num_key_value_heads", numKvHeads);
                m.put("head_dim", headDim);
                m.put("max_position_embeddings", maxPositions);
                m.put("hidden_act", activation);
                m.put("rms_norm_eps", normEps);
                m.put("rope_theta", ropeTheta);
                m.put("rope_scaling", null);
                m.put("attention_bias", attentionBias);
                m.put("mlp_bias", mlpBias);
                if (modelType.equals("mistral")) m.put("sliding_window", slidingWindow == 0 ? null : slidingWindow);
                break;
        }
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("pad_token_id", padTokenId);
        m.put("bos_token_id", bosTokenId);
        m.put("eos_token_id", eosTokenIds.isEmpty() ? null : eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        if (head == Head.SEQUENCE_CLASSIFICATION || !labels.equals(List.of("LABEL_0", "LABEL_1"))) putLabels(m, labels);
        m.put("torch_dtype", "float32");
        return Json.write(m);
    }

    /** Puts HF's {@code id2label} and {@code label2id} for these label names (by id) into a config's JSON map. */
    public static void putLabels(Map<String, Object> json, List<String> labels) {
        Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        json.put("id2label", id2label);
        json.put("label2id", label2id);
    }
}
