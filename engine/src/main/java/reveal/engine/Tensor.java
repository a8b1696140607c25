package reveal.engine;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An n-dimensional array on a {@link Backend}, with a strided {@link Layout} over its storage, and (when it requires a
 * gradient) the node of the graph that produced it. Views (reshape, permute, slice, expand) share storage; every
 * other op returns a new tensor. Each primitive's gradient rule sits next to its forward and is written with tensor
 * ops, so gradients can be differentiated again.
 */
public final class Tensor {

    /** How a tensor was made: its inputs and the rule that maps the output's gradient to theirs. */
    record Node(String op, Tensor[] inputs, Backward backward) {
    }

    /** Maps the output's gradient to the inputs'; {@code needed[i]} is false when input i's gradient is not wanted. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor grad, boolean[] needed);
    }

    private final Backend backend;
    private Storage storage;
    private final Layout layout;
    private boolean requiresGrad;
    private final Node node;
    private Tensor grad;

    private Tensor(Backend backend, Storage storage, Layout layout, Node node) {
        this.backend = backend;
        this.storage = storage;
        this.layout = layout;
        this.node = node;
        this.requiresGrad = node != null;
    }

    // ------------------------------------------------------------------ creation

    public static Tensor of(Backend b, double[] data, int... shape) {
        checkSize("of", data.length, shape);
        return new Tensor(b, b.upload(data), Layout.contiguous(shape), null);
    }

    public static Tensor of(Backend b, float[] data, int... shape) {
        checkSize("of", data.length, shape);
        return new Tensor(b, b.upload(data), Layout.contiguous(shape), null);
    }

    public static Tensor scalar(Backend b, double value) {
        return of(b, new double[] {value});
    }

    public static Tensor zeros(Backend b, int... shape) {
        return new Tensor(b, b.zeros(Layout.sizeOf(shape)), Layout.contiguous(shape), null);
    }

    public static Tensor full(Backend b, double value, int... shape) {
        return zeros(b, shape).unary(UnaryOp.ADD_SCALAR, value);
    }

    public static Tensor ones(Backend b, int... shape) {
        return full(b, 1.0, shape);
    }

    static Tensor onesLike(Tensor t) {
        return ones(t.backend, t.shape());
    }

    /** Normal(0, std) values from a seeded generator: the same seed gives the same numbers on every backend. */
    public static Tensor randn(Backend b, long seed, double std, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[Layout.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian() * std;
        return of(b, d, shape);
    }

    /** Uniform values in [lo, hi) from a seeded generator. */
    public static Tensor rand(Backend b, long seed, double lo, double hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[Layout.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * r.nextDouble();
        return of(b, d, shape);
    }

    /** The same values on another backend (a leaf: no graph crosses backends). */
    public Tensor to(Backend other) {
        if (other == backend) return this;
        return other.isDouble() ? of(other, toDoubleArray(), shape()) : of(other, toFloatArray(), shape());
    }

    private static void checkSize(String op, int n, int[] shape) {
        if (n != Layout.sizeOf(shape)) throw new IllegalArgumentException(op + ": " + n + " values do not fill shape " + Arrays.toString(shape));
    }

    // ------------------------------------------------------------------ accessors

    public Backend backend() {
        return backend;
    }

    public int[] shape() {
        return layout.shape().clone();
    }

    public int dim(int axis) {
        return layout.shape()[axis(axis)];
    }

    public int rank() {
        return layout.rank();
    }

    public int size() {
        return layout.size();
    }

    public Layout layout() {
        return layout;
    }

    public Storage storage() {
        return storage;
    }

    Node node() {
        return node;
    }

    public double[] toDoubleArray() {
        return backend.download(storage, layout);
    }

    public float[] toFloatArray() {
        return backend.downloadFloats(storage, layout);
    }

    public double item() {
        if (size() != 1) throw new IllegalStateException("item: tensor of shape " + Arrays.toString(shape()) + " is not a single value");
        return toDoubleArray()[0];
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape()) + (requiresGrad ? " (requires grad)" : "") + " on " + backend.name();
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable to differentiate with respect to. */
    public Tensor requireGrad() {
        if (node != null) throw new IllegalStateException("requireGrad: only leaves (tensors no op produced) can be marked");
        requiresGrad = true;
        return this;
    }

    /** The accumulated gradient of a leaf after {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad = null;
    }

    /** Replaces a leaf's gradient (clipping, custom accumulation); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), shape())) throw new IllegalArgumentException("setGrad: shape " + Arrays.toString(g.shape()) + " for " + Arrays.toString(shape()));
        grad = g == null ? null : g.detach();
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.detach() : grad.add(g).detach();
    }

    /** Back-propagates this scalar, accumulating into the {@code grad()} of every leaf it depends on. */
    public void backward() {
        if (size() != 1) throw new IllegalStateException("backward: needs a scalar, got shape " + Arrays.toString(shape()));
        Autograd.backward(this, null);
    }

    /** The same values, cut from the graph. */
    public Tensor detach() {
        return new Tensor(backend, storage, layout, null);
    }

    /** Replaces the values of a leaf in place (optimizer steps, weight loading); the shape must match. */
    public void assign(Tensor values) {
        if (node != null) throw new IllegalStateException("assign: only leaves can be assigned");
        if (!Arrays.equals(values.shape(), shape())) throw new IllegalArgumentException("assign: shape " + Arrays.toString(values.shape()) + " into " + Arrays.toString(shape()));
        Tensor v = values.backend == backend ? values.contiguous() : values.to(backend);
        if (layout.isContiguous() && layout.offset() == 0 && storage.size() == size()) storage = v.storage;
        else backend.copyInto(storage, layout, v.storage, v.layout);
    }

    private static Tensor make(String op, Backend b, Storage s, int[] shape, Backward backward, Tensor... inputs) {
        return view(op, b, s, Layout.contiguous(shape), backward, inputs);
    }

    private static Tensor view(String op, Backend b, Storage s, Layout layout, Backward backward, Tensor... inputs) {
        boolean needs = false;
        if (Autograd.isRecording()) for (Tensor t : inputs) needs |= t.requiresGrad;
        return new Tensor(b, s, layout, needs ? new Node(op, inputs, backward) : null);
    }

    // ------------------------------------------------------------------ views

    public int axis(int axis) {
        int r = rank();
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Arrays.toString(shape()));
        return a;
    }

    /** A tensor with the same elements in a new shape; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : size() / known;
        if (Layout.sizeOf(s) != size()) throw new IllegalArgumentException("reshape: cannot view shape " + Arrays.toString(shape()) + " as " + Arrays.toString(newShape));
        if (Arrays.equals(s, layout.shape())) return this;
        Tensor src = layout.isContiguous() ? this : contiguous();
        int[] orig = shape();
        return view("reshape", backend, src.storage, new Layout(s, Layout.contiguousStrides(s), src.layout.offset()),
                (g, need) -> new Tensor[] {g.reshape(orig)}, src);
    }

    public Tensor flatten() {
        return reshape(size());
    }

    public Tensor permute(int... order) {
        int r = rank();
        if (order.length != r) throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " for shape " + Arrays.toString(shape()));
        int[] shape = new int[r], strides = new int[r], inverse = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int a = axis(order[i]);
            if (seen[a]) throw new IllegalArgumentException("permute: repeated axis in " + Arrays.toString(order));
            seen[a] = true;
            shape[i] = layout.shape()[a];
            strides[i] = layout.strides()[a];
            inverse[a] = i;
        }
        return view("permute", backend, storage, new Layout(shape, strides, layout.offset()), (g, need) -> new Tensor[] {g.permute(inverse)}, this);
    }

    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        a = axis(a);
        b = axis(b);
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Elements {@code start <= i < end} along {@code axis} (a view). */
    public Tensor slice(int axis, int start, int end) {
        int a = axis(axis);
        int n = layout.shape()[a];
        if (start < 0 || end > n || start > end) throw new IllegalArgumentException("slice: [" + start + ", " + end + ") of axis " + a + " in shape " + Arrays.toString(shape()));
        int[] shape = shape();
        shape[a] = end - start;
        int[] full = shape();
        Layout l = new Layout(shape, layout.strides().clone(), layout.offset() + start * layout.strides()[a]);
        return view("slice", backend, storage, l, (g, need) -> new Tensor[] {g.padInto(full, a, start)}, this);
    }

    /** Zeros of {@code full} shape with this tensor placed at {@code start} along {@code axis}: the adjoint of slice. */
    private Tensor padInto(int[] full, int axis, int start) {
        Tensor c = contiguous();
        Storage out = backend.zeros(Layout.sizeOf(full));
        int[] strides = Layout.contiguousStrides(full);
        backend.copyInto(out, new Layout(shape(), strides, start * strides[axis]), c.storage, c.layout);
        int end = start + dim(axis);
        return make("pad", backend, out, full, (g, need) -> new Tensor[] {g.slice(axis, start, end)}, this);
    }

    /** Broadcasts to {@code target} (a view with stride 0 along repeated axes); leading axes may be added. */
    public Tensor expand(int... target) {
        int r = target.length, off = r - rank();
        if (off < 0) throw new IllegalArgumentException("expand: cannot expand shape " + Arrays.toString(shape()) + " to " + Arrays.toString(target));
        int[] strides = new int[r];
        for (int i = 0; i < r; i++) {
            if (i < off) continue;
            int n = layout.shape()[i - off];
            if (n == target[i]) strides[i] = layout.strides()[i - off];
            else if (n != 1) throw new IllegalArgumentException("expand: cannot expand shape " + Arrays.toString(shape()) + " to " + Arrays.toString(target));
        }
        if (Arrays.equals(target, layout.shape())) return this;
        int[] orig = shape();
        return view("expand", backend, storage, new Layout(target.clone(), strides, layout.offset()), (g, need) -> new Tensor[] {g.sumTo(orig)}, this);
    }

    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + rank() + 1 : axis;
        int[] s = new int[rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == a ? 1 : layout.shape()[j++];
        return reshape(s);
    }

    public Tensor squeeze(int axis) {
        int a = axis(axis);
        if (dim(a) != 1) throw new IllegalArgumentException("squeeze: axis " + a + " of shape " + Arrays.toString(shape()) + " is not 1");
        int[] s = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) if (i != a) s[j++] = layout.shape()[i];
        return reshape(s);
    }

