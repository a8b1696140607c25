package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static reveal.model.io.IoTestFiles.assertFails;
import static reveal.model.io.IoTestFiles.resource;
import static reveal.model.io.ModelConfig.Arch.BLOOM;
import static reveal.model.io.ModelConfig.Arch.GPT2;
import static reveal.model.io.ModelConfig.Arch.GPT_NEOX;
import static reveal.model.io.ModelConfig.Arch.LLAMA;
import static reveal.model.io.ModelConfig.Arch.OPT;
import static reveal.model.io.ModelConfig.Head.CAUSAL_LM;
import static reveal.model.io.ModelConfig.Head.SEQUENCE_CLASSIFICATION;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reveal.engine.io.Json;

class ModelConfigTest {
    private static final List<String> TWO = List.of("LABEL_0", "LABEL_1");
    private static final List<String> THREE = List.of("LABEL_0", "LABEL_1", "LABEL_2");

    // Expected normalisations of the fixture configs (sizes from shared/fixtures/README.md section 1).
    static final ModelConfig GPT2_LM = new ModelConfig(GPT2, "gpt2", "GPT2LMHeadModel", CAUSAL_LM,
            151, 32, 2, 4, 4, 8, 128, 32, "gelu_new", 1e-5, true, true, true, true, true, true, 32,
            0, 0, false, false, true, false, 0, 0, 2, List.of(2), TWO);
    static final ModelConfig OPT_LM = new ModelConfig(OPT, "opt", "OPTForCausalLM", CAUSAL_LM,
            143, 32, 2, 4, 4, 8, 80, 32, "relu", 1e-5, true, true, true, true, true, true, 32,
            0, 0, false, false, true, false, 0, 1, 2, List.of(2), TWO);
    static final ModelConfig OPT_POSTLN_LM = new ModelConfig(OPT, "opt", "OPTForCausalLM", CAUSAL_LM,
            131, 48, 2, 4, 4, 12, 96, 32, "relu", 1e-5, true, true, true, true, false, false, 24,
            0, 0, false, false, true, false, 0, 1, 2, List.of(2), TWO);
    static final ModelConfig NEOX_LM = new ModelConfig(GPT_NEOX, "gpt_neox", "GPTNeoXForCausalLM", CAUSAL_LM,
            157, 64, 2, 4, 4, 16, 128, 32, "gelu", 1e-5, false, true, true, true, true, true, 64,
            0.25, 10000, true, false, true, false, 0, 0, 2, List.of(2), TWO);
    static final ModelConfig BLOOM_LM = new ModelConfig(BLOOM, "bloom", "BloomForCausalLM", CAUSAL_LM,
            149, 48, 2, 6, 6, 8, 192, 0, "bloom_gelu", 1e-5, true, true, true, true, true, true, 48,
            0, 0, false, false, true, false, 0, 3, 1, List.of(2), TWO);
    static final ModelConfig LLAMA_LM = new ModelConfig(LLAMA, "llama", "LlamaForCausalLM", CAUSAL_LM,
            139, 32, 2, 4, 2, 8, 88, 64, "silu", 1e-5, false, false, false, true, true, true, 32,
            1, 10000, false, false, true, false, 0, 0, 1, List.of(2), TWO);

    /** The same model as a 3-label sequence classifier named {@code architecture}. */
    private static ModelConfig classifier(ModelConfig c, String architecture) {
        return new ModelConfig(c.arch(), c.modelType(), architecture, SEQUENCE_CLASSIFICATION, c.vocabSize(),
                c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize(),
                c.maxPositions(), c.activation(), c.normEps(), c.tieWordEmbeddings(), c.attentionBias(), c.mlpBias(),
                c.normAffine(), c.preNorm(), c.finalNorm(), c.wordEmbedProjDim(), c.rotaryFraction(), c.ropeTheta(),
                c.parallelResidual(), c.residualFromNormed(), c.scaleAttnWeights(), c.scaleAttnByInverseLayerIdx(),
                c.slidingWindow(), c.padTokenId(), c.bosTokenId(), c.eosTokenIds(), THREE);
    }

    static final Map<String, ModelConfig> FIXTURES = Map.ofEntries(
            Map.entry("gpt2", GPT2_LM),
            Map.entry("gpt2_bf16", GPT2_LM),
            Map.entry("gpt2_cls", classifier(GPT2_LM, "GPT2ForSequenceClassification")),
            Map.entry("opt", OPT_LM),
            Map.entry("opt_cls", classifier(OPT_LM, "OPTForSequenceClassification")),
            Map.entry("opt_postln_proj", OPT_POSTLN_LM),
            Map.entry("opt_postln_proj_cls", classifier(OPT_POSTLN_LM, "OPTForSequenceClassification")),
            Map.entry("gpt_neox", NEOX_LM),
            Map.entry("gpt_neox_cls", classifier(NEOX_LM, "GPTNeoXForSequenceClassification")),
            Map.entry("bloom", BLOOM_LM),
            Map.entry("bloom_cls", classifier(BLOOM_LM, "BloomForSequenceClassification")),
            Map.entry("llama", LLAMA_LM),
            Map.entry("llama_f16", LLAMA_LM),
            Map.entry("llama_cls", classifier(LLAMA_LM, "LlamaForSequenceClassification")));

