package reveal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the dynamic graph that ops record. Gradient rules are written with tensor ops,
 * so with {@code createGraph} the gradients are themselves differentiable (Hessian-vector products are
 * {@code grad(grad(L) . v)}).
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {
    }

    /** A scope in which ops record nothing: {@code try (var s = Autograd.noGrad()) { ... }}. */
    public static Scope noGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    static boolean isRecording() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Gradients of {@code output} (scaled by {@code seed}, or ones when null) with respect to each input, which may
     * be leaves or intermediate tensors. An input the output does not depend on gets zeros.
     */
    public static Tensor[] grad(Tensor output, List<Tensor> inputs, Tensor seed, boolean createGraph) {
        Map<Tensor, Tensor> grads = propagate(output, seed, createGraph, Collections.newSetFromMap(new IdentityHashMap<>()) , inputs);
        Tensor[] out = new Tensor[inputs.size()];
        for (int i = 0; i < out.length; i++) {
            Tensor g = grads.get(inputs.get(i));
            out[i] = g != null ? g : Tensor.zeros(inputs.get(i).backend(), inputs.get(i).shape());
        }
        return out;
    }

    public static Tensor[] grad(Tensor output, List<Tensor> inputs, boolean createGraph) {
        return grad(output, inputs, null, createGraph);
    }

    /** Accumulates d(output)/d(leaf) into {@code leaf.grad()} for every leaf that requires a gradient. */
    static void backward(Tensor output, Tensor seed) {
        Set<Tensor> leaves = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Tensor, Tensor> grads = propagate(output, seed, false, leaves, List.of());
        for (Tensor leaf : leaves) {
            Tensor g = grads.get(leaf);
            if (g != null) leaf.accumulateGrad(g);
        }
    }

    private static Map<Tensor, Tensor> propagate(Tensor output, Tensor seed, boolean createGraph, Set<Tensor> leavesOut, List<Tensor> keep) {
        if (!output.requiresGrad()) throw new IllegalStateException("autograd: the output does not depend on any tensor that requires a gradient");
        Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(keep);
        List<Tensor> order = topologicalOrder(output);
        // With explicit inputs, only tensors that lead to one of them need a gradient: skip the rest of the graph.
        Set<Tensor> relevant = kept.isEmpty() ? null : Collections.newSetFromMap(new IdentityHashMap<>());
        if (relevant != null) {
            for (Tensor t : order) {
                boolean r = kept.contains(t);
                Tensor.Node node = t.node();
                if (!r && node != null) for (Tensor in : node.inputs()) r |= relevant.contains(in);
                if (r) relevant.add(t);
            }
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        try (Scope s = createGraph ? () -> { } : noGrad()) {
            grads.put(output, seed != null ? seed : Tensor.onesLike(output));
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.get(t);
                if (g == null) continue;
                Tensor.Node node = t.node();
                if (node == null) {
                    leavesOut.add(t);
                    continue;
                }
                if (!kept.contains(t)) grads.remove(t);
                Tensor[] ins = node.inputs();
                boolean[] needed = new boolean[ins.length];
                boolean any = false;
                for (int j = 0; j < ins.length; j++) {
                    needed[j] = ins[j].requiresGrad() && (relevant == null || relevant.contains(ins[j]));
                    any |= needed[j];
                }
                if (!any) continue;
                Tensor[] inGrads = node.backward().apply(g, needed);
                for (int j = 0; j < ins.length; j++) {
                    Tensor in = ins[j];
                    Tensor ig = inGrads[j];
                    if (ig == null || !needed[j]) continue;
                    if (!java.util.Arrays.equals(ig.shape(), in.shape())) {
                        throw new IllegalStateException("autograd: gradient of shape " + java.util.Arrays.toString(ig.shape())
                                + " for input of shape " + java.util.Arrays.toString(in.shape()) + " in " + node.op());
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? ig : prev.add(ig));
                }
            }
        }
        return grads;
    }

    /** Tensors reachable from {@code root}, each after all its inputs. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor.Node node = t.node();
            Tensor[] ins = node == null ? new Tensor[0] : node.inputs();
            if (next < ins.length) {
                frame[1] = next + 1;
                Tensor in = ins[next];
                if (in.requiresGrad() && visited.add(in)) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
