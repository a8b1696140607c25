/**
 * Bridges between neuron and instance attribution (paper-method 6 and 7): {@link reveal.attribution.bridge.NaInstances}
 * ranks training instances by how well their neurons match a test instance's, {@link reveal.attribution.bridge.IaNeurons}
 * collects the strongest neuron of each top IA instance, and {@link reveal.attribution.bridge.Rankings} orders and
 * aggregates per-test scores (rank-sum, frequency, unique counts).
 *
 * <p>Training instances are indexed by their position in the training list given to these classes (the instance
 * id when the list is the whole split in order). Orders are descending by score with ties by position; −∞ and NaN
 * mean "no evidence", rank last, count as rank N_train in a rank-sum and are left out of top-K lists.
 * {@link reveal.attribution.bridge.NeuronAttribution} is the per-instance record neuron attribution produces.
 */
package reveal.attribution.bridge;
