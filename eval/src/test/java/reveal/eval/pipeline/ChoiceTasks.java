package reveal.eval.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/** Tiny CSQA-format files for the pipeline's multiple-choice tests. */
final class ChoiceTasks {
    private static final String[] PETS = {"cat", "dog", "bird", "fish", "frog", "duck"};
    private static final String[] PLACES = {"park", "house", "tree", "pond", "box", "bed", "car", "shop"};

    private ChoiceTasks() {
    }

    /**
     * {@code n} questions "Where did Lily's PET sleep?" with {@code letters} choices of places; the answer is the
     * place tied to the pet (one place per pet), at a rotating position, so the task can be learned.
     */
    static Path write(Path file, int n, int offset, String letters) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int q = i + offset, pet = q % PETS.length, answer = q % letters.length();
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < letters.length(); j++)
                texts.add(PLACES[j == answer ? pet : (pet + 1 + (q + j) % (PLACES.length - 1)) % PLACES.length]);
            List<String> labels = letters.chars().mapToObj(c -> String.valueOf((char) c)).toList();
            jsonl.append(Json.write(Map.of("id", "q" + q, "question", "Where did Lily's " + PETS[pet] + " sleep?",
                    "answerKey", labels.get(answer), "choices", Map.of("label", labels, "text", texts)))).append('\n');
        }
        Files.writeString(file, jsonl);
        return file;
    }
}
