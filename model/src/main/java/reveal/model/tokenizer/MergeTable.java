package reveal.model.tokenizer;

import java.util.Arrays;

/**
 * BPE merges by pair of ids, as an open-addressing hash table of primitive longs: this lookup runs for every pair
 * of every new word, and boxing keys in a HashMap made it the encoder's bottleneck.
 */
final class MergeTable implements PairMerger.Table {
    private static final long EMPTY = -1;

    private long[] keys = new long[64];
    private long[] values = new long[64];
    private int size;

    MergeTable() {
        Arrays.fill(keys, EMPTY);
    }

    /** Records that left + right merge into mergedId at rank; a later put for the same pair replaces it. */
    void put(int left, int right, int rank, int mergedId) {
        if (2 * (size + 1) > keys.length) grow();
        long key = key(left, right);
        int slot = slot(key, keys);
        if (keys[slot] == EMPTY) size++;
        keys[slot] = key;
        values[slot] = PairMerger.entry(rank, mergedId);
    }

    @Override
    public long merge(int left, int right) {
        long key = key(left, right);
        int slot = slot(key, keys);
        return keys[slot] == EMPTY ? PairMerger.NONE : values[slot];
    }

    private static long key(int left, int right) {
        return (long) left << 32 | (right & 0xFFFF_FFFFL);
    }

    /** The slot holding key, or the empty slot where it would go (linear probing). */
    private static int slot(long key, long[] keys) {
        int mask = keys.length - 1;
        int slot = (int) (mix(key) & mask);
        while (keys[slot] != EMPTY && keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    private static long mix(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        return key ^ (key >>> 33);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == EMPTY) continue;
            int slot = slot(oldKeys[i], keys);
            keys[slot] = oldKeys[i];
            values[slot] = oldValues[i];
        }
    }
}
