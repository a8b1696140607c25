package reveal.opencl;

import static org.jocl.CL.*;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import reveal.engine.Backend;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.Storage;
import reveal.engine.UnaryOp;

/**
 * The float32 backend on an OpenCL device. Storages are device buffers ({@link ClBuffer}); data crosses to the
 * host only in upload and download. All work goes through one in-order command queue, so kernels run in call
 * order and a download sees everything enqueued before it. One instance per device ({@link #on}): the context
 * and its compiled programs live as long as the JVM.
 *
 * <p>Kernel errors may surface only at the next download (the queue is asynchronous); run with
 * {@code -Dreveal.opencl.sync=true} to wait after every kernel and have each error name its kernel.
 */
public final class OpenClBackend implements Backend {
    private static final Map<String, OpenClBackend> BY_DEVICE = new ConcurrentHashMap<>();

    /** Work-group size of the one-item-per-element kernels; fixed, because PoCL compiles once per work-group size. */
    private static final int WG = 128;
    private static final int REDUCE_WG = 256;
    /** Rows of at least this length reduce with a work-group each; shorter ones with one work-item each. */
    private static final int ROW_GROUP_MIN = 64;
    /** Below this many work-items, a long reduction is split in two passes to keep the device busy. */
    private static final int FEW_OUTPUTS = 4096;
    /**
     * GEMM tiles (see gemm.cl) as TSM,TSN,TSK,WPTM,WPTN; {@code -Dreveal.opencl.gemmTiles} overrides them. On GPUs a
     * 64 x 64 block of C per work-group of 16 x 16 items, 4 x 4 each; CPU drivers (PoCL) run the work-group as a
     * loop and prefer fewer items with larger register blocks.
     */
    private static final String GPU_TILES = "64,64,16,4,4", CPU_TILES = "64,64,16,8,8";
    /** The tiled kernel pays off once both sides of C fill most of a tile. */
    private static final int TILED_MIN_SIDE = 32;

    private final OpenClDevices.Device device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final DeviceMemory memory;
    private final Programs programs;
    private final int tsm, tsn, tsk, wptm, wptn;
    private final boolean syncEachKernel = Boolean.getBoolean("reveal.opencl.sync");
    /** Null until the tiled GEMM kernel is first built. */
    private Boolean tiledFits;
    /** The latest launch, for errors that surface later than the kernel that caused them. */
    private String lastKernel = "none";
    private long[] lastGlobal = {};

