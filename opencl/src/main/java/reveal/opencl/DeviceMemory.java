package reveal.opencl;

import static org.jocl.CL.*;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device buffers for one context. A buffer whose {@link ClBuffer} became unreachable goes to a pool keyed by its
 * exact size, so the same shapes, step after step, allocate nothing. Reuse is safe because every command goes
 * through one in-order queue: whatever read the old buffer was enqueued before whatever writes the new one.
 *
 * <p>The Java heap does not see device memory, so the garbage collector may run too rarely to return it: past
 * {@code limit} bytes in use, this first frees the idle pool, then asks for a collection.
 */
final class DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long GC_WAIT_MILLIS = 200;

    private final cl_context context;
    private final String device;
    /** Bytes in use past which allocation reclaims; raised when a working set really needs more. */
    private long limit;
    private final long maxAllocation;
    private final long poolCap;
    private final Map<Integer, ArrayDeque<cl_mem>> idle = new HashMap<>();
    private long idleBytes;
    private long liveBytes;

    DeviceMemory(cl_context context, String device, long limit, long maxAllocation) {
        this.context = context;
        this.device = device;
        this.limit = limit;
        this.maxAllocation = maxAllocation;
        this.poolCap = limit / 4; // fixed at a quarter of the initial limit
    }

    /** A buffer of n floats with undefined contents ({@code what} names the op for error messages). */
    ClBuffer allocate(int n, String what) {
        int words = Math.max(1, n); // OpenCL has no empty buffers
        cl_mem mem = takeIdle(words);
        if (mem == null) mem = create(words, null, what);
        return track(mem, n, words);
    }

    /** A buffer holding a copy of {@code data}, written at creation (no queue round trip). */
    ClBuffer allocate(float[] data, String what) {
        int words = Math.max(1, data.length);
        cl_mem mem = create(words, data.length == 0 ? null : Pointer.to(data), what);
        return track(mem, data.length, words);
    }

    /** A small read-only int buffer for index metadata; the caller releases it once its kernel is enqueued. */
    cl_mem ints(int[] data, String what) {
        try {
            return clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_int * Math.max(1, data.length),
                    Pointer.to(data.length == 0 ? new int[1] : data), null);
        } catch (CLException e) {
            throw failure(what + ": cannot allocate " + data.length + " ints", e);
        }
    }

    synchronized long liveBytes() {
        return liveBytes;
    }

    private ClBuffer track(cl_mem mem, int n, int words) {
        synchronized (this) {
            liveBytes += bytes(words);
        }
        ClBuffer b = new ClBuffer(mem, n);
        // The action must not reach the ClBuffer, or it would never become unreachable.
        b.recycler = CLEANER.register(b, new Recycle(this, mem, words));
        return b;
    }

    private record Recycle(DeviceMemory memory, cl_mem mem, int words) implements Runnable {
        @Override
        public void run() {
            memory.giveBack(mem, words);
        }
    }

    private synchronized void giveBack(cl_mem mem, int words) {
        long b = bytes(words);
        liveBytes -= b;
        if (idleBytes + b <= poolCap) {
            idle.computeIfAbsent(words, w -> new ArrayDeque<>()).push(mem);
            idleBytes += b;
        } else {
            clReleaseMemObject(mem);
        }
        notifyAll();
    }

    private synchronized cl_mem takeIdle(int words) {
        ArrayDeque<cl_mem> q = idle.get(words);
        if (q == null || q.isEmpty()) return null;
        idleBytes -= bytes(words);
        return q.pop();
    }

    synchronized void releaseIdle() {
        for (ArrayDeque<cl_mem> q : idle.values()) for (cl_mem m : q) clReleaseMemObject(m);
        idle.clear();
        idleBytes = 0;
    }

    private cl_mem create(int words, Pointer data, String what) {
        long b = bytes(words);
        if (b > maxAllocation) {
            throw new OpenClException(what + ": a buffer of " + words + " floats (" + mib(b) + ") exceeds the largest allocation "
                    + mib(maxAllocation) + " of device " + device, CL_INVALID_BUFFER_SIZE, null);
        }
        if (over(b)) reclaim(b);
        long flags = data == null ? CL_MEM_READ_WRITE : CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR;
        try {
            return clCreateBuffer(context, flags, b, data, null);
        } catch (CLException first) {
            if (!isOutOfMemory(first.getStatus())) throw failure(what + ": cannot allocate " + words + " floats (" + mib(b) + ")", first);
            reclaimAll();
            try {
                return clCreateBuffer(context, flags, b, data, null);
            } catch (CLException e) {
                throw failure(what + ": out of device memory allocating " + words + " floats (" + mib(b) + ", " + mib(liveBytes())
                        + " in use)", e);
            }
        }
    }

    private synchronized boolean over(long request) {
        return liveBytes + idleBytes + request > limit;
    }

    /** Before allocating {@code request} bytes past the limit: frees idle buffers, then collects garbage if still over. */
    private void reclaim(long request) {
        releaseIdle();
        if (!over(request)) return;
        collectGarbage(() -> liveBytes + request > limit);
        synchronized (this) {
            // Still over: the live set itself is this large. Let the limit grow (the driver reports real exhaustion)
            // rather than collect on every allocation.
            if (liveBytes + request > limit) limit = (liveBytes + request) / 4 * 5;
        }
    }

    /** After the driver reported exhaustion: returns everything unreachable and idle to it. */
    void reclaimAll() {
        long[] seen = {-1};
        collectGarbage(() -> { // until the cleaner thread has gone quiet
            boolean changed = liveBytes != seen[0];
            seen[0] = liveBytes;
            return changed;
        });
    }

    /** Runs the collector, then waits (at most {@value #GC_WAIT_MILLIS} ms) while the cleaner thread returns buffers and {@code more} holds. */
    private void collectGarbage(java.util.function.BooleanSupplier more) {
        System.gc();
        long deadline = System.currentTimeMillis() + GC_WAIT_MILLIS;
        synchronized (this) {
            try {
                while (more.getAsBoolean() && System.currentTimeMillis() < deadline) wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        releaseIdle();
    }

    static boolean isOutOfMemory(int status) {
        return status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES || status == CL_OUT_OF_HOST_MEMORY;
    }

    OpenClException failure(String what, CLException e) {
        return new OpenClException(what + " on device " + device + ": " + e.getMessage(), e.getStatus(), e);
    }

    private static long bytes(int words) {
        return (long) Sizeof.cl_float * words;
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
