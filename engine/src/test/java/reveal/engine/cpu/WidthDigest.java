package reveal.engine.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import reveal.engine.Backend;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.Storage;
import reveal.engine.Tensor;
import reveal.engine.UnaryOp;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.nn.Functional;
import reveal.engine.optim.AdamW;
import reveal.engine.optim.Optimizer;

/**
 * The child process of {@link WidthIndependenceTest}: runs a fixed set of computations through the CPU backend on
 * 1 and 2 threads and prints one SHA-256 over the result bits per section, one per thread count, then one over
 * everything. Run under
 * different {@code -XX:MaxVectorSize} settings, the digests must not change.
 */
public final class WidthDigest {
    private final Map<String, MessageDigest> sections = new LinkedHashMap<>();
    private final MessageDigest all = sha256();
    /** The digest of the current thread count's results alone. */
    private MessageDigest perThreads;

    private WidthDigest() {
    }

    public static void main(String[] args) {
        WidthDigest d = new WidthDigest();
        Map<Integer, MessageDigest> byThreads = new LinkedHashMap<>();
        for (int threads : new int[] {1, 2}) {
            d.perThreads = sha256();
            byThreads.put(threads, d.perThreads);
            CpuBackend b = new CpuBackend(threads);
            d.sgemm(threads);
            d.matmul(b);
            d.reductions(b);
            d.rowOps(b);
            d.unary(b);
            d.binary(b);
            d.transformerBlock(b);
            d.training(b);
        }
        System.out.println("lanes " + FloatVector.SPECIES_PREFERRED.length());
        for (Map.Entry<String, MessageDigest> e : d.sections.entrySet()) System.out.println(e.getKey() + " " + hex(e.getValue().digest()));
        for (Map.Entry<Integer, MessageDigest> e : byThreads.entrySet()) System.out.println("threads" + e.getKey() + " " + hex(e.getValue().digest()));
        System.out.println("all " + hex(d.all.digest()));
    }

    /**
     * Adds the bits of {@code values} to a section's digest and to the overall one. NaNs count as one value:
     * Java leaves a NaN's sign and payload unspecified, and they vary with when the JIT compiles a loop.
     */
    private void record(String section, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(values.length);
        for (float v : values) buf.putInt(Float.floatToIntBits(v));
        byte[] bytes = buf.array();
        sections.computeIfAbsent(section, s -> sha256()).update(bytes);
        all.update(bytes);
        perThreads.update(bytes);
    }

    private void record(String section, Tensor t) {
        record(section, t.toFloatArray());
    }

    private static float[] random(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return x;
    }

