package reveal.eval.knowledge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Person names: TinyStories-like first names, then invented two-syllable ones when more people are needed. */
final class Names {
    private static final List<String> STORY_NAMES = List.of("Lily", "Tim", "Tom", "Ben", "Mia", "Sam", "Sue", "Max",
            "Anna", "Jack", "Lucy", "Sara", "Bob", "Jill", "Kate", "Amy", "Joe", "Zoe", "Leo", "Bella", "Daisy", "Molly",
            "Rosie", "Billy", "Jake", "Jane", "Emma", "Ellie", "Kim", "Ted", "Dan", "Pam", "Meg", "Roy", "Rex", "Finn",
            "Tess", "Ruby", "Nina", "Mark");
    private static final List<String> FIRST = List.of("Bo", "Da", "Fi", "Ki", "Lu", "Mo", "Ni", "Pe", "Ro", "Ta");
    private static final List<String> SECOND = List.of("bby", "li", "mo", "na", "ppy", "sy", "to", "zy");

    private Names() {
    }

    /** {@code n} distinct names in a seeded order: story names first (shuffled), then invented ones (shuffled). */
    static List<String> pick(int n, Random rnd) {
        List<String> pool = pool(rnd);
        if (n < 1 || n > pool.size())
            throw new IllegalArgumentException("known-answer task: " + n + " people requested, 1.." + pool.size() + " available");
        return List.copyOf(pool.subList(0, n));
    }

    private static List<String> pool(Random rnd) {
        List<String> story = new ArrayList<>(STORY_NAMES);
        Collections.shuffle(story, rnd);
        List<String> invented = new ArrayList<>();
        // An invented name that contains a story name or sits inside one ("Bobby", "Kimo") would share its tokens.
        for (String a : FIRST)
            for (String b : SECOND)
                if (STORY_NAMES.stream().noneMatch(s -> (a + b).contains(s) || s.contains(a + b))) invented.add(a + b);
        Collections.shuffle(invented, rnd);
        story.addAll(invented);
        return story;
    }
}