    private OpenClBackend(OpenClDevices.Device device) {
        this.device = device;
        cl_device_id id = OpenClDevices.deviceHandle(device);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, OpenClDevices.platformHandle(device));
        try {
            context = clCreateContext(props, 1, new cl_device_id[] {id}, null, null, null);
            queue = clCreateCommandQueue(context, id, 0, null);
        } catch (CLException e) {
            throw new OpenClException("cannot open device " + device + ": " + e.getMessage(), e.getStatus(), e);
        }
        int[] tiles = tiles(System.getProperty("reveal.opencl.gemmTiles", device.isGpu() ? GPU_TILES : CPU_TILES));
        tsm = tiles[0];
        tsn = tiles[1];
        tsk = tiles[2];
        wptm = tiles[3];
        wptn = tiles[4];
        long limit = Long.getLong("reveal.opencl.memoryLimitMB", device.globalMemory() * 3 / 4 / 1048576) * 1048576;
        memory = new DeviceMemory(context, describeDevice(), limit, device.maxAllocation());
        programs = new Programs(context, id, describeDevice(), buildOptions());
    }

    /** The backend of a device, created (context, queue) on first use and shared after. */
    public static OpenClBackend on(OpenClDevices.Device device) {
        return BY_DEVICE.computeIfAbsent(device.spec(), s -> new OpenClBackend(device));
    }

    public OpenClDevices.Device device() {
        return device;
    }

    DeviceMemory memory() {
        return memory;
    }

    private String describeDevice() {
        return "'" + device.name() + "' (" + device.spec() + ")";
    }

    private Map<String, String> buildOptions() {
        String common = "-D real_t=float";
        StringBuilder ops = new StringBuilder(common);
        for (UnaryOp op : UnaryOp.values()) ops.append(" -D U_").append(op.name()).append('=').append(op.ordinal());
        for (BinaryOp op : BinaryOp.values()) ops.append(" -D B_").append(op.name()).append('=').append(op.ordinal());
        Map<String, String> m = new HashMap<>();
        m.put("elementwise.cl", ops.toString());
        m.put("copy.cl", common);
        m.put("index.cl", common);
        m.put("reduce.cl", common + " -D REDUCE_WG=" + REDUCE_WG);
        m.put("gemm.cl", common + " -D TSM=" + tsm + " -D TSN=" + tsn + " -D TSK=" + tsk + " -D WPTM=" + wptm + " -D WPTN=" + wptn);
        return m;
    }

    private static int[] tiles(String spec) {
        int[] t = Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        if (t.length != 5 || t[0] % 4 != 0 || t[1] % 4 != 0 || t[2] % 4 != 0 || t[3] < 1 || t[4] < 1 || t[0] % t[3] != 0 || t[1] % t[4] != 0) {
            throw new IllegalArgumentException("reveal.opencl.gemmTiles '" + spec
                    + "': expected TSM,TSN,TSK,WPTM,WPTN with TSM, TSN, TSK multiples of 4, TSM a multiple of WPTM and TSN of WPTN");
        }
        return t;
    }

    @Override
    public String name() {
        return device.spec();
    }

    @Override
    public boolean isDouble() {
        return false;
    }

    @Override
    public String toString() {
        return "OpenClBackend on " + device;
    }

    private static ClBuffer buf(Storage s) {
        if (s instanceof ClBuffer b) return b;
        throw new IllegalArgumentException("opencl backend: storage " + s + " belongs to another backend");
    }

    // ------------------------------------------------------------------ transfers

    @Override
    public Storage zeros(int n) {
        ClBuffer b = memory.allocate(n, "zeros");
        fillZero(b, n);
        return b;
    }

    private void fillZero(ClBuffer b, int n) {
        if (n == 0) return;
        synchronized (this) {
            try {
                clEnqueueFillBuffer(queue, b.mem, Pointer.to(new float[] {0f}), Sizeof.cl_float, 0, (long) Sizeof.cl_float * n, 0, null, null);
            } catch (CLException e) {
                throw memory.failure("zero-filling " + n + " floats", e);
            }
        }
    }

    @Override
    public Storage upload(double[] data) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
        return memory.allocate(f, "upload");
    }

    @Override
    public Storage upload(float[] data) {
        return memory.allocate(data, "upload");
    }

    @Override
    public float[] downloadFloats(Storage s, Layout layout) {
        ClBuffer src = buf(s);
        int n = layout.size();
        float[] out = new float[n];
        if (n == 0) return out;
        checkRange("download", src, layout);
        ClBuffer dense = src;
        int offset = layout.offset();
        if (!layout.isContiguous()) {
            dense = memory.allocate(n, "download");
            copyStrided(dense, Layout.contiguous(layout.shape()), src, layout);
            offset = 0;
        }
        synchronized (this) {
            try {
                clEnqueueReadBuffer(queue, dense.mem, CL_TRUE, (long) Sizeof.cl_float * offset, (long) Sizeof.cl_float * n, Pointer.to(out), 0, null, null);
            } catch (CLException e) {
                throw memory.failure("downloading " + n + " floats (the latest kernel: " + lastKernel + ", global size "
                        + Arrays.toString(lastGlobal) + ")", e);
            }
        }
        if (dense != src) dense.recycle();
        Reference.reachabilityFence(src);
        return out;
    }

    @Override
    public void copyInto(Storage dstStorage, Layout dst, Storage src, Layout srcLayout) {
        if (!Arrays.equals(dst.shape(), srcLayout.shape())) {
            throw new IllegalArgumentException("copyInto: shapes " + Arrays.toString(dst.shape()) + " and " + Arrays.toString(srcLayout.shape()));
        }
        ClBuffer d = buf(dstStorage), s = buf(src);
        checkRange("copyInto", d, dst);
        checkRange("copyInto", s, srcLayout);
        int n = dst.size();
        if (n == 0) return;
        if (d != s && dst.isContiguous() && srcLayout.isContiguous()) {
            synchronized (this) {
                try {
                    clEnqueueCopyBuffer(queue, s.mem, d.mem, (long) Sizeof.cl_float * srcLayout.offset(), (long) Sizeof.cl_float * dst.offset(),
                            (long) Sizeof.cl_float * n, 0, null, null);
                } catch (CLException e) {
                    throw memory.failure("copying " + n + " floats", e);
                }
                Reference.reachabilityFence(s);
                Reference.reachabilityFence(d);
            }
            return;
        }
        copyStrided(d, dst, s, srcLayout);
    }

    private void copyStrided(ClBuffer d, Layout dl, ClBuffer s, Layout sl) {
        Strided plan = Strided.of(dl.shape(), dl.strides(), sl.strides());
        plan.forEachBlock(new int[] {dl.offset(), sl.offset()}, b -> launch("copy.cl", "copy_strided", b.size(),
                d, b.offsets()[0], s, b.offsets()[1], b.size(), b.rank(), b.shape8(), b.strides8()[0], b.strides8()[1]));
    }

    /** Refuses views that reach outside their storage: on a GPU such a read may take the device down. */
    private static void checkRange(String op, ClBuffer b, Layout l) {
        if (l.size() == 0) return;
        long last = l.offset();
        for (int d = 0; d < l.rank(); d++) last += (long) (l.shape()[d] - 1) * l.strides()[d];
        if (l.offset() < 0 || last >= b.size()) {
            throw new IllegalArgumentException(op + ": view " + l + " reaches element " + last + " of a storage of " + b.size());
        }
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Storage unary(UnaryOp op, Storage x, Layout xl, double c) {
        ClBuffer in = buf(x);
        checkRange(op.name().toLowerCase(), in, xl);
        int n = xl.size();
        ClBuffer out = memory.allocate(n, op.name().toLowerCase());
        if (n == 0) return out;
        float fc = op == UnaryOp.GT_SCALAR ? floatThreshold(c) : (float) c;
        Strided plan = Strided.of(xl.shape(), xl.strides());
        plan.forEachBlock(new int[] {xl.offset()}, b -> launch("elementwise.cl", "unary", b.size(),
                out, b.outOffset(), in, b.offsets()[0], b.size(), b.rank(), b.shape8(), b.strides8()[0], op.ordinal(), fc));
        return out;
    }

    /**
     * The float t with {@code x > t} exactly when {@code x > c} for every float x, c a double: c itself when it is
     * a float, else the float just below it (there is no float between the two).
     */
    static float floatThreshold(double c) {
        float f = (float) c;
        return (double) f <= c || Double.isNaN(c) ? f : Math.nextDown(f);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl) {
        if (!Arrays.equals(al.shape(), bl.shape())) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": shapes " + Arrays.toString(al.shape()) + " and " + Arrays.toString(bl.shape()));
        }
        ClBuffer x = buf(a), y = buf(b);
        checkRange(op.name().toLowerCase(), x, al);
        checkRange(op.name().toLowerCase(), y, bl);
        int n = al.size();
        ClBuffer out = memory.allocate(n, op.name().toLowerCase());
        if (n == 0) return out;
        Strided plan = Strided.of(al.shape(), al.strides(), bl.strides());
        plan.forEachBlock(new int[] {al.offset(), bl.offset()}, blk -> launch("elementwise.cl", "binary", blk.size(),
                out, blk.outOffset(), x, blk.offsets()[0], y, blk.offsets()[1], blk.size(), blk.rank(), blk.shape8(),
                blk.strides8()[0], blk.strides8()[1], op.ordinal()));
        return out;
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public Storage reduce(ReduceOp op, Storage x, int outer, int n, int inner) {
        ClBuffer in = buf(x);
        long need = (long) outer * n * inner;
        if (outer < 0 || n < 0 || inner < 0 || need > in.size()) {
            throw new IllegalArgumentException("reduce " + op + ": [" + outer + ", " + n + ", " + inner + "] over a storage of " + in.size());
        }
        int outputs = outer * inner, isMax = op == ReduceOp.MAX ? 1 : 0;
        String what = "reduce " + op.name().toLowerCase() + " [" + outer + ", " + n + ", " + inner + "]";
        boolean rowGroups = inner == 1 && n >= ROW_GROUP_MIN;
        long items = rowGroups ? (long) outer * REDUCE_WG : outputs;
        if (outputs > 0 && items < FEW_OUTPUTS && n >= 4 * ROW_GROUP_MIN) {
            // One pass would leave most of the device idle: partial results [outer, parts, inner] first, then reduce those.
            int parts = Math.min(ceil(n, ROW_GROUP_MIN), ceil(4 * FEW_OUTPUTS, outputs));
            int chunk = ceil(n, parts);
            parts = ceil(n, chunk);
            ClBuffer partial = memory.allocate(outputs * parts, what);
            launch("reduce.cl", "reduce_cols", outputs * parts, partial, in, outputs * parts, n, inner, chunk, parts, isMax);
            Storage out = reduce(op, partial, outer, parts, inner);
            partial.recycle();
            return out;
        }
        ClBuffer out = memory.allocate(outputs, what);
        if (outputs == 0) return out;
        if (rowGroups) {
            launchGroups("reduce.cl", "reduce_rows", new long[] {(long) outer * REDUCE_WG}, new long[] {REDUCE_WG}, out, in, n, isMax);
        } else {
            launch("reduce.cl", "reduce_cols", outputs, out, in, outputs, n, inner, Math.max(n, 1), 1, isMax);
        }
        return out;
    }

    // ------------------------------------------------------------------ products

    @Override
    public Storage matmul(Storage a, int aOff, int aBatchStride, boolean transA, int lda,
                          Storage b, int bOff, int bBatchStride, boolean transB, int ldb,
                          int batch, int m, int n, int k) {
        ClBuffer x = buf(a), y = buf(b);
        String what = "matmul batch=" + batch + " m=" + m + " n=" + n + " k=" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "");
        if (batch < 0 || m < 0 || n < 0 || k < 0) throw new IllegalArgumentException(what + ": negative size");
        long total = (long) batch * m * n;
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": the result exceeds 2^31 elements");
        ClBuffer out = memory.allocate((int) total, what);
        if (total == 0) return out;
        if (k == 0) {
            fillZero(out, (int) total);
            return out;
        }
        checkOperand(what, "A", x, aOff, aBatchStride, batch, transA ? k : m, transA ? m : k, lda);
        checkOperand(what, "B", y, bOff, bBatchStride, batch, transB ? n : k, transB ? k : n, ldb);
        int ta = transA ? 1 : 0, tb = transB ? 1 : 0;
        if (m >= TILED_MIN_SIDE && n >= TILED_MIN_SIDE && tiledFits()) {
            long[] global = {(long) ceil(n, tsn) * (tsn / wptn), (long) ceil(m, tsm) * (tsm / wptm), batch};
            long[] local = {tsn / wptn, tsm / wptm, 1};
            launchGroups("gemm.cl", "gemm_tiled", global, local, x, aOff, aBatchStride, lda, ta, y, bOff, bBatchStride, ldb, tb, out, m, n, k);
        } else {
            launch("gemm.cl", "gemm_direct", (int) total, x, aOff, aBatchStride, lda, ta, y, bOff, bBatchStride, ldb, tb, out, m, n, k, (int) total);
        }
        return out;
    }

    /** Whether the device runs the tiled kernel's work-group (some small GPUs cap it below 256). */
    private synchronized boolean tiledFits() {
        if (tiledFits == null) {
            cl_kernel k = programs.kernel("gemm.cl", "gemm_tiled");
            tiledFits = programs.maxWorkGroup(k) >= (long) (tsm / wptm) * (tsn / wptn);
        }
        return tiledFits;
    }

    private static void checkOperand(String what, String name, ClBuffer s, int off, int batchStride, int batch, int rows, int cols, int ld) {
        if (ld < cols || off < 0 || batchStride < 0) {
            throw new IllegalArgumentException(what + ": operand " + name + " (" + rows + " x " + cols + ") has leading dimension " + ld
                    + ", offset " + off + ", batch stride " + batchStride);
        }
        long last = off + (long) (batch - 1) * batchStride + (long) (rows - 1) * ld + cols - 1;
        if (last >= s.size()) {
            throw new IllegalArgumentException(what + ": operand " + name + " reaches element " + last + " of a storage of " + s.size());
        }
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    // ------------------------------------------------------------------ indexing

    @Override
    public Storage gatherRows(Storage table, int rows, int width, int[] ids) {
        ClBuffer t = buf(table);
        String what = "gatherRows " + ids.length + " of [" + rows + ", " + width + "]";
        if ((long) rows * width > t.size()) throw new IllegalArgumentException(what + ": storage holds only " + t.size());
        checkIds(what, ids, rows);
        long total = (long) ids.length * width;
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": the result exceeds 2^31 elements");
        ClBuffer out = memory.allocate((int) total, what);
        if (total == 0) return out;
        cl_mem idBuf = memory.ints(ids, what);
        try {
            launch("index.cl", "gather_rows", (int) total, out, t, idBuf, width, (int) total);
        } finally {
            clReleaseMemObject(idBuf); // freed by the driver once the kernel is done
        }
        return out;
    }

    @Override
    public Storage scatterAddRows(Storage src, int width, int[] ids, int rows) {
        ClBuffer s = buf(src);
        String what = "scatterAddRows " + ids.length + " rows into [" + rows + ", " + width + "]";
        if ((long) ids.length * width > s.size()) throw new IllegalArgumentException(what + ": source holds only " + s.size());
        checkIds(what, ids, rows);
        long total = (long) rows * width;
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": the result exceeds 2^31 elements");
        ClBuffer out = (ClBuffer) zeros((int) total);
        if (ids.length == 0 || width == 0) return out;
        int[] meta = scatterPlan(ids);
        int unique = (meta.length - ids.length - 1) / 2;
        cl_mem metaBuf = memory.ints(meta, what);
        try {
            launch("index.cl", "scatter_add_rows", unique * width, out, s, metaBuf, unique, width, unique * width);
        } finally {
            clReleaseMemObject(metaBuf);
        }
        return out;
    }

    /**
     * The sources of each destination row: {@code [dest (U), starts (U + 1), order (N)]}, U the distinct ids,
     * sources in ascending order within a row (a stable sort by destination).
     */
    static int[] scatterPlan(int[] ids) {
        int n = ids.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = (long) ids[i] << 32 | i;
        Arrays.sort(keys);
        int unique = 0;
        for (int i = 0; i < n; i++) if (i == 0 || (int) (keys[i] >>> 32) != (int) (keys[i - 1] >>> 32)) unique++;
        int[] meta = new int[2 * unique + 1 + n];
        int u = 0;
        for (int i = 0; i < n; i++) {
            int id = (int) (keys[i] >>> 32);
            if (i == 0 || id != (int) (keys[i - 1] >>> 32)) {
                meta[u] = id;
                meta[unique + u] = i;
                u++;
            }
            meta[2 * unique + 1 + i] = (int) keys[i];
        }
        meta[2 * unique] = n;
        return meta;
    }

    private static void checkIds(String what, int[] ids, int rows) {
        for (int id : ids) if (id < 0 || id >= rows) throw new IllegalArgumentException(what + ": index " + id + " out of range [0, " + rows + ")");
    }

    // ------------------------------------------------------------------ launching

    /** One work-item per element: {@code n} items in groups of {@link #WG}. */
    private void launch(String file, String kernel, int n, Object... args) {
        launchGroups(file, kernel, new long[] {(long) ceil(n, WG) * WG}, new long[] {WG}, args);
    }

    /**
     * Sets the arguments (ClBuffer, cl_mem, Integer, Float, or an int[8] for an int8) and enqueues. Buffers stay
     * reachable until the kernel is enqueued, so none is recycled under it.
     */
    private synchronized void launchGroups(String file, String kernel, long[] global, long[] local, Object... args) {
        cl_kernel k = programs.kernel(file, kernel);
        lastKernel = kernel;
        lastGlobal = global;
        try {
            for (int i = 0; i < args.length; i++) setArg(k, i, args[i]);
            try {
                clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
            } catch (CLException e) {
                if (!DeviceMemory.isOutOfMemory(e.getStatus())) throw e;
                memory.reclaimAll(); // lazily allocated buffers may meet the device's limit only now
                clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
            }
            if (syncEachKernel) clFinish(queue);
        } catch (CLException e) {
            throw new OpenClException("kernel " + kernel + " (kernels/" + file + ") failed on device " + describeDevice() + ": " + e.getMessage()
                    + "; global size " + Arrays.toString(global) + ", local size " + Arrays.toString(local) + ", arguments "
                    + describe(args), e.getStatus(), e);
        } finally {
            Reference.reachabilityFence(args);
        }
    }

    private static void setArg(cl_kernel k, int i, Object a) {
        if (a instanceof ClBuffer b) clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(b.mem));
        else if (a instanceof cl_mem m) clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m));
        else if (a instanceof Integer v) clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
        else if (a instanceof Float v) clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
        else if (a instanceof int[] v && v.length == 8) clSetKernelArg(k, i, Sizeof.cl_int8, Pointer.to(v));
        else throw new IllegalArgumentException("kernel argument " + i + ": unsupported " + a);
    }

    private static String describe(Object[] args) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) s.append(", ");
            Object a = args[i];
            s.append(a instanceof int[] v ? Arrays.toString(v) : a instanceof cl_mem ? "index buffer" : String.valueOf(a));
        }
        return s.append(')').toString();
    }
}
