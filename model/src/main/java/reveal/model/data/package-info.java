/**
 * Task datasets and the paper's prompt templates.
 *
 * <h2>Shape</h2>
 * {@link reveal.model.data.Datasets#read Datasets.read(kind, path)} detects a file's format and returns a
 * {@link reveal.model.data.Dataset}: {@link reveal.model.data.Example}s (template segments plus a label id) for NLI
 * and claim verification, {@link reveal.model.data.ChoiceExample}s (one segment list per choice) for multiple choice.
 * {@link reveal.model.data.PromptEncoder} turns segments into ids: each segment tokenized on its own, one prefix
 * token ({@code "</s>"}, else BOS), the segment before the answer cue truncated until the whole fits {@code maxLen},
 * and right padding with an attention mask and last-real-token index per row.
 *
 * <h2>Templates (paper-method.md §3.2)</h2>
 * <ul>
 * <li>NLI: {@code "Premise : " + p | "/ Hypothesis : " + h | "/ Answer :"}.</li>
 * <li>Claims: {@code "Claim : " + c | "/ Evidence : " + e | "/ Answer :"}; AVeriTeC's evidence is
 * {@code "(i)" + question + " " + firstAnswer} for each question, with no separator. A closed-book claim (the
 * known-answer task, whose JSON has {@code "evidence": null}) drops the evidence segment: the paper has no such
 * task, and an empty evidence segment would only add constant tokens.</li>
 * <li>CSQA: {@code "Question : " + q | "/ Choice : " + choice_j | "/ Answer :"} per choice (the fine-tuning
 * spelling "Choice", not NA's "Choices", see D3).</li>
 * </ul>
 *
 * <h2>Label ids ({@link reveal.model.data.Labels})</h2>
 * <ul>
 * <li>NLI: 0 entailment, 1 neutral, 2 contradiction, the Hugging Face GLUE/SNLI order the paper uses for SNLI.
 * The paper's own MNLI dictionary is unpublished (its HANS remap suggests 0 = neutral, 1 = contradiction); one
 * order for every NLI reader lets an MNLI model be scored on HANS and SNLI unchanged. HANS's 0 = non-entailment
 * becomes 2 (contradiction) and 1 = entailment becomes 0; when scoring a 3-class prediction on HANS, neutral also
 * counts as non-entailment ({@link reveal.model.data.Labels#hansVerdict}). Integer labels in generic NLI JSON Lines
 * are taken to be in this order.</li>
 * <li>Claims: 0 supported, 1 refuted, 2 not enough evidence (FEVER's NOT ENOUGH INFO), 3 conflicting
 * evidence/cherrypicking. The paper's AVeriTeC dictionary file is missing; this is the order of the AVeriTeC paper
 * with the two verdict classes first, so FEVER (3 classes) and the known-answer task (2) are prefixes of it.</li>
 * <li>CSQA: the index of {@code answerKey} among the choice letters A..E.</li>
 * </ul>
 *
 * <h2>Ids</h2>
 * A record's own id where the data has one (CSQA, FEVER, the known-answer task, the MNLI pairID joined from the
 * hardness index); otherwise the 0-based line or record number (SNLI, MNLI lines, HANS, AVeriTeC).
 *
 * <h2>Errors</h2>
 * Readers fail on the first malformed record with an {@link java.lang.IllegalArgumentException} naming the file and
 * the 1-based line ({@code file:line: ...}) or, for AVeriTeC's single JSON array, the 0-based record number.
 * Unlabelled records (SNLI's "-") are errors: every reader here feeds training or scoring.
 */
package reveal.model.data;
