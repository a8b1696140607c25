/**
 * The evaluation pipeline behind {@code ./reveal demo} and {@code ./reveal evaluate}:
 * {@link reveal.eval.pipeline.Pipeline#run Pipeline.run(PipelineConfig)} runs, or resumes, every stage in a run
 * folder and returns the path of {@code report.html} (beside it {@code summary.json}, the report's only input).
 *
 * <h2>Stages and their outputs (in the run folder)</h2>
 * <ol>
 * <li>{@code finetune}: the pre-trained causal LM with a new classification head, fine-tuned, best epoch on dev
 * ({@code finetune/best}, {@code finetune.json}).</li>
 * <li>{@code instance-attribution}: gradient similarity (dot, cosine) and influence with LiSSA over the
 * classification head ({@code ia/}, train-major score matrices).</li>
 * <li>{@code neuron-attribution}: integrated gradients over every FFN neuron at the last token, for every test and
 * training instance ({@code na/test.jsonl}, {@code na/train.jsonl}).</li>
 * <li>{@code bridges}: NA-Instances scores and IA-Neurons lists ({@code bridge/}).</li>
 * <li>{@code known-answer} (known-answer task only): precision@k and MRR of every instance ranking against the
 * same-fact training claims, with bootstrap intervals and a verdict against random retrieval
 * ({@code analysis/known_answer.json}).</li>
 * <li>{@code neuron-faithfulness}: suppress / enhance / sufficiency of NA neurons and IA-Neurons against seeded
 * random neurons, and the fact specificity of NA neurons ({@code faithfulness/neurons.json}).</li>
 * <li>{@code analyses}: IA-NA overlap, unique instances and neurons, subset diversity ({@code analysis/}).</li>
 * <li>{@code retraining}: every subset model, fine-tuned from the pre-trained model with a new head and kept as one
 * record of its test predictions ({@code retraining/models.jsonl}); then the most / least / random x% comparisons
 * over the training seeds, behind the sanity gate ({@code retraining/result.json}).</li>
 * <li>{@code lds}: the linear datamodeling score of every ranking over the LDS subset models, which the retraining
 * stage trained too ({@code analysis/lds.json}).</li>
 * </ol>
 * A multiple-choice task (CSQA) runs the same stages: what differs between one sequence per instance and one per
 * choice (training, test probabilities, the neuron tests' instances, the diversity representation) is behind
 * {@code TaskModel}; an instance's probabilities are then its softmax over its choices.
 * Each stage's result carries its {@code verdicts} ({@link reveal.eval.pipeline.Verdicts}); the summary gathers
 * them into one list with stable ids.
 *
 * <h2>Choices where the paper's code is silent, buggy or too slow here</h2>
 * <ul>
 * <li>Neurons are edited at one position, the last token, as intended (not bug B1's every position), and the
 * {@code enhance} mode is applied (bug B4). For gated FFNs (Llama's SwiGLU) the neuron is the down projection's
 * input, {@code silu(gate) * up}; elsewhere the paper's fc1 output before the activation.</li>
 * <li>The random neuron control draws as many distinct neurons as the real set holds, with a seed, for each of
 * several runs (the paper draws with replacement, unseeded).</li>
 * <li>Instance rankings are aggregated over the test set as rank-sums (NA-Instances "ver3"; for IA as D5
 * recommends), lower = more influential.</li>
 * <li>LiSSA's scale is set from the data: above the head-only Hessian's largest eigenvalue bound, half the largest
 * squared hidden-state norm, so the recursion converges; the damping is a setting.</li>
 * <li>A retraining gets the full model's epochs over its subset with a floor on optimizer steps
 * ({@link reveal.eval.pipeline.PipelineConfig.Training#minSteps}): a small subset is repeated within each epoch.</li>
 * <li>The demo retrains at the paper's 10% and at 50% with three seeds each, and its 32 LDS models are the random
 * 50% arm, instead of the paper's five fractions with one seed: fewer comparisons, each with the power to reach a
 * verdict (docs/method.md, "Evaluation: verdicts").</li>
 * </ul>
 */
package reveal.eval.pipeline;
