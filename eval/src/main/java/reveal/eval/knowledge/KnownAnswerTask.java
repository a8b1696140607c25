package reveal.eval.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import reveal.engine.io.Json;
import reveal.model.data.Example;
import reveal.model.data.Labels;

/**
 * A claim-verification task whose training influence is known. A seeded knowledge base gives each invented person
 * one value per {@link Relation} (pet, favourite color, job, town). Each fact gets {@code trainPerFact} training
 * claims: half state the true value (supported), half a distinct wrong value (refuted), each half phrased with
 * different training templates. Dev and test claims are about facts of their own (disjoint from each other),
 * phrased with held-out templates only; a supported one states the true value, a refuted one a wrong value that the
 * fact's refuted training claims used. So the (person, value) pair of every held-out claim recurs in training, and
 * only in its fact's claims: those are the instances that should explain the prediction
 * ({@link #sameFact()}), the ones with the same value and label most of all ({@link #sameStatement()}).
 *
 * <p>Labels are {@link Labels#SUPPORTED} and {@link Labels#REFUTED}; claims are closed-book (no evidence). The same
 * seed and sizes give the same task on any JVM ({@link Random} and {@link Collections#shuffle} are specified).
 */
public final class KnownAnswerTask {
    /**
     * Sizes: {@code entities} people (each with one fact per relation), {@code trainPerFact} training claims per fact
     * (even, at most twice the number of training templates), and dev/test claims, one per fact, so
     * {@code dev + test} must not exceed {@code entities * 4}.
     */
    public record Sizes(int entities, int trainPerFact, int dev, int test) {
        /** 50 people: 200 facts, 1,200 training claims, 90 dev and 110 test claims. */
        public static final Sizes DEFAULT = new Sizes(50, 6, 90, 110);
    }

    private final List<Claim> train, dev, test;

    private KnownAnswerTask(List<Claim> train, List<Claim> dev, List<Claim> test) {
        this.train = train;
        this.dev = dev;
        this.test = test;
    }

    /** The default sizes ({@link Sizes#DEFAULT}) with the given seed. */
    public static KnownAnswerTask generate(long seed) {
        return generate(seed, Sizes.DEFAULT);
    }

    public static KnownAnswerTask generate(long seed, Sizes sizes) {
        List<Relation> relations = Relation.ALL;
        int perLabel = sizes.trainPerFact() / 2;
        int maxPerLabel = relations.stream().mapToInt(r -> Math.min(r.trainTemplates().size(), r.values().size() - 1))
                .min().orElseThrow();
        if (sizes.trainPerFact() % 2 != 0 || perLabel < 1 || perLabel > maxPerLabel)
            throw new IllegalArgumentException("known-answer task: trainPerFact " + sizes.trainPerFact()
                    + " must be even, 2.." + 2 * maxPerLabel);
        int facts = sizes.entities() * relations.size();
        if (sizes.dev() < 0 || sizes.test() < 1 || sizes.dev() + sizes.test() > facts)
            throw new IllegalArgumentException("known-answer task: " + sizes.dev() + " dev + " + sizes.test()
                    + " test claims need that many distinct facts, but " + sizes.entities() + " people have " + facts);

        Random rnd = new Random(seed);
        List<String> people = Names.pick(sizes.entities(), rnd);
        // Each value is the true one for an equal share of people, so no value predicts the label by itself.
        List<Fact> kb = new ArrayList<>();
        for (Relation r : relations) {
            List<String> truths = new ArrayList<>();
            for (int i = 0; i < people.size(); i++) truths.add(r.values().get(i % r.values().size()));
            Collections.shuffle(truths, rnd);
            for (int i = 0; i < people.size(); i++) kb.add(new Fact(people.get(i), r, truths.get(i), new ArrayList<>()));
        }

        List<Claim> train = new ArrayList<>();
        for (Fact f : kb) {
            // The same templates carry both labels, so no phrasing predicts the label either.
            List<String> templates = shuffled(f.relation.trainTemplates(), rnd).subList(0, perLabel);
            List<String> wrong = shuffled(f.relation.values(), rnd);
            wrong.remove(f.truth);
            for (int k = 0; k < perLabel; k++) {
                f.wrongValues.add(wrong.get(k));
                train.add(claim(f, templates.get(k), f.truth, Labels.SUPPORTED));
                train.add(claim(f, templates.get(k), wrong.get(k), Labels.REFUTED));
            }
        }
        Collections.shuffle(train, rnd);
        train = renumber("train", train);

        List<Fact> heldOut = shuffled(kb, rnd);
        List<Claim> test = heldOutClaims("test", heldOut.subList(0, sizes.test()), rnd);
        List<Claim> dev = heldOutClaims("dev", heldOut.subList(sizes.test(), sizes.test() + sizes.dev()), rnd);
        return new KnownAnswerTask(train, dev, test);
    }

