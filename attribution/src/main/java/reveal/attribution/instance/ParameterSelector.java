package reveal.attribution.instance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import reveal.engine.Tensor;

/**
 * Which parameters instance attribution differentiates, by their Hugging Face names. The paper uses the
 * classification head only ({@code score.weight}); the other selectors widen it to chosen tensors, chosen
 * transformer layers or the whole model.
 */
public final class ParameterSelector {
    public static final String HEAD = "score.weight";
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(?:layers|h)\\.(\\d+)\\.");

    private final String description;
    private final Function<Map<String, Tensor>, List<String>> choose;

    private ParameterSelector(String description, Function<Map<String, Tensor>, List<String>> choose) {
        this.description = description;
        this.choose = choose;
    }

    /** The paper's choice: the classification head {@code score.weight}. */
    public static ParameterSelector classificationHead() {
        return named(HEAD);
    }

    /** Exactly these tensors, in this order (the order of the flattened gradient). */
    public static ParameterSelector named(String... names) {
        List<String> wanted = List.of(names);
        return new ParameterSelector("named " + wanted, all -> {
            for (String n : wanted) {
                if (!all.containsKey(n)) throw new IllegalArgumentException("parameter selection: no tensor named '" + n + "'; the model has " + summary(all));
            }
            return wanted;
        });
    }

    /** Every tensor whose name matches the regular expression (whole-name match), in model order. */
    public static ParameterSelector matching(String regex) {
        Pattern p = Pattern.compile(regex);
        return new ParameterSelector("matching /" + regex + "/", all -> filter(all, n -> p.matcher(n).matches()));
    }

    /** Every tensor of the given transformer layers ({@code ...layers.<i>.} or {@code ...h.<i>.}), in model order. */
    public static ParameterSelector layers(int... layers) {
        int[] wanted = layers.clone();
        return new ParameterSelector("layers " + Arrays.toString(wanted), all -> filter(all, n -> {
            Matcher m = LAYER.matcher(n);
            if (!m.find()) return false;
            int layer = Integer.parseInt(m.group(1));
            return Arrays.stream(wanted).anyMatch(l -> l == layer);
        }));
    }

    /** The whole model, in model order. */
    public static ParameterSelector all() {
        return new ParameterSelector("all", all -> new ArrayList<>(all.keySet()));
    }

    public String description() {
        return description;
    }

    List<String> choose(Map<String, Tensor> all) {
        List<String> names = choose.apply(all);
        if (names.isEmpty()) throw new IllegalArgumentException("parameter selection " + description + " selects nothing; the model has " + summary(all));
        return names;
    }

    private static List<String> filter(Map<String, Tensor> all, java.util.function.Predicate<String> keep) {
        return all.keySet().stream().filter(keep).collect(Collectors.toList());
    }

    private static String summary(Map<String, Tensor> all) {
        List<String> names = new ArrayList<>(all.keySet());
        String shown = names.stream().limit(12).collect(Collectors.joining(", "));
        return names.size() + " tensors (" + shown + (names.size() > 12 ? ", ..." : "") + ")";
    }
}
