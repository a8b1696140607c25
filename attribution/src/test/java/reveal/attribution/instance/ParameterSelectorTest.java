package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

class ParameterSelectorTest {
    private final Map<String, Tensor> model = new LinkedHashMap<>();

    ParameterSelectorTest() {
        for (String n : List.of("model.embed_tokens.weight", "model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight",
                "model.layers.10.mlp.down_proj.weight", "transformer.h.1.mlp.c_fc.bias", "model.norm.weight", "score.weight")) {
            model.put(n, Tensor.zeros(ReferenceBackend.INSTANCE, 2, 3));
        }
    }

    private List<String> names(ParameterSelector s) {
        return ParameterSubset.select(model, s).names();
    }

    @Test
    void selectsByHeadNameRegexLayerAndAll() {
        assertEquals(List.of("score.weight"), names(ParameterSelector.classificationHead()));
        assertEquals(List.of("score.weight", "model.norm.weight"), names(ParameterSelector.named("score.weight", "model.norm.weight")));
        assertEquals(List.of("model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight", "model.layers.10.mlp.down_proj.weight"),
                names(ParameterSelector.matching(".*down_proj\\.weight")));
        assertEquals(List.of("model.layers.1.mlp.down_proj.weight", "transformer.h.1.mlp.c_fc.bias"), names(ParameterSelector.layers(1)));
        assertEquals(7, names(ParameterSelector.all()).size());
    }

    @Test
    void sizeCountsScalarsAndSelectedTensorsRequireGradients() {
        ParameterSubset s = ParameterSubset.select(model, ParameterSelector.layers(0, 1));
        assertEquals(3 * 6, s.size());
        assertTrue(s.tensors().stream().allMatch(Tensor::requiresGrad));
        assertEquals(List.of(2, 3), java.util.Arrays.stream((int[]) s.describe().get("transformer.h.1.mlp.c_fc.bias")).boxed().toList());
    }

    @Test
    void emptyOrUnknownSelectionsNameWhatTheModelHas() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> names(ParameterSelector.named("lm_head.weight")));
        assertTrue(a.getMessage().contains("no tensor named 'lm_head.weight'") && a.getMessage().contains("score.weight"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> names(ParameterSelector.layers(7)));
        assertTrue(b.getMessage().contains("selects nothing"), b.getMessage());
    }
}