    /** Dense row-major copy (or this tensor if already dense). */
    public Tensor contiguous() {
        if (layout.isContiguous()) return this;
        Storage out = backend.zeros(size());
        backend.copyInto(out, Layout.contiguous(layout.shape()), storage, layout);
        return make("contiguous", backend, out, shape(), (g, need) -> new Tensor[] {g}, this);
    }

    /** Dense and starting at element 0 of its storage: what kernels without an offset argument need. */
    private Tensor packed() {
        if (layout.isContiguous() && layout.offset() == 0) return this;
        Storage out = backend.zeros(size());
        backend.copyInto(out, Layout.contiguous(layout.shape()), storage, layout);
        return make("contiguous", backend, out, shape(), (g, need) -> new Tensor[] {g}, this);
    }

    /** Reduces a gradient of a broadcast result back to {@code target} by summing over the broadcast axes. */
    public Tensor sumTo(int[] target) {
        if (Arrays.equals(target, layout.shape())) return this;
        Tensor t = this;
        int off = rank() - target.length;
        for (int i = 0; i < off; i++) t = t.sum(0, false);
        for (int i = 0; i < target.length; i++) if (target[i] == 1 && t.dim(i) != 1) t = t.sum(i, true);
        if (!Arrays.equals(t.shape(), target)) throw new IllegalArgumentException("sumTo: cannot reduce shape " + Arrays.toString(shape()) + " to " + Arrays.toString(target));
        return t;
    }

