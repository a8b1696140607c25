/**
 * Results written as they are computed, so that a long run resumes where it stopped:
 * {@link reveal.attribution.store.RowMatrix} (binary float rows plus a JSON manifest with the done rows and a
 * fingerprint of the settings; a resume with other settings is refused), {@link reveal.attribution.store.RecordLog}
 * (per-instance JSON lines, tolerant of a torn last line) and {@link reveal.attribution.store.Progress} (done/total,
 * rate and time left on stderr). Durability is against a killed process (data forced before the manifest is
 * atomically replaced); the folder itself is not fsynced.
 */
package reveal.attribution.store;