    /** SGEMM in every transposition on awkward sizes, direct and blocked, several depth blocks, alpha and beta. */
    private void sgemm(int threads) {
        int[][] shapes = {{1, 1, 1}, {7, 13, 5}, {1, 300, 70}, {300, 1, 70}, {20, 20, 37}, {9, 31, 111}, {33, 65, 17},
            {130, 257, 66}, {70, 90, 1100}, {1, 700, 900}, {600, 1, 900}, {66, 2100, 40}};
        float[][] alphaBeta = {{1f, 0f}, {-0.75f, 0.5f}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = t >= 2, tb = t % 2 == 1;
                float[] a = random(m * k + 3, 11L * m + k + t, 1.0), bm = random(k * n + 2, 13L * n + k + t, 1.0);
                for (float[] ab : alphaBeta) {
                    float[] c = random(m * n + 1, m + 17L * n, 1.0);
                    Sgemm.sgemm(ta, tb, m, n, k, ab[0], a, 3, ta ? m : k, bm, 2, tb ? k : n, ab[1], c, 1, n, threads);
                    record("sgemm", c);
                }
            }
        }
    }

    /** Batched products through the backend, as attention heads use them. */
    private void matmul(Backend b) {
        int[][] shapes = {{1, 5, 7, 3}, {12, 17, 17, 16}, {4, 33, 40, 64}, {3, 128, 128, 64}};
        for (int[] s : shapes) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            Storage x = b.upload(random(batch * m * k, batch + m, 1.0)), y = b.upload(random(batch * k * n, n + k, 1.0));
            for (int t = 0; t < 4; t++) {
                boolean ta = t >= 2, tb = t % 2 == 1;
                Storage out = b.matmul(x, 0, m * k, ta, ta ? m : k, y, 0, k * n, tb, tb ? k : n, batch, m, n, k);
                record("matmul", b.downloadFloats(out, Layout.contiguous(batch, m, n)));
            }
        }
    }

    /** Backend.reduce along every position of the axis: inner == 1 and inner > 1, lengths with tails. */
    private void reductions(Backend b) {
        int[] lengths = {1, 3, 7, 15, 16, 17, 31, 33, 64, 100, 257, 1000, 4099};
        int[][] outerInner = {{1, 1}, {3, 1}, {2, 5}, {1, 37}, {4, 600}};
        for (int n : lengths) {
            for (int[] oi : outerInner) {
                int outer = oi[0], inner = oi[1];
                Storage x = b.upload(random(outer * n * inner, n * 31L + inner, 3.0));
                for (ReduceOp op : ReduceOp.values()) {
                    record("reduce", b.downloadFloats(b.reduce(op, x, outer, n, inner), Layout.contiguous(outer, inner)));
                }
            }
        }
        // One long row, large enough to be split across threads.
        Storage big = b.upload(random(200_003, 5, 1.0));
        for (ReduceOp op : ReduceOp.values()) record("reduce", b.downloadFloats(b.reduce(op, big, 1, 200_003, 1), Layout.contiguous(1)));
    }

    /** The row operations built on the reductions, with their gradients. */
    private void rowOps(Backend b) {
        for (int[] shape : new int[][] {{5, 1}, {3, 7}, {4, 33}, {6, 129}, {2, 768}, {2, 3, 50}}) {
            int width = shape[shape.length - 1];
            Tensor x = Tensor.of(b, random(Layout.sizeOf(shape), width, 4.0), shape).requireGrad();
            Tensor w = Tensor.of(b, random(width, 3, 1.0), width).requireGrad(), bias = Tensor.of(b, random(width, 4, 1.0), width).requireGrad();
            List<Tensor> outs = List.of(x.sum(), x.mean(), x.sum(-1, true), x.mean(-1, false), x.max(-1, true), x.sum(0, false),
                    x.max(0, true), x.softmax(-1), x.logSoftmax(-1), x.softmax(0), Functional.layerNorm(x, w, bias, 1e-5),
                    Functional.rmsNorm(x, w, 1e-6));
            Tensor total = null;
            for (Tensor o : outs) {
                record("rowops", o);
                Tensor s = o.mul(Tensor.of(b, random(o.size(), o.size(), 1.0), o.shape())).sum();
                total = total == null ? s : total.add(s);
            }
            if (shape.length == 2) {
                int[] targets = new int[shape[0]];
                for (int i = 0; i < targets.length; i++) targets[i] = (i * 7) % width;
                Tensor ce = Functional.crossEntropy(x, targets);
                record("rowops", ce);
                total = total.add(ce);
            }
            total.backward();
            record("rowops-grad", x.grad());
            record("rowops-grad", w.grad());
            record("rowops-grad", bias.grad());
        }
    }

    /** Every unary op on lengths around vector and chunk boundaries, contiguous and strided. */
    private void unary(Backend b) {
        int[] lengths = {1, 3, 5, 15, 17, 33, 100, 1023, 1031, 2049, 40_000};
        for (int n : lengths) {
            float[] v = random(n, n, 6.0);
            // Special values where the arrays are long enough to hold them.
            float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -100f, 100f, 9f, -9f, 0.625f};
            for (int i = 0; i < specials.length && 3 * i < n; i++) v[3 * i] = specials[i];
            Storage x = b.upload(v);
            Layout dense = Layout.contiguous(n);
            for (UnaryOp op : UnaryOp.values()) {
                double c = op == UnaryOp.POW_SCALAR ? 1.5 : op == UnaryOp.GT_SCALAR ? 0.25 : 0.7;
                record("unary", b.downloadFloats(b.unary(op, x, dense, c), dense));
            }
            if (n >= 4) { // a view with stride 2
                Tensor t = Tensor.of(b, v, n).slice(0, 0, n / 2 * 2).reshape(n / 2, 2).slice(1, 0, 1);
                for (UnaryOp op : UnaryOp.values()) record("unary", b.downloadFloats(b.unary(op, t.storage(), t.layout(), 0.3), Layout.contiguous(t.shape())));
            }
        }
    }

    /** Every binary op dense, with a broadcast scalar on either side, with a broadcast row, and strided. */
    private void binary(Backend b) {
        for (int n : new int[] {1, 3, 17, 33, 100, 1031, 40_000}) {
            float[] xv = random(n, 2L * n, 3.0), yv = random(n, 2L * n + 1, 3.0);
            for (int i = 0; i + 1 < n && i < 8; i += 2) yv[i] = xv[i]; // equal pairs for EQ and MAX/MIN ties
            if (n > 5) {
                xv[1] = -0f;
                yv[1] = 0f;
                xv[3] = Float.NaN;
            }
            Tensor x = Tensor.of(b, xv, n), y = Tensor.of(b, yv, n), s = Tensor.of(b, new float[] {0.375f}, 1);
            for (BinaryOp op : BinaryOp.values()) {
                record("binary", bin(b, op, x, y));
                record("binary", bin(b, op, x, s.expand(n)));
                record("binary", bin(b, op, s.expand(n), y));
            }
        }
        for (int[] rc : new int[][] {{3, 5}, {7, 33}, {40, 768}}) {
            int rows = rc[0], cols = rc[1];
            Tensor x = Tensor.of(b, random(rows * cols, rows, 2.0), rows, cols), row = Tensor.of(b, random(cols, cols, 2.0), 1, cols);
            for (BinaryOp op : BinaryOp.values()) {
                record("binary", bin(b, op, x, row.expand(rows, cols)));
                record("binary", bin(b, op, x.transpose(0, 1).contiguous().transpose(0, 1), x));
            }
        }
    }

    private static float[] bin(Backend b, BinaryOp op, Tensor x, Tensor y) {
        Storage out = b.binary(op, x.storage(), x.layout(), y.storage(), y.layout());
        return b.downloadFloats(out, Layout.contiguous(x.shape()));
    }

    /** Forward and backward of a small GPT-2 block. */
    private void transformerBlock(Backend b) {
        int hidden = 48, ffn = 4 * hidden, tokens = 13, heads = 4;
        List<Tensor> params = TransformerBlock.randomParameters(b, hidden, ffn, 0.2, 3);
        Tensor x = Tensor.randn(b, 9, 1.0, tokens, hidden).requireGrad();
        Tensor out = TransformerBlock.forward(x, params, heads, TransformerBlock.causalMask(b, tokens));
        record("block", out);
        out.square().sum().backward();
        record("block-grad", x.grad());
        for (Tensor p : params) record("block-grad", p.grad());
    }

    /** A few AdamW steps of a tiny MLP classifier with gradient clipping. */
    private void training(Backend b) {
        List<Tensor> p = new ArrayList<>(List.of(Tensor.randn(b, 1, 0.5, 37, 10).requireGrad(), Tensor.zeros(b, 37).requireGrad(),
                Tensor.randn(b, 2, 0.3, 5, 37).requireGrad(), Tensor.zeros(b, 5).requireGrad()));
        AdamW opt = new AdamW(p, 0.01);
        Tensor x = Tensor.randn(b, 3, 1.0, 23, 10);
        int[] labels = new int[23];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 3) % 5;
        for (int step = 0; step < 5; step++) {
            opt.zeroGrad();
            Tensor hidden = Functional.linear(x, p.get(0), p.get(1)).silu();
            Tensor loss = Functional.crossEntropy(Functional.linear(hidden, p.get(2), p.get(3)), labels);
            record("training", loss);
            loss.backward();
            Optimizer.clipGradNorm(p, 1.0);
            opt.step(0.05);
        }
        for (Tensor t : p) record("training", t);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) sb.append(String.format("%02x", x));
        return sb.toString();
    }
}
