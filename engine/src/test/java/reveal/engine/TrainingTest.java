package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.nn.Functional;
import reveal.engine.optim.AdamW;
import reveal.engine.optim.LinearSchedule;
import reveal.engine.optim.Optimizer;

/** Tiny models trained with AdamW, a linear schedule and gradient clipping: the loss falls, and runs repeat exactly. */
class TrainingTest {
    private static final int STEPS = 40;

    /** Losses of every step and the final parameters of one training run. */
    record Run(double[] losses, float[][] parameters) {
    }

    /** A model: its parameters on a backend, and the loss of a training step's batch. */
    interface Model {
        List<Tensor> parameters(Backend b);

        Tensor loss(List<Tensor> params, int step);
    }

    static Run train(Backend b, Model model) {
        List<Tensor> params = model.parameters(b);
        AdamW opt = new AdamW(params, 0.01);
        LinearSchedule schedule = new LinearSchedule(0.03, 5, STEPS);
        double[] losses = new double[STEPS];
        for (int step = 0; step < STEPS; step++) {
            opt.zeroGrad();
            Tensor loss = model.loss(params, step);
            losses[step] = loss.item();
            loss.backward();
            Optimizer.clipGradNorm(params, 1.0);
            opt.step(schedule.rate(step));
        }
        float[][] finals = new float[params.size()][];
        for (int i = 0; i < finals.length; i++) finals[i] = params.get(i).toFloatArray();
        return new Run(losses, finals);
    }

    /** XOR of the signs of two coordinates, by a 2-16-2 gelu MLP. */
    static final Model MLP = new Model() {
        @Override
        public List<Tensor> parameters(Backend b) {
            return List.of(Tensor.randn(b, 1, 0.7, 16, 2).requireGrad(), Tensor.zeros(b, 16).requireGrad(),
                    Tensor.randn(b, 2, 0.25, 2, 16).requireGrad(), Tensor.zeros(b, 2).requireGrad());
        }

        @Override
        public Tensor loss(List<Tensor> p, int step) {
            Tensor x = Inputs.tensor(p.get(0).backend(), 3, 1.0, 48, 2);
            double[] xs = x.toDoubleArray();
            int[] labels = new int[48];
            for (int i = 0; i < labels.length; i++) labels[i] = xs[2 * i] * xs[2 * i + 1] > 0 ? 1 : 0;
            Tensor hidden = Functional.linear(x, p.get(0), p.get(1)).gelu();
            return Functional.crossEntropy(Functional.linear(hidden, p.get(2), p.get(3)), labels);
        }
    };

    private static final int VOCAB = 7, TOKENS = 8, HIDDEN = 16;

    /**
     * Next-token prediction of arithmetic sequences {@code (start + i * stride) mod 7} by embeddings, one
     * transformer block, a final layer norm and tied output weights. The last position has no next token: ignored.
     */
    static final Model TRANSFORMER = new Model() {
        @Override
        public List<Tensor> parameters(Backend b) {
            List<Tensor> p = new ArrayList<>(List.of(Tensor.randn(b, 4, 0.5, VOCAB, HIDDEN).requireGrad(),
                    Tensor.randn(b, 5, 0.1, TOKENS, HIDDEN).requireGrad(), Tensor.ones(b, HIDDEN).requireGrad(), Tensor.zeros(b, HIDDEN).requireGrad()));
            p.addAll(TransformerBlock.randomParameters(b, HIDDEN, 2 * HIDDEN, 0.2, 6));
            return p;
        }

        @Override
        public Tensor loss(List<Tensor> p, int step) {
            Tensor total = null;
            for (int s = 0; s < 2; s++) {
                int start = (3 * step + s) % VOCAB, stride = 1 + (step + s) % 3;
                int[] ids = new int[TOKENS], next = new int[TOKENS];
                for (int i = 0; i < TOKENS; i++) {
                    ids[i] = (start + i * stride) % VOCAB;
                    next[i] = i + 1 < TOKENS ? (start + (i + 1) * stride) % VOCAB : -100;
                }
                Backend b = p.get(0).backend();
                Tensor h = p.get(0).gatherRows(ids).add(p.get(1));
                h = TransformerBlock.forward(h, p.subList(4, p.size()), 2, TransformerBlock.causalMask(b, TOKENS));
                Tensor logits = Functional.linear(Functional.layerNorm(h, p.get(2), p.get(3), 1e-5), p.get(0), null);
                Tensor loss = Functional.crossEntropy(logits, next, -100);
                total = total == null ? loss : total.add(loss);
            }
            return total.mul(0.5);
        }
    };

    static List<Model> models() {
        return List.of(MLP, TRANSFORMER);
    }

    @ParameterizedTest
    @MethodSource("models")
    void lossFallsAndRunsRepeatBitForBit(Model model) {
        Function<Integer, Run> run = threads -> train(new CpuBackend(threads), model);
        Run first = run.apply(2), second = run.apply(2);
        double start = first.losses[0], end = Arrays.stream(first.losses, STEPS - 5, STEPS).average().orElseThrow();
        assertTrue(end < 0.4 * start, "loss fell from " + start + " to only " + end + ": " + Arrays.toString(first.losses));
        assertArrayEquals(first.losses, second.losses, 0.0, "a second run with the same seed");
        for (int i = 0; i < first.parameters.length; i++) assertArrayEquals(first.parameters[i], second.parameters[i], 0f, "parameter " + i);
        // The CPU backend sums every element in the same order whatever its thread count.
        assertArrayEquals(first.losses, run.apply(1).losses, 0.0, "a run on one thread");
    }
}
