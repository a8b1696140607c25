package reveal.attribution.neuron;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import reveal.engine.Backend;
import reveal.engine.io.Json;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/** A golden fixture entry, read through the model's {@link Golden} (README beside its fixtures): model and ig goldens. */
record Fixture(String name, Path dir, Map<String, Object> golden) {

    /** Every F32 entry, causal LM and classifier. */
    static final List<String> F32_ENTRIES = List.of("gpt2", "gpt2_cls", "opt", "opt_cls", "opt_postln_proj",
            "opt_postln_proj_cls", "gpt_neox", "gpt_neox_cls", "bloom", "bloom_cls", "llama", "llama_cls");

    static Fixture load(String name) {
        return new Fixture(name, Golden.folder(name), Golden.golden(name));
    }

    LanguageModel model(Backend backend) {
        return LanguageModel.load(dir, backend);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> ig() {
        return (Map<String, Object>) golden.get("ig");
    }

    int[] igIds() {
        return Json.ints(ig().get("input_ids"));
    }

    int igInt(String key) {
        return ((Number) ig().get(key)).intValue();
    }

    /** {@code [rows][columns]} from a nested list of the ig object. */
    double[][] igMatrix(String key) {
        return ((List<?>) ig().get(key)).stream().map(Json::doubles).toArray(double[][]::new);
    }

    @Override
    public String toString() {
        return name;
    }
}
