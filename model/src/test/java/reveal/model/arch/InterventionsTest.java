package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.Interventions;
import reveal.model.LanguageModel;
import reveal.model.NeuronEdit;
import reveal.model.NeuronEdit.Tokens;
import reveal.model.fixtures.Golden;

/** Neuron edits at listed and last positions, their composition, causality, and their use with a KV cache. */
class InterventionsTest {
    private static final int[][] IDS = {{5, 9, 17, 33, 64, 100, 7, 8}, {11, 12, 13, 14, 15, 0, 0, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0}};
    private static final LanguageModel MODEL = LanguageModel.load(Golden.folder("gpt_neox"), ReferenceBackend.INSTANCE);
    private static final int WIDTH = MODEL.decoder().ffnWidth();

    private static double[] post(Interventions iv, int layer) {
        MODEL.forward(IDS, MASK, iv.capture(layer, FfnPoint.POST));
        return iv.captured(layer, FfnPoint.POST).toDoubleArray();
    }

    private static double at(double[] acts, int row, int position, int neuron) {
        return acts[(row * IDS[0].length + position) * WIDTH + neuron];
    }

    @Test
    void editsComposeInOrderAtListedAndLastPositions() {
        double[] plain = post(new Interventions(), 1);
        Interventions iv = new Interventions()
                .edit(NeuronEdit.scale(1, new int[] {3}, 2.0, Tokens.at(2, 6)))
                .edit(NeuronEdit.set(1, new int[] {3, 4}, 5.0, Tokens.at(6)))
                .edit(NeuronEdit.scale(1, new int[] {4}, 3.0, Tokens.at(6)))
                .edit(NeuronEdit.zero(1, new int[] {7}, Tokens.last()));
        double[] edited = post(iv, 1);
        for (int b = 0; b < 2; b++) {
            assertEquals(2 * at(plain, b, 2, 3), at(edited, b, 2, 3), 0.0, "scale at listed position 2");
            assertEquals(5.0, at(edited, b, 6, 3), 0.0, "set after scale wins");
            assertEquals(15.0, at(edited, b, 6, 4), 0.0, "scale after set scales the set value");
        }
        assertEquals(0.0, at(edited, 0, 7, 7), 0.0, "row 0's last real token is 7");
        assertEquals(0.0, at(edited, 1, 4, 7), 0.0, "row 1's last real token is 4");
        assertEquals(at(plain, 1, 7, 7), at(edited, 1, 7, 7), 0.0, "padding after row 1's last token is untouched");
        int changed = 0;
        for (int i = 0; i < plain.length; i++) if (plain[i] != edited[i]) changed++;
        assertEquals(2 * (1 + 2 + 1), changed, "exactly the edited entries change (per row: 2/3, 6/3, 6/4, last/7)");
    }

    @Test
    void anEditChangesOnlyLaterPositions() {
        double[] plain = MODEL.lmLogits(IDS, MASK, null).toDoubleArray();
        double[] edited = MODEL.lmLogits(IDS, MASK, new Interventions().edit(NeuronEdit.zero(0, new int[] {0, 1, 2, 3}, Tokens.at(3)))).toDoubleArray();
        int vocab = MODEL.config().vocabSize(), length = IDS[0].length;
        for (int t = 0; t < length; t++) {
            double[] a = Arrays.copyOfRange(plain, t * vocab, (t + 1) * vocab), b = Arrays.copyOfRange(edited, t * vocab, (t + 1) * vocab);
            if (t < 3) assertArrayEquals(a, b, "position " + t + " precedes the edit");
            else assertNotEquals(Arrays.toString(a), Arrays.toString(b), "position " + t + " sees the edit");
        }
    }

    @Test
    void editsFollowAbsolutePositionsAcrossCachedCalls() {
        int[][] row = {IDS[0]};
        NeuronEdit edit = NeuronEdit.set(1, new int[] {1, 9}, -2.0, Tokens.at(6)).at(FfnPoint.PRE);
        double[] full = MODEL.forward(row, null, new Interventions().edit(edit)).toDoubleArray();
        KvCache cache = MODEL.newCache();
        Interventions iv = new Interventions().edit(edit);
        double[] first = MODEL.forward(new int[][] {Arrays.copyOf(row[0], 5)}, null, iv, cache).toDoubleArray();
        double[] rest = MODEL.forward(new int[][] {Arrays.copyOfRange(row[0], 5, 8)}, null, iv, cache).toDoubleArray();
        double[] joined = Arrays.copyOf(first, full.length);
        System.arraycopy(rest, 0, joined, first.length, rest.length);
        Golden.assertClose("cached edit", full, joined, 1e-12);
    }

    @Test
    void neuronOutsideTheLayerIsAnError() {
        Interventions iv = new Interventions().edit(NeuronEdit.zero(0, new int[] {WIDTH}, Tokens.all()));
        String message = assertThrows(IllegalArgumentException.class, () -> MODEL.forward(IDS, MASK, iv)).getMessage();
        assertTrue(message.contains("neuron " + WIDTH) && message.contains(WIDTH + " neurons"), message);
        assertThrows(IllegalStateException.class, () -> new Interventions().captured(0, FfnPoint.POST));
    }

    @Test
    void replaceAtSwapsOneVectorPerRow() {
        Tensor vectors = Tensor.full(ReferenceBackend.INSTANCE, 0.5, 2, WIDTH);
        double[] acts = post(new Interventions().replaceAt(0, FfnPoint.POST, 3, vectors), 0);
        double[] plain = post(new Interventions(), 0);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < IDS[0].length; t++) {
                assertEquals(t == 3 ? 0.5 : at(plain, b, t, 11), at(acts, b, t, 11), 0.0);
            }
        }
    }
}
