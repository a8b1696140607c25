package reveal.attribution.instance;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The training batches LiSSA draws, one per recursion step, endlessly. */
abstract class BatchSchedule {
    final int[] ids;
    final int batchSize;

    private BatchSchedule(int[] ids, int batchSize) {
        if (ids.length == 0) throw new IllegalArgumentException("LiSSA: no training instances to draw batches from");
        this.ids = ids;
        this.batchSize = Math.min(batchSize, ids.length);
    }

    abstract int[] next();

    static BatchSchedule of(LissaConfig cfg, int[] ids, int repeat) {
        return cfg.order() == LissaConfig.BatchOrder.CYCLIC ? new Cyclic(ids, cfg.batchSize()) : new Shuffled(ids, cfg.batchSize(), cfg.seed() + repeat);
    }

    /** A shuffled data loader without drop_last: a fresh permutation every epoch, the last batch possibly short. */
    static final class Shuffled extends BatchSchedule {
        private final SplittableRandom random;
        private int[] epoch;
        private int at;

        Shuffled(int[] ids, int batchSize, long seed) {
            super(ids, batchSize);
            random = new SplittableRandom(seed);
        }

        @Override
        int[] next() {
            if (epoch == null || at == epoch.length) {
                epoch = ids.clone();
                for (int i = epoch.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = epoch[i];
                    epoch[i] = epoch[j];
                    epoch[j] = t;
                }
                at = 0;
            }
            int end = Math.min(at + batchSize, epoch.length);
            int[] batch = Arrays.copyOfRange(epoch, at, end);
            at = end;
            return batch;
        }
    }

    /** Step s takes positions {@code (s * batchSize + i) mod N}: every batch full, wrapping around the set. */
    static final class Cyclic extends BatchSchedule {
        private long step;

        Cyclic(int[] ids, int batchSize) {
            super(ids, batchSize);
        }

        @Override
        int[] next() {
            int[] batch = new int[batchSize];
            for (int i = 0; i < batchSize; i++) batch[i] = ids[(int) ((step * batchSize + i) % ids.length)];
            step++;
            return batch;
        }
    }
}