    /** Alternating labels over shuffled facts: balanced to within one claim. */
    private static List<Claim> heldOutClaims(String split, List<Fact> facts, Random rnd) {
        List<Claim> out = new ArrayList<>();
        for (int i = 0; i < facts.size(); i++) {
            Fact f = facts.get(i);
            boolean supported = i % 2 == 0;
            String value = supported ? f.truth : f.wrongValues.get(rnd.nextInt(f.wrongValues.size()));
            String template = f.relation.heldOutTemplates().get(rnd.nextInt(f.relation.heldOutTemplates().size()));
            out.add(claim(f, template, value, supported ? Labels.SUPPORTED : Labels.REFUTED));
        }
        return renumber(split, out);
    }

    /** A claim without an id yet: ids follow the final order ({@link #renumber}). */
    private static Claim claim(Fact f, String template, String value, int label) {
        return new Claim(null, f.relation.phrase(template, f.entity, value), label, f.entity, f.relation.name(), value);
    }

    private static List<Claim> renumber(String split, List<Claim> claims) {
        int width = String.valueOf(Math.max(claims.size() - 1, 0)).length();
        List<Claim> out = new ArrayList<>(claims.size());
        for (int i = 0; i < claims.size(); i++) out.add(claims.get(i).withId(String.format(Locale.ROOT, "%s-%0" + width + "d", split, i)));
        return List.copyOf(out);
    }

    private static <T> List<T> shuffled(List<T> xs, Random rnd) {
        List<T> copy = new ArrayList<>(xs);
        Collections.shuffle(copy, rnd);
        return copy;
    }

    /** A person's true value for one relation, and the wrong values its refuted training claims state. */
    private record Fact(String entity, Relation relation, String truth, List<String> wrongValues) {
    }

    public List<Example> train() {
        return examples(train);
    }

    public List<Example> dev() {
        return examples(dev);
    }

    public List<Example> test() {
        return examples(test);
    }

    List<Claim> trainClaims() {
        return train;
    }

    List<Claim> devClaims() {
        return dev;
    }

    List<Claim> testClaims() {
        return test;
    }

    /** For each test claim id, the ids of the training claims about the same fact (same person and relation). */
    public Map<String, Set<String>> sameFact() {
        return groundTruth(t -> c -> c.fact().equals(t.fact()));
    }

    /** For each test claim id, the training claims stating the same value of the same fact (so the same label). */
    public Map<String, Set<String>> sameStatement() {
        return groundTruth(t -> c -> c.fact().equals(t.fact()) && c.value().equals(t.value()));
    }

    private Map<String, Set<String>> groundTruth(Function<Claim, Predicate<Claim>> match) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Claim t : test) {
            Predicate<Claim> p = match.apply(t);
            Set<String> ids = new TreeSet<>();
            for (Claim c : train) if (p.test(c)) ids.add(c.id());
            out.put(t.id(), Collections.unmodifiableSet(ids));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The fact ({@code person:relation}, e.g. {@code "Lily:pet"}) a train, dev or test claim is about. */
    public String factOf(String id) {
        for (List<Claim> split : List.of(train, dev, test))
            for (Claim c : split) if (c.id().equals(id)) return c.fact();
        throw new IllegalArgumentException("known-answer task: no claim with id '" + id + "'");
    }

    /**
     * Writes {@code train.jsonl}, {@code dev.jsonl}, {@code test.jsonl} (one object per claim: id, claim,
     * evidence = null, label, fact, value), readable by {@code Datasets.read(TaskKind.CLAIM, file)}, and
     * {@code ground_truth.json} ({@code same_fact} and {@code same_statement}: test id to training ids).
     */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            writeLines(dir.resolve("train.jsonl"), train);
            writeLines(dir.resolve("dev.jsonl"), dev);
            writeLines(dir.resolve("test.jsonl"), test);
            Map<String, Object> truth = new LinkedHashMap<>();
            truth.put("same_fact", sameFact());
            truth.put("same_statement", sameStatement());
            Files.writeString(dir.resolve("ground_truth.json"), Json.write(truth) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("known-answer task: cannot write to " + dir, e);
        }
    }

    private static void writeLines(Path file, List<Claim> claims) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Claim c : claims) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", c.id());
            row.put("claim", c.text());
            row.put("evidence", null);
            row.put("label", c.label());
            row.put("fact", c.fact());
            row.put("value", c.value());
            Json.write(sb, row);
            sb.append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static List<Example> examples(List<Claim> claims) {
        return claims.stream().map(Claim::example).toList();
    }
}
