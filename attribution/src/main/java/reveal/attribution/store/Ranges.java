package reveal.attribution.store;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Integer lists written as runs {@code [start, end)} of consecutive values, so that "rows 0..9999 are done" or
 * "row ids 0..N-1" cost a few bytes in a manifest that is rewritten after every row.
 */
final class Ranges {
    private Ranges() {
    }

    /** Runs of consecutive ascending values, in list order: {@code [3,4,5,9] -> [[3,6],[9,10]]}. */
    static List<int[]> encode(int[] values) {
        List<int[]> runs = new ArrayList<>();
        int i = 0;
        while (i < values.length) {
            int j = i + 1;
            while (j < values.length && values[j] == values[j - 1] + 1) j++;
            runs.add(new int[] {values[i], values[j - 1] + 1});
            i = j;
        }
        return runs;
    }

    static List<int[]> encode(BitSet set) {
        List<int[]> runs = new ArrayList<>();
        for (int s = set.nextSetBit(0); s >= 0; ) {
            int e = set.nextClearBit(s);
            runs.add(new int[] {s, e});
            s = set.nextSetBit(e);
        }
        return runs;
    }

    /** The inverse of {@link #encode(int[])} for runs parsed from JSON. */
    static int[] decode(Object parsedRuns, String what) {
        List<?> runs = (List<?>) parsedRuns;
        int n = 0;
        for (Object r : runs) n += run(r, what)[1] - run(r, what)[0];
        int[] out = new int[n];
        int k = 0;
        for (Object r : runs) {
            int[] se = run(r, what);
            for (int v = se[0]; v < se[1]; v++) out[k++] = v;
        }
        return out;
    }

    static BitSet decodeSet(Object parsedRuns, String what) {
        BitSet set = new BitSet();
        for (int v : decode(parsedRuns, what)) set.set(v);
        return set;
    }

    private static int[] run(Object r, String what) {
        List<?> se = (List<?>) r;
        if (se.size() != 2) throw new IllegalArgumentException(what + ": a run must be [start, end), got " + se);
        int s = ((Number) se.get(0)).intValue(), e = ((Number) se.get(1)).intValue();
        if (e < s) throw new IllegalArgumentException(what + ": run [" + s + ", " + e + ") ends before it starts");
        return new int[] {s, e};
    }
}
