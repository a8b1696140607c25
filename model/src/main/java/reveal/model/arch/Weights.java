package reveal.model.arch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import reveal.engine.Backend;
import reveal.engine.Tensor;

/**
 * Hands an architecture its parameters by HF name, checking each shape. Every request is recorded, so when
 * tensors are missing or misshapen the single error names each of them and lists everything the config expects.
 * Parameters are kept under their canonical (HF {@code save_pretrained}) name even when the checkpoint spells it
 * another accepted way.
 */
final class Weights {
    private final String source;
    private final Backend backend;
    private final Map<String, int[]> stored;
    private final Function<String, float[]> loader;
    private final Function<String, List<String>> spellings;
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final List<String> expected = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final TreeSet<String> unused;

    /**
     * @param stored    shape of every tensor in the checkpoint, by its stored name
     * @param loader    the values of a stored tensor, row-major
     * @param spellings the stored names a canonical name may have, preferred first
     */
    Weights(String source, Backend backend, Map<String, int[]> stored, Function<String, float[]> loader,
            Function<String, List<String>> spellings) {
        this.source = source;
        this.backend = backend;
        this.stored = stored;
        this.loader = loader;
        this.spellings = spellings;
        this.unused = new TreeSet<>(stored.keySet());
    }

    /** The parameter {@code name} of the given shape, as a leaf that requires a gradient. */
    Tensor take(String name, int... shape) {
        expected.add(name + " " + Arrays.toString(shape));
        String found = null;
        for (String spelling : spellings.apply(name)) {
            if (stored.containsKey(spelling)) {
                found = spelling;
                break;
            }
        }
        Tensor t;
        if (found == null) {
            problems.add("missing tensor '" + name + "' (expected shape " + Arrays.toString(shape) + ")");
            t = Tensor.zeros(backend, shape);
        } else if (!Arrays.equals(stored.get(found), shape)) {
            problems.add("tensor '" + found + "' has shape " + Arrays.toString(stored.get(found)) + ", expected " + Arrays.toString(shape));
            t = Tensor.zeros(backend, shape);
        } else {
            t = Tensor.of(backend, loader.apply(found), shape);
        }
        if (found != null) unused.remove(found);
        t.requireGrad();
        parameters.put(name, t);
        return t;
    }

    /** PyTorch {@code nn.Linear}: {@code prefix.weight [out, in]} and, if {@code bias}, {@code prefix.bias [out]}. */
    Linear linear(String prefix, int in, int out, boolean bias) {
        return new Linear(take(prefix + ".weight", out, in), bias ? take(prefix + ".bias", out) : null, false);
    }

    /** GPT-2 {@code Conv1D}: {@code prefix.weight [in, out]} and {@code prefix.bias [out]}. */
    Linear conv1d(String prefix, int in, int out) {
        return new Linear(take(prefix + ".weight", in, out), take(prefix + ".bias", out), true);
    }

    /** LayerNorm with {@code prefix.weight} and {@code prefix.bias} when {@code affine}. */
    Norm layerNorm(String prefix, int width, double eps, boolean affine) {
        return affine ? new Norm(Norm.Kind.LAYER, take(prefix + ".weight", width), take(prefix + ".bias", width), eps)
                : new Norm(Norm.Kind.LAYER, null, null, eps);
    }

    Norm rmsNorm(String prefix, int width, double eps) {
        return new Norm(Norm.Kind.RMS, take(prefix + ".weight", width), null, eps);
    }

    /** The parameters in request order; throws if any was missing or misshapen. */
    Map<String, Tensor> finish(String arch) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": the " + arch + " checkpoint does not match its config: "
                    + String.join("; ", problems) + ". The config expects these " + expected.size() + " tensors: "
                    + String.join(", ", expected) + (unused.isEmpty() ? "" : ". Unused checkpoint tensors: " + unused));
        }
        return parameters;
    }
}