    public static Tensor concat(List<Tensor> parts, int axis) {
        Tensor first = parts.get(0);
        int a = first.axis(axis);
        int[] shape = first.shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] ps = p.shape();
            for (int i = 0; i < shape.length; i++) {
                if (i != a && (ps.length != shape.length || ps[i] != shape[i])) {
                    throw new IllegalArgumentException("concat: shapes " + Arrays.toString(first.shape()) + " and " + Arrays.toString(ps) + " differ outside axis " + a);
                }
            }
            total += ps[a];
        }
        shape[a] = total;
        Backend b = first.backend;
        Storage out = b.zeros(Layout.sizeOf(shape));
        int[] strides = Layout.contiguousStrides(shape);
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            starts[i] = at;
            b.copyInto(out, new Layout(p.shape(), strides, at * strides[a]), p.storage, p.layout);
            at += p.dim(a);
        }
        return make("concat", b, out, shape, (g, need) -> {
            Tensor[] gs = new Tensor[parts.size()];
            for (int i = 0; i < gs.length; i++) gs[i] = g.slice(a, starts[i], starts[i] + parts.get(i).dim(a));
            return gs;
        }, parts.toArray(new Tensor[0]));
    }

    /** Splits along {@code axis} into pieces of the given sizes (views). */
    public Tensor[] split(int axis, int... sizes) {
        Tensor[] out = new Tensor[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = slice(axis, at, at + sizes[i]);
            at += sizes[i];
        }
        if (at != dim(axis)) throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " do not add up to " + dim(axis));
        return out;
    }

    // ------------------------------------------------------------------ elementwise

    Tensor unary(UnaryOp op, double c) {
        Storage out = backend.unary(op, storage, layout, c);
        return make(op.name().toLowerCase(), backend, out, shape(), (g, need) -> new Tensor[] {unaryGrad(op, c, g)}, this);
    }

    private Tensor unaryGrad(UnaryOp op, double c, Tensor g) {
        Tensor x = this;
        switch (op) {
            case NEG: return g.neg();
            case EXP: return g.mul(x.exp());
            case LOG: return g.div(x);
            case SQRT: return g.div(x.sqrt()).mul(0.5);
            case RSQRT: return g.mul(x.rsqrt().pow(3)).mul(-0.5);
            case TANH: { Tensor y = x.tanh(); return g.mul(y.square().neg().add(1.0)); }
            case SIGMOID: { Tensor y = x.sigmoid(); return g.mul(y.mul(y.neg().add(1.0))); }
            case RELU: return g.mul(x.unary(UnaryOp.STEP, 0));
            case ERF: return g.mul(x.square().neg().exp()).mul(SpecialFunctions.TWO_OVER_SQRT_PI);
            case GELU: {
                // d/dx x*Phi(x) = Phi(x) + x*phi(x)
                Tensor cdf = x.mul(SpecialFunctions.INV_SQRT2).erf().add(1.0).mul(0.5);
                Tensor pdf = x.square().mul(-0.5).exp().mul(0.3989422804014327);
                return g.mul(cdf.add(x.mul(pdf)));
            }
            case GELU_TANH: {
                double k = SpecialFunctions.SQRT_2_OVER_PI;
                Tensor x2 = x.square();
                Tensor t = x.mul(x2.mul(0.044715).add(1.0)).mul(k).tanh();
                Tensor dt = t.square().neg().add(1.0).mul(x2.mul(3 * 0.044715).add(1.0)).mul(k);
                return g.mul(t.add(1.0).mul(0.5).add(x.mul(dt).mul(0.5)));
            }
            case SILU: { Tensor s = x.sigmoid(); return g.mul(s.mul(x.mul(s.neg().add(1.0)).add(1.0))); }
            case ABS: return g.mul(x.unary(UnaryOp.SIGN, 0));
            case RECIP: return g.neg().mul(x.recip().square());
            case SQUARE: return g.mul(x).mul(2.0);
            case ADD_SCALAR: return g;
            case MUL_SCALAR: return g.mul(c);
            case POW_SCALAR: return c == 0 ? null : g.mul(x.pow(c - 1)).mul(c);
            case STEP, SIGN, GT_SCALAR: return null;
            default: throw new AssertionError(op);
        }
    }

    public Tensor neg() { return unary(UnaryOp.NEG, 0); }
    public Tensor exp() { return unary(UnaryOp.EXP, 0); }
    public Tensor log() { return unary(UnaryOp.LOG, 0); }
    public Tensor sqrt() { return unary(UnaryOp.SQRT, 0); }
    public Tensor rsqrt() { return unary(UnaryOp.RSQRT, 0); }
    public Tensor tanh() { return unary(UnaryOp.TANH, 0); }
    public Tensor sigmoid() { return unary(UnaryOp.SIGMOID, 0); }
    public Tensor relu() { return unary(UnaryOp.RELU, 0); }
    public Tensor erf() { return unary(UnaryOp.ERF, 0); }
    /** Exact (erf) GELU. */
    public Tensor gelu() { return unary(UnaryOp.GELU, 0); }
    /** The tanh approximation of GELU (GPT-2's gelu_new, BLOOM's bloom_gelu). */
    public Tensor geluTanh() { return unary(UnaryOp.GELU_TANH, 0); }
    public Tensor silu() { return unary(UnaryOp.SILU, 0); }
    public Tensor abs() { return unary(UnaryOp.ABS, 0); }
    public Tensor recip() { return unary(UnaryOp.RECIP, 0); }
    public Tensor square() { return unary(UnaryOp.SQUARE, 0); }
    public Tensor pow(double exponent) { return unary(UnaryOp.POW_SCALAR, exponent); }
    public Tensor add(double c) { return unary(UnaryOp.ADD_SCALAR, c); }
    public Tensor sub(double c) { return unary(UnaryOp.ADD_SCALAR, -c); }
    public Tensor mul(double c) { return unary(UnaryOp.MUL_SCALAR, c); }
    public Tensor div(double c) { return unary(UnaryOp.MUL_SCALAR, 1.0 / c); }
    /** 1 where this > c, else 0 (no gradient). */
    public Tensor gt(double c) { return unary(UnaryOp.GT_SCALAR, c); }

    static int[] broadcastShape(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    Tensor binary(BinaryOp op, Tensor other) {
        if (other.backend != backend) throw new IllegalArgumentException(op.name().toLowerCase() + ": tensors on " + backend.name() + " and " + other.backend.name());
        int[] shape = broadcastShape(op.name().toLowerCase(), layout.shape(), other.layout.shape());
        Tensor a = expand(shape), b = other.expand(shape);
        Storage out = backend.binary(op, a.storage, a.layout, b.storage, b.layout);
        Tensor self = this;
        return make(op.name().toLowerCase(), backend, out, shape, (g, need) -> binaryGrad(op, self, other, g, need), this, other);
    }

    private static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor g, boolean[] need) {
        Tensor ga = !need[0] ? null : switch (op) {
            case ADD -> g;
            case SUB -> g;
            case MUL -> g.mul(b);
            case DIV -> g.div(b);
            case POW -> g.mul(b).mul(a.binary(BinaryOp.POW, b.sub(1.0)));
            case MAX -> g.mul(a.binary(BinaryOp.GT, b));
            case MIN -> g.mul(b.binary(BinaryOp.GT, a));
            case GT, EQ -> null;
        };
        Tensor gb = !need[1] ? null : switch (op) {
            case ADD -> g;
            case SUB -> g.neg();
            case MUL -> g.mul(a);
            case DIV -> g.neg().mul(a).div(b.square());
            case POW -> g.mul(a.binary(BinaryOp.POW, b)).mul(a.log());
            case MAX -> g.mul(a.binary(BinaryOp.GT, b).neg().add(1.0));
            case MIN -> g.mul(b.binary(BinaryOp.GT, a).neg().add(1.0));
            case GT, EQ -> null;
        };
        return new Tensor[] {ga == null ? null : ga.sumTo(a.shape()), gb == null ? null : gb.sumTo(b.shape())};
    }

    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
    public Tensor pow(Tensor o) { return binary(BinaryOp.POW, o); }
    public Tensor maximum(Tensor o) { return binary(BinaryOp.MAX, o); }
    public Tensor minimum(Tensor o) { return binary(BinaryOp.MIN, o); }
    /** 1 where this > o, else 0 (no gradient). */
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
    /** 1 where this == o, else 0 (no gradient). */
    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }

    /** {@code cond ? this : other} elementwise, for a 0/1 mask {@code cond} (broadcasting). */
    public Tensor where(Tensor cond, Tensor other) {
        return other.add(cond.mul(sub(other)));
    }

    /** This tensor with {@code value} wherever the 0/1 {@code mask} is 1. */
    public Tensor maskedFill(Tensor mask, double value) {
        return mul(mask.neg().add(1.0)).add(mask.mul(value));
    }

    // ------------------------------------------------------------------ reductions

    public Tensor sum(int axis, boolean keepDim) {
        return reduce(ReduceOp.SUM, axis, keepDim);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return sum(axis, keepDim).div(dim(axis));
    }

    /** Maximum along an axis; the gradient flows to every element equal to the maximum. */
    public Tensor max(int axis, boolean keepDim) {
        return reduce(ReduceOp.MAX, axis, keepDim);
    }

    public Tensor sum() {
        return reshape(size()).sum(0, false);
    }

    public Tensor mean() {
        return sum().div(size());
    }

    private Tensor reduce(ReduceOp op, int axis, boolean keepDim) {
        int a = axis(axis);
        Tensor c = packed();
        int[] shape = shape();
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        Storage out = backend.reduce(op, c.storage, outer, shape[a], inner);
        int[] kept = shape.clone();
        kept[a] = 1;
        int[] outShape = keepDim ? kept : removeAxis(shape, a);
        Tensor self = this;
        Backward rule;
        if (op == ReduceOp.SUM) {
            rule = (g, need) -> new Tensor[] {g.reshape(kept).expand(shape)};
        } else {
            Tensor maxima = new Tensor(backend, out, Layout.contiguous(kept), null);
            rule = (g, need) -> new Tensor[] {g.reshape(kept).expand(shape).mul(self.eq(maxima))};
        }
        return make(op.name().toLowerCase(), backend, out, outShape, rule, this);
    }

    private static int[] removeAxis(int[] shape, int a) {
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != a) s[j++] = shape[i];
        return s;
    }

    // ------------------------------------------------------------------ matmul

    /** Matrix product over the last two axes, broadcasting the leading (batch) axes. */
    public Tensor matmul(Tensor other) {
        if (rank() < 2 || other.rank() < 2) throw new IllegalArgumentException("matmul: needs rank >= 2, got shapes " + Arrays.toString(shape()) + " and " + Arrays.toString(other.shape()));
        int m = dim(-2), k = dim(-1), k2 = other.dim(-2), n = other.dim(-1);
        if (k != k2) throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(shape()) + " and " + Arrays.toString(other.shape()) + " (inner dimensions " + k + " != " + k2 + ")");
        int[] batchA = Arrays.copyOf(layout.shape(), rank() - 2), batchB = Arrays.copyOf(other.layout.shape(), other.rank() - 2);
        int[] batch;
        try {
            batch = broadcastShape("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(shape()) + " and " + Arrays.toString(other.shape()) + " (batch axes do not broadcast)");
        }
        int nb = Layout.sizeOf(batch);
        Operand pa = Operand.of(expand(concat(batch, m, k)), batch.length);
        Operand pb = Operand.of(other.expand(concat(batch, k, n)), batch.length);
        Storage out = backend.matmul(pa.t.storage, pa.offset, pa.batchStride, pa.trans, pa.ld,
                pb.t.storage, pb.offset, pb.batchStride, pb.trans, pb.ld, nb, m, n, k);
        Tensor a = this;
        return make("matmul", backend, out, concat(batch, m, n), (g, need) -> new Tensor[] {
            need[0] ? g.matmul(other.transpose(-1, -2)).sumTo(a.shape()) : null,
            need[1] ? a.transpose(-1, -2).matmul(g).sumTo(other.shape()) : null
        }, this, other);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /** A matmul operand as the backend wants it: a single batch stride and a row-major or transposed matrix. */
    private record Operand(Tensor t, int offset, int batchStride, boolean trans, int ld) {
        static Operand of(Tensor x, int nBatch) {
            Layout l = x.layout;
            int rows = l.shape()[nBatch], cols = l.shape()[nBatch + 1];
            int rs = l.strides()[nBatch], cs = l.strides()[nBatch + 1];
            Integer bs = batchStride(l, nBatch);
            if (bs != null) {
                // A broadcast (stride-0) row or column axis has no leading dimension a kernel could walk.
                if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) return new Operand(x, l.offset(), bs, false, rows == 1 ? cols : rs);
                if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) return new Operand(x, l.offset(), bs, true, cols == 1 ? rows : cs);
            }
            Tensor c = x.contiguous();
            return new Operand(c, c.layout.offset(), rows * cols, false, cols);
        }

        /** The stride that walks all batch axes as one, or null if they cannot be walked so. */
        private static Integer batchStride(Layout l, int nBatch) {
            int stride = -1;
            int expected = -1;
            for (int i = nBatch - 1; i >= 0; i--) {
                int n = l.shape()[i], s = l.strides()[i];
                if (n == 1) continue;
                if (stride < 0) {
                    stride = s;
                    expected = s * n;
                } else {
                    if (s != expected && !(s == 0 && stride == 0)) return null;
                    expected = s * n;
                }
            }
            return stride < 0 ? 0 : stride;
        }
    }

    // ------------------------------------------------------------------ indexing

    /** Rows {@code ids} of a matrix {@code [rows, width]}: out {@code [ids.length, width]} (embedding lookup). */
    public Tensor gatherRows(int[] ids) {
        if (rank() != 2) throw new IllegalArgumentException("gatherRows: needs a matrix, got shape " + Arrays.toString(shape()));
        int rows = dim(0), width = dim(1);
        for (int id : ids) if (id < 0 || id >= rows) throw new IllegalArgumentException("gatherRows: index " + id + " out of range [0, " + rows + ")");
        Tensor c = packed();
        Storage out = backend.gatherRows(c.storage, rows, width, ids);
        return make("gatherRows", backend, out, new int[] {ids.length, width}, (g, need) -> new Tensor[] {g.scatterAddRows(ids, rows)}, c);
    }

    /** {@code out = zeros(rows, width); out[ids[i]] += this[i]}: the adjoint of gatherRows. */
    public Tensor scatterAddRows(int[] ids, int rows) {
        if (rank() != 2 || dim(0) != ids.length) throw new IllegalArgumentException("scatterAddRows: shape " + Arrays.toString(shape()) + " for " + ids.length + " indices");
        for (int id : ids) if (id < 0 || id >= rows) throw new IllegalArgumentException("scatterAddRows: index " + id + " out of range [0, " + rows + ")");
        Tensor c = packed();
        Storage out = backend.scatterAddRows(c.storage, dim(1), ids, rows);
        return make("scatterAddRows", backend, out, new int[] {rows, dim(1)}, (g, need) -> new Tensor[] {g.gatherRows(ids)}, c);
    }

    /** Along the last axis, the element at {@code index[i]} of each row {@code i}: {@code [..., C] -> [...]}. */
    public Tensor gatherLast(int[] index) {
        int c = dim(-1), rows = size() / c;
        if (index.length != rows) throw new IllegalArgumentException("gatherLast: " + index.length + " indices for " + rows + " rows of shape " + Arrays.toString(shape()));
        int[] flat = new int[rows];
        for (int i = 0; i < rows; i++) {
            if (index[i] < 0 || index[i] >= c) throw new IllegalArgumentException("gatherLast: index " + index[i] + " out of range [0, " + c + ")");
            flat[i] = i * c + index[i];
        }
        int[] outShape = Arrays.copyOf(layout.shape(), rank() - 1);
        return reshape(size(), 1).gatherRows(flat).reshape(outShape);
    }

    /** Selects positions {@code index} along {@code axis}. */
    public Tensor indexSelect(int axis, int[] index) {
        int a = axis(axis);
        Tensor moved = a == 0 ? this : transpose(0, a);
        int[] s = moved.shape();
        Tensor rows = moved.reshape(s[0], -1).gatherRows(index);
        s[0] = index.length;
        Tensor r = rows.reshape(s);
        return a == 0 ? r : r.transpose(0, a);
    }

    // ------------------------------------------------------------------ composites

    /** Softmax along an axis (the maximum is subtracted first; it cancels in the gradient). */
    public Tensor softmax(int axis) {
        Tensor e = sub(max(axis, true).detach()).exp();
        return e.div(e.sum(axis, true));
    }

    public Tensor logSoftmax(int axis) {
        Tensor shifted = sub(max(axis, true).detach());
        return shifted.sub(shifted.exp().sum(axis, true).log());
    }
}
