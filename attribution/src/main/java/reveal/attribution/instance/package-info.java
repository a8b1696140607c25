/**
 * Instance attribution (paper-method 4): which training instances a test prediction depends on.
 *
 * <ul>
 *   <li>{@link reveal.attribution.instance.ParameterSelector} / {@link reveal.attribution.instance.ParameterSubset}:
 *       the parameters differentiated (the paper: the classification head {@code score.weight}; also chosen
 *       tensors, layers or the whole model).</li>
 *   <li>{@link reveal.attribution.instance.InstanceLoss}: the mean per-instance loss of a batch;
 *       {@link reveal.attribution.instance.ModelLoss} over a {@code LanguageModel},
 *       {@link reveal.attribution.instance.HeadOnlyLoss} over frozen hidden states (the paper's setting, cheap).</li>
 *   <li>{@link reveal.attribution.instance.Derivatives}: per-example gradients and exact Hessian-vector products
 *       (double backward).</li>
 *   <li>{@link reveal.attribution.instance.Lissa}: the LiSSA inverse-HVP with convergence traces.</li>
 *   <li>{@link reveal.attribution.instance.InstanceAttribution}: gradient similarity (dot, cosine) and influence
 *       functions over a training set, streamed and resumable, into train-major score matrices.</li>
 * </ul>
 *
 * <p>Sign convention: influence scores are stored as {@code ihvp_t . grad L(z)} (the paper's code; larger = more
 * helpful, ranked descending); Koh & Liang's {@code -ihvp_t . grad L(z)} is available as
 * {@link reveal.attribution.instance.InstanceAttribution.Sign#KOH_LIANG}. Evaluation semantics throughout (no
 * dropout): the public code's LiSSA in train mode (bug B7) is not reproduced. The CSQA listwise double-softmax loss
 * (B5) has no {@code InstanceLoss} yet.
 */
package reveal.attribution.instance;