    private static final String[] FIXTURE_DIRS = {"gpt2", "gpt2_bf16", "gpt2_cls", "opt", "opt_cls", "opt_postln_proj",
        "opt_postln_proj_cls", "gpt_neox", "gpt_neox_cls", "bloom", "bloom_cls", "llama", "llama_f16", "llama_cls"};

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt2_bf16", "gpt2_cls", "opt", "opt_cls", "opt_postln_proj", "opt_postln_proj_cls",
        "gpt_neox", "gpt_neox_cls", "bloom", "bloom_cls", "llama", "llama_f16", "llama_cls"})
    void fixtureConfigsNormalise(String fixture) {
        ModelConfig c = ModelConfig.read(resource("fixtures/" + fixture + "/config.json"));
        assertEquals(FIXTURES.get(fixture), c);
        assertEquals(fixture.endsWith("_cls") ? 3 : 2, c.numLabels());
        assertEquals(ModelConfig.parse(c.toJson(), "written"), c, "toJson round trip");
    }

    @Test
    void everyFixtureHasAnExpectation() {
        assertEquals(FIXTURE_DIRS.length, FIXTURES.size());
        assertEquals(4, NEOX_LM.rotaryDim());
        assertEquals(8, LLAMA_LM.rotaryDim());
        assertEquals(0, GPT2_LM.rotaryDim());
    }

    private static ModelConfig parse(String json) {
        return ModelConfig.parse(json, "cfg.json");
    }

    // ---- defaults and aliases (shared/fixtures/README.md section 3) ----

    @Test
    void gpt2DefaultsAndAliases() {
        ModelConfig minimal = parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":8,\"n_layer\":1,"
                + "\"n_head\":2,\"n_positions\":16,\"n_inner\":null}");
        assertEquals(new ModelConfig(GPT2, "gpt2", null, CAUSAL_LM, 10, 8, 1, 2, 2, 4, 32, 16, "gelu_new", 1e-5,
                true, true, true, true, true, true, 8, 0, 0, false, false, true, false, 0,
                null, 50256, List.of(50256), TWO), minimal);

        ModelConfig aliased = parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"hidden_size\":16,\"n_embd\":8,"
                + "\"num_hidden_layers\":3,\"num_attention_heads\":4,\"max_position_embeddings\":20,\"n_inner\":40,"
                + "\"activation_function\":\"gelu\",\"layer_norm_epsilon\":1e-6,\"scale_attn_weights\":false,"
                + "\"scale_attn_by_inverse_layer_idx\":true,\"tie_word_embeddings\":false}");
        assertEquals(16, aliased.hiddenSize()); // attribute_map alias is set last in HF, so it wins
        assertEquals(3, aliased.numLayers());
        assertEquals(4, aliased.numHeads());
        assertEquals(20, aliased.maxPositions());
        assertEquals(40, aliased.intermediateSize());
        assertEquals("gelu", aliased.activation());
        assertEquals(1e-6, aliased.normEps());
        assertEquals(false, aliased.scaleAttnWeights());
        assertEquals(true, aliased.scaleAttnByInverseLayerIdx());
        assertEquals(false, aliased.tieWordEmbeddings());
    }

    @Test
    void optDefaultsAndFlags() {
        String base = "{\"model_type\":\"opt\",\"vocab_size\":10,\"hidden_size\":8,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2,\"ffn_dim\":12,\"max_position_embeddings\":16";
        ModelConfig c = parse(base + "}");
        assertEquals(new ModelConfig(OPT, "opt", null, CAUSAL_LM, 10, 8, 1, 2, 2, 4, 12, 16, "relu", 1e-5,
                true, true, true, true, true, true, 8, 0, 0, false, false, true, false, 0,
                1, 2, List.of(2), TWO), c);
        ModelConfig removed = parse(base + ",\"_remove_final_layer_norm\":true,\"enable_bias\":false,"
                + "\"layer_norm_elementwise_affine\":false,\"word_embed_proj_dim\":4,\"layer_norm_eps\":0.1}");
        assertEquals(false, removed.finalNorm());
        assertEquals(true, removed.preNorm());
        assertEquals(false, removed.attentionBias());
        assertEquals(false, removed.mlpBias());
        assertEquals(false, removed.normAffine());
        assertEquals(4, removed.wordEmbedProjDim());
        assertEquals(1e-5, removed.normEps()); // OPT's LayerNorm eps is fixed
        assertEquals(removed, parse(removed.toJson()));
        ModelConfig postLn = parse(base + ",\"do_layer_norm_before\":false}");
        assertEquals(false, postLn.preNorm());
        assertEquals(false, postLn.finalNorm());
    }

    @Test
    void gptNeoxDefaultsAndNewerSpellings() {
        String base = "{\"model_type\":\"gpt_neox\",\"vocab_size\":10,\"hidden_size\":32,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2,\"intermediate_size\":64";
        ModelConfig c = parse(base + "}");
        assertEquals(new ModelConfig(GPT_NEOX, "gpt_neox", null, CAUSAL_LM, 10, 32, 1, 2, 2, 16, 64, 2048, "gelu", 1e-5,
                false, true, true, true, true, true, 32, 0.25, 10000, true, false, true, false, 0,
                null, 0, List.of(2), TWO), c);
        ModelConfig newer = parse(base + ",\"partial_rotary_factor\":0.5,\"rope_theta\":500}");
        assertEquals(0.5, newer.rotaryFraction());
        assertEquals(8, newer.rotaryDim());
        assertEquals(500, newer.ropeTheta());
        ModelConfig both = parse(base + ",\"rotary_pct\":0.25,\"partial_rotary_factor\":0.5,"
                + "\"rotary_emb_base\":100,\"rope_theta\":500,\"use_parallel_residual\":false,\"attention_bias\":false}");
        assertEquals(0.25, both.rotaryFraction());
        assertEquals(100, both.ropeTheta());
        assertEquals(false, both.parallelResidual());
        assertEquals(false, both.attentionBias());
        assertEquals(true, both.mlpBias());
    }

    @Test
    void bloomAliases() {
        ModelConfig c = parse("{\"model_type\":\"bloom\",\"vocab_size\":10,\"n_embed\":16,\"hidden_size\":8,"
                + "\"num_hidden_layers\":3,\"n_head\":4,\"num_attention_heads\":2}");
        assertEquals(new ModelConfig(BLOOM, "bloom", null, CAUSAL_LM, 10, 16, 3, 2, 2, 8, 64, 0, "bloom_gelu", 1e-5,
                true, true, true, true, true, true, 16, 0, 0, false, false, true, false, 0,
                null, 1, List.of(2), TWO), c);
        ModelConfig plain = parse("{\"model_type\":\"bloom\",\"vocab_size\":10,\"hidden_size\":8,\"n_layer\":2,"
                + "\"n_head\":2,\"apply_residual_connection_post_layernorm\":true}");
        assertEquals(8, plain.hiddenSize());
        assertEquals(2, plain.numLayers());
        assertEquals(32, plain.intermediateSize());
        assertEquals(true, plain.residualFromNormed());
    }

    @Test
    void llamaDefaultsAndMistral() {
        String base = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":32,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":4,\"intermediate_size\":64";
        ModelConfig c = parse(base + "}");
        assertEquals(new ModelConfig(LLAMA, "llama", null, CAUSAL_LM, 10, 32, 1, 4, 4, 8, 64, 2048, "silu", 1e-6,
                false, false, false, true, true, true, 32, 1, 10000, false, false, true, false, 0,
                null, 1, List.of(2), TWO), c);
        ModelConfig gqa = parse(base + ",\"num_key_value_heads\":1,\"head_dim\":16,\"rope_theta\":5e5,"
                + "\"rope_scaling\":null,\"tie_word_embeddings\":true,\"attention_bias\":true,\"mlp_bias\":true}");
        assertEquals(1, gqa.numKvHeads());
        assertEquals(16, gqa.headDim());
        assertEquals(500000.0, gqa.ropeTheta());
        assertEquals(true, gqa.tieWordEmbeddings());
        assertEquals(true, gqa.attentionBias());
        assertEquals(true, gqa.mlpBias());
        assertEquals(gqa, parse(gqa.toJson()));

        ModelConfig mistral = parse(base.replace("llama", "mistral") + "}");
        assertEquals(LLAMA, mistral.arch());
        assertEquals("mistral", mistral.modelType());
        assertEquals(4096, mistral.slidingWindow());
        assertEquals(131072, mistral.maxPositions());
        assertEquals(mistral, parse(mistral.toJson()));
        ModelConfig full = parse(base.replace("llama", "mistral") + ",\"sliding_window\":null}");
        assertEquals(0, full.slidingWindow());
        assertEquals(full, parse(full.toJson()));
    }

    @Test
    void labelsAndTokenIds() {
        String base = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":32,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":4,\"intermediate_size\":64,\"architectures\":[\"LlamaForSequenceClassification\"]";
        ModelConfig five = parse(base + ",\"num_labels\":5}");
        assertEquals(SEQUENCE_CLASSIFICATION, five.head());
        assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4"), five.labels());
        ModelConfig named = parse(base + ",\"num_labels\":7,\"id2label\":{\"1\":\"neutral\",\"0\":\"entailment\","
                + "\"2\":\"contradiction\"},\"eos_token_id\":[2,7],\"pad_token_id\":null,\"bos_token_id\":null}");
        assertEquals(List.of("entailment", "neutral", "contradiction"), named.labels()); // id2label wins
        assertEquals(List.of(2, 7), named.eosTokenIds());
        assertNull(named.padTokenId());
        assertNull(named.bosTokenId());
        assertEquals(named, parse(named.toJson()));
        Map<String, Object> written = Json.parseObject(named.toJson());
        assertEquals(Map.of("0", "entailment", "1", "neutral", "2", "contradiction"), written.get("id2label"));
        assertEquals(List.of(2L, 7L), written.get("eos_token_id"));
        assertEquals(List.of(), parse(base + ",\"eos_token_id\":null}").eosTokenIds());
        assertFails(() -> parse(base + ",\"id2label\":{\"0\":\"a\",\"2\":\"b\"}}"), "cfg.json", "id2label", "\"2\"");
        assertEquals(CAUSAL_LM, parse(base.replace("LlamaForSequenceClassification", "LlamaModel") + "}").head());
    }

    @Test
    void toJsonWritesHfFieldNames() {
        Map<String, Object> gpt2 = Json.parseObject(GPT2_LM.toJson());
        assertEquals(List.of("GPT2LMHeadModel"), gpt2.get("architectures"));
        assertEquals(32L, gpt2.get("n_embd"));
        assertEquals(128L, gpt2.get("n_inner"));
        assertEquals(32L, gpt2.get("n_positions"));
        assertEquals("float32", gpt2.get("torch_dtype"));
        assertEquals(null, gpt2.get("id2label")); // LM configs keep HF's default labels implicit
        Map<String, Object> opt = Json.parseObject(OPT_POSTLN_LM.toJson());
        assertEquals(24L, opt.get("word_embed_proj_dim"));
        assertEquals(false, opt.get("do_layer_norm_before"));
        Map<String, Object> neox = Json.parseObject(NEOX_LM.toJson());
        assertEquals(0.25, neox.get("rotary_pct"));
        assertEquals(10000.0, neox.get("rotary_emb_base"));
        Map<String, Object> bloom = Json.parseObject(BLOOM_LM.toJson());
        assertEquals(6L, bloom.get("n_head"));
        Map<String, Object> llama = Json.parseObject(LLAMA_LM.toJson());
        assertEquals(2L, llama.get("num_key_value_heads"));
        assertEquals(1e-5, llama.get("rms_norm_eps"));
        assertEquals(0L, llama.get("pad_token_id"));
    }

    // ---- errors name the file and the field ----

    @Test
    void rejectsUnsupportedOrIncompleteConfigs() {
        assertFails(() -> parse("{\"model_type\":\"t5\"}"), "cfg.json", "'t5'", "gpt2, opt, gpt_neox, bloom, llama, mistral");
        assertFails(() -> parse("{\"vocab_size\":3}"), "cfg.json", "no model_type");
        assertFails(() -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_layer\":1,\"n_head\":2,"
                + "\"n_positions\":16}"), "cfg.json", "hidden_size / n_embd");
        assertFails(() -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":8,\"n_layer\":\"1\","
                + "\"n_head\":2,\"n_positions\":16}"), "cfg.json", "n_layer must be an integer");
        assertFails(() -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":10,\"n_layer\":1,"
                + "\"n_head\":4,\"n_positions\":16}"), "cfg.json", "not divisible by 4 heads");
        assertFails(() -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":0,\"n_embd\":8,\"n_layer\":1,"
                + "\"n_head\":2,\"n_positions\":16}"), "cfg.json", "vocab_size must be positive");
        assertFails(() -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":8,\"n_layer\":1,"
                + "\"n_head\":2,\"n_positions\":16,\"architectures\":[\"GPT2ForTokenClassification\"]}"),
                "cfg.json", "GPT2ForTokenClassification");
        assertFails(() -> parse("{\"model_type\":\"gpt2\""), "cfg.json", "JSON");
    }

    @Test
    void rejectsRopeScalingAndBadGqa() {
        String base = "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":32,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":4,\"intermediate_size\":64";
        assertFails(() -> parse(base + ",\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}}"), "cfg.json",
                "rope_scaling", "linear", "only null");
        assertFails(() -> parse(base + ",\"num_key_value_heads\":3}"), "cfg.json", "num_key_value_heads 3");
        assertFails(() -> parse("{\"model_type\":\"gpt_neox\",\"vocab_size\":10,\"hidden_size\":32,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"intermediate_size\":64,\"rotary_pct\":1.5}"),
                "cfg.json", "rotary_pct");
    }
}
