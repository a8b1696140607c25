package reveal.model.data;

/** Token ids of one prompt (prefix token first, unpadded) and its gold label. */
public record EncodedExample(int[] ids, int label) {
}
