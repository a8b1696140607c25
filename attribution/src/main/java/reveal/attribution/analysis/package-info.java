/**
 * Analyses of attribution results (paper-method 8.3, 9, 10): {@link reveal.attribution.analysis.InstanceOverlap}
 * (IA vs NA-Instances), {@link reveal.attribution.analysis.Diversity} of a training subset over
 * {@link reveal.attribution.analysis.Representations} (a fine-tuned model's view, e.g.
 * {@link reveal.attribution.analysis.ModelRepresentations}), and {@link reveal.attribution.analysis.RetrainingSubsets}
 * for the retraining test (values where lower = more influential, i.e. rank-sums).
 */
package reveal.attribution.analysis;
