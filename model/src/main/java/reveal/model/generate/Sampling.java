package reveal.model.generate;

/**
 * How the next token is chosen: greedy (temperature 0: the first highest logit), or sampled from
 * softmax(logits / temperature) restricted, in Hugging Face's order, to the topK highest logits (0 = all; ties
 * with the k-th are kept) and then to the smallest most-probable set whose mass reaches topP (1 = all), with a
 * generator seeded by {@code seed}.
 */
public record Sampling(double temperature, int topK, double topP, long seed) {

    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }

    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 0);
    }

    public static Sampling sample(double temperature, int topK, double topP, long seed) {
        return new Sampling(temperature, topK, topP, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
