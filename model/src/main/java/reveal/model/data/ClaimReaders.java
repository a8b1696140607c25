package reveal.model.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Readers of the claim-verification formats; labels are {@link Labels#CLAIM} ids. */
final class ClaimReaders {
    private ClaimReaders() {
    }

    /**
     * AVeriTeC's JSON array of claims. Ids are 0-based record numbers (the release has no id field). The evidence is
     * the paper's: for question i, {@code "(" + i + ")" + question + " " + answers[0].answer}, concatenated with no
     * separator; only the first answer counts (a boolean answer's explanation is ignored, as in the paper). A
     * question without answers contributes {@code "(i)question "}, where the paper's code would fail.
     */
    static Dataset averitec(Path file) {
        List<Instance> out = new ArrayList<>();
        for (Row r : Sources.jsonArray(file)) {
            String claim = NliReaders.nonEmpty(r, "claim");
            int label = r.label("label", Labels.CLAIM.size(), Labels::claim);
            out.add(Templates.claim(String.valueOf(out.size()), claim, evidence(r), label));
        }
        return new Dataset(Datasets.Format.AVERITEC_JSON.id(), file, Labels.CLAIM, out);
    }

    @SuppressWarnings("unchecked")
    private static String evidence(Row claim) {
        StringBuilder sb = new StringBuilder();
        List<?> questions = claim.list("questions");
        for (int i = 0; i < questions.size(); i++) {
            if (!(questions.get(i) instanceof Map)) throw claim.error("questions[" + i + "] is not an object");
            Row q = new Row(claim.where() + " questions[" + i + "]", (Map<String, Object>) questions.get(i));
            List<?> answers = q.list("answers");
            String answer = "";
            if (!answers.isEmpty()) {
                if (!(answers.get(0) instanceof Map)) throw q.error("answers[0] is not an object");
                answer = new Row(q.where() + " answers[0]", (Map<String, Object>) answers.get(0)).string("answer");
            }
            sb.append('(').append(i).append(')').append(q.string("question")).append(' ').append(answer);
        }
        return sb.toString();
    }

    /**
     * Claim JSON Lines {@code {id?, claim, evidence?, label}}: FEVER-Symmetric (label SUPPORTS/REFUTES) and the
     * known-answer task (integer labels, evidence null). An absent or null evidence is a closed-book claim (see
     * {@link Templates#claim}). The label names are the first max(2, largest id + 1) of {@link Labels#CLAIM}: a test
     * file may show fewer classes than its training file, so size a classifier from the training set.
     */
    static Dataset jsonl(Path file) {
        List<Instance> out = new ArrayList<>();
        int maxLabel = 0;
        for (Row r : Sources.jsonLines(file)) {
            String claim = NliReaders.nonEmpty(r, "claim");
            int label = r.label("label", Labels.CLAIM.size(), Labels::claim);
            maxLabel = Math.max(maxLabel, label);
            String id = r.has("id") ? r.id("id") : String.valueOf(out.size());
            out.add(Templates.claim(id, claim, r.optionalString("evidence"), label));
        }
        return new Dataset(Datasets.Format.CLAIM_JSONL.id(), file, Labels.CLAIM.subList(0, Math.max(2, maxLabel + 1)), out);
    }
}
