package reveal.model.tokenizer;

import java.util.Arrays;

/**
 * Applies BPE merges to a run of symbols the way Hugging Face's {@code Word::merge_all} does: repeatedly the
 * adjacent pair with the lowest merge rank, the leftmost one among equals, until no pair merges. llama2.c's loop
 * (the pair whose concatenation scores highest, the first one among equals) is the same rule with rank = score order.
 * A heap over pair positions keeps this O(n log n), which matters when a whole document is one "word".
 */
final class PairMerger {
    /** What {@link Table#merge} returns for a pair that does not merge. */
    static final long NONE = -1;

    /** The merge of two adjacent symbol ids. */
    interface Table {
        /** {@code rank << 32 | mergedId} for a pair that merges (lower rank first), else {@link #NONE}. */
        long merge(int left, int right);
    }

    private PairMerger() {
    }

    static long entry(int rank, int mergedId) {
        return (long) rank << 32 | mergedId;
    }

    /** Merges {@code symbols[0..length)} in place and returns the new length. */
    static int mergeAll(int[] symbols, int length, Table table) {
        if (length < 2) return length;
        int[] prev = new int[length];
        int[] next = new int[length];
        boolean[] gone = new boolean[length];
        for (int i = 0; i < length; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < length ? i + 1 : -1;
        }
        Heap queue = new Heap(length);
        for (int i = 0; i + 1 < length; i++) queue.offer(table.merge(symbols[i], symbols[i + 1]), i);
        while (queue.size > 0) {
            int pos = queue.topPosition();
            int mergedId = queue.topMergedId();
            queue.pop();
            int right = next[pos];
            if (gone[pos] || right < 0) continue;
            long current = table.merge(symbols[pos], symbols[right]);
            if (current == NONE || (int) current != mergedId) continue; // the pair changed since it was queued
            symbols[pos] = mergedId;
            gone[right] = true;
            next[pos] = next[right];
            if (next[pos] >= 0) prev[next[pos]] = pos;
            if (prev[pos] >= 0) queue.offer(table.merge(symbols[prev[pos]], mergedId), prev[pos]);
            if (next[pos] >= 0) queue.offer(table.merge(mergedId, symbols[next[pos]]), pos);
        }
        int kept = 0;
        for (int i = 0; i < length; i++) if (!gone[i]) symbols[kept++] = symbols[i];
        return kept;
    }

    /** A binary min-heap of (rank, position) keys, each carrying the merged id. */
    private static final class Heap {
        private long[] keys;
        private int[] mergedIds;
        private int size;

        Heap(int capacity) {
            keys = new long[Math.max(capacity, 4)];
            mergedIds = new int[keys.length];
        }

        void offer(long merge, int position) {
            if (merge == NONE) return;
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                mergedIds = Arrays.copyOf(mergedIds, size * 2);
            }
            long key = (merge & 0xFFFF_FFFF_0000_0000L) | position;
            int mergedId = (int) merge;
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[parent] <= key) break;
                keys[i] = keys[parent];
                mergedIds[i] = mergedIds[parent];
                i = parent;
            }
            keys[i] = key;
            mergedIds[i] = mergedId;
        }

        int topPosition() {
            return (int) keys[0];
        }

        int topMergedId() {
            return mergedIds[0];
        }

        void pop() {
            long key = keys[--size];
            int mergedId = mergedIds[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && keys[child + 1] < keys[child]) child++;
                if (keys[child] >= key) break;
                keys[i] = keys[child];
                mergedIds[i] = mergedIds[child];
                i = child;
            }
            keys[i] = key;
            mergedIds[i] = mergedId;
        }
    }
}
