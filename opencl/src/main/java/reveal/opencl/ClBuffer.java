package reveal.opencl;

import java.lang.ref.Cleaner;
import org.jocl.cl_mem;
import reveal.engine.Storage;

/** A float32 storage held on the device. Its cl_mem returns to the pool once this object is unreachable (or on {@link #recycle()}). */
final class ClBuffer implements Storage {
    final cl_mem mem;
    private final int size;
    /** Set by {@link DeviceMemory} right after registering this buffer with its cleaner. */
    Cleaner.Cleanable recycler;

    ClBuffer(cl_mem mem, int size) {
        this.mem = mem;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    /** Hands the memory back now: for temporaries whose last use is already enqueued (the in-order queue keeps later reuse after it). */
    void recycle() {
        recycler.clean();
    }

    @Override
    public String toString() {
        return "opencl buffer of " + size + " floats";
    }
}
