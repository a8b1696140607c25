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
 * same-fact training claims, with bootstrap intervals ({@code analysis/known_answer.json}).</li>
 * <li>{@code neuron-faithfulness}: suppress / enhance / sufficiency of NA neurons and IA-Neurons against seeded
 * random neurons, and the fact specificity of NA neurons ({@code faithfulness/neurons.json}).</li>
 * <li>{@code analyses}: IA-NA overlap, unique instances and neurons, subset diversity ({@code analysis/}).</li>
 * <li>{@code retraining}: re-fine-tuning from the pre-trained model on the most / least / random x% of each
 * ranking, one record per retraining ({@code retraining/}).</li>
 * </ol>
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
 * <li>The demo gives every retraining the same budget of optimizer steps
 * ({@link reveal.eval.pipeline.PipelineConfig.Training#steps}) instead of the paper's fixed epochs, so 55
 * fine-tunings fit its time: a small subset is repeated within each epoch, a large one gets fewer epochs.</li>
 * <li>A method "clearly" beats random retrieval when the 95% bootstrap intervals over the test claims of both its
 * precision@k and its MRR lie above random's exact expectation.</li>
 * </ul>
 */
package reveal.eval.pipeline;
