package reveal.eval.faithfulness;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import reveal.attribution.bridge.Neuron;

/**
 * The random control of the neuron tests: for each instance, as many distinct neurons as its real set holds
 * distinct ones, layer and index uniform. The public code draws with replacement and unseeded; drawing distinct
 * neurons makes the control edit exactly as many neurons as the real set, and a seed makes it repeatable.
 */
public final class RandomNeurons {
    private RandomNeurons() {
    }

    /** One random set per real set, each the size of the real one's distinct neurons. */
    public static List<List<Neuron>> like(List<? extends List<Neuron>> realSets, int layers, int width, long seed) {
        Random rnd = new Random(seed);
        List<List<Neuron>> out = new ArrayList<>(realSets.size());
        for (List<Neuron> real : realSets) out.add(draw(new LinkedHashSet<>(real).size(), layers, width, rnd));
        return out;
    }

    static List<Neuron> draw(int count, int layers, int width, Random rnd) {
        if (count > layers * width) throw new IllegalArgumentException("random neurons: " + count + " requested of " + layers * width);
        Set<Neuron> picked = new LinkedHashSet<>();
        while (picked.size() < count) picked.add(new Neuron(rnd.nextInt(layers), rnd.nextInt(width)));
        return new ArrayList<>(picked);
    }
}
