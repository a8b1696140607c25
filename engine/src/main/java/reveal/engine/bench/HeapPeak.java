package reveal.engine.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap a piece of work occupied, live objects and not-yet-collected garbage together. Occupancy only
 * falls at a collection, so its maximum is either the occupancy just before one of the collections during the work
 * (each reported, with the pools' usage before it, by a GC notification) or the occupancy when the work ends. Pool
 * peak counters would overstate it: each pool peaks at a different moment.
 */
final class HeapPeak {
    private HeapPeak() {
    }

    /** Runs {@code work} after a full collection and returns the peak heap occupancy in bytes. */
    static long measure(Runnable work) {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) heapPools.add(pool.getName());
        }
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        System.gc();
        // Collections up to here (the reset above included) may still be notified late: they are not the work's.
        Map<String, Long> done = new HashMap<>();
        for (GarbageCollectorMXBean gc : collectors) done.put(gc.getName(), gc.getCollectionCount());
        AtomicLong peak = new AtomicLong(), seen = new AtomicLong();
        NotificationListener listener = (Notification n, Object handback) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            if (info.getGcInfo().getId() <= done.getOrDefault(info.getGcName(), 0L)) return;
            long before = 0;
            for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                if (heapPools.contains(e.getKey())) before += e.getValue().getUsed();
            }
            peak.accumulateAndGet(before, Math::max);
            seen.incrementAndGet();
        };
        for (GarbageCollectorMXBean gc : collectors) ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        try {
            work.run();
            MemoryUsage end = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            peak.accumulateAndGet(end.getUsed(), Math::max);
            // Notifications arrive on a service thread: wait (briefly) for every collection that happened.
            long collections = 0;
            for (GarbageCollectorMXBean gc : collectors) collections += gc.getCollectionCount() - done.get(gc.getName());
            for (int i = 0; i < 200 && seen.get() < collections; i++) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (GarbageCollectorMXBean gc : collectors) {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return peak.get();
    }
}
