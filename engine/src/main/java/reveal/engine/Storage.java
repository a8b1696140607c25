package reveal.engine;

/** A backend's buffer of elements. Only the backend that made it reads its contents. */
public interface Storage {
    /** Number of elements. */
    int size();
}
