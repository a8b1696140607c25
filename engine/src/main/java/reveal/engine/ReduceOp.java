package reveal.engine;

/** Reductions along one axis. */
public enum ReduceOp {
    SUM,
    MAX
}
