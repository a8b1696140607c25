package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reveal.attribution.analysis.ModelRepresentations;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/**
 * The paper's head-only IA on a real classifier: hidden states from {@link ModelRepresentations}, the head's loss
 * and gradient from {@link HeadOnlyLoss}, against the fixture's class logits, loss and {@code score.weight}
 * gradient, and against the full-model autograd path.
 */
class HeadOnlyModelTest {
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"gpt2_cls", "opt_postln_proj_cls", "llama_cls"})
    void headOnlyLossAndGradientMatchTheReference(String entry) {
        Map<String, Object> golden = Golden.golden(entry);
        LanguageModel model = LanguageModel.load(Golden.folder(entry), ReferenceBackend.INSTANCE);
        List<int[]> rows = new ArrayList<>();
        List<?> ids = (List<?>) golden.get("input_ids"), mask = (List<?>) golden.get("attention_mask");
        for (int b = 0; b < ids.size(); b++) rows.add(Arrays.copyOf(Json.ints(ids.get(b)), Arrays.stream(Json.ints(mask.get(b))).sum()));
        int[] labels = Json.ints(golden.get("labels"));
        ModelRepresentations reps = new ModelRepresentations(model, rows, labels);

        double[][] hidden = new double[rows.size()][];
        for (int b = 0; b < rows.size(); b++) {
            double[] logits = Json.doubles(((List<?>) golden.get("logits")).get(b));
            double max = Arrays.stream(logits).max().orElseThrow(), sum = Arrays.stream(logits).map(l -> Math.exp(l - max)).sum();
            double[] p = reps.classProbabilities(b);
            for (int c = 0; c < logits.length; c++) assertEquals(Math.exp(logits[c] - max) / sum, p[c], 1e-7, entry + " p[" + b + "][" + c + "]");
            hidden[b] = reps.lastHidden(b);
        }

        ParameterSubset head = ParameterSubset.select(model.parameters(), ParameterSelector.classificationHead());
        HeadOnlyLoss loss = new HeadOnlyLoss(head.tensors().get(0), hidden, labels);
        double want = ((Number) golden.get("loss")).doubleValue();
        assertEquals(want, loss.loss(new int[] {0, 1, 2}).item(), 1e-7 * want, entry + " loss");

        Map<String, Object> g = (Map<String, Object>) ((Map<String, Object>) golden.get("grads")).get(ParameterSelector.HEAD);
        double[] grad = new Derivatives(loss, head).gradient(0, 1, 2).toDoubleArray();
        double l2 = ((Number) g.get("l2")).doubleValue();
        assertEquals(l2, Math.sqrt(RandomHead.dot(grad, grad)), 1e-7 * l2, entry + " |grad score.weight|");
        ClosedFormTest.assertClose(Json.doubles(g.get("first8")), Arrays.copyOf(grad, 8), 1e-7, entry + " grad score.weight first8");

        double[] viaModel = new Derivatives(ModelLoss.classification(model, rows, labels), head).gradient(0, 1, 2).toDoubleArray();
        ClosedFormTest.assertClose(viaModel, grad, 1e-12, entry + " head-only vs full-model gradient");
    }
}
