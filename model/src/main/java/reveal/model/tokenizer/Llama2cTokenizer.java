package reveal.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer of Karpathy's llama2.c ({@code tokenizer.bin}, e.g. tinyllamas' tok512.bin): int32
 * max_token_length, then per token float32 score, int32 byte length and the UTF-8 bytes, little-endian, to the end of
 * the file. Ids 0/1/2 are unk/BOS/EOS and 3..258 the byte tokens {@code <0x00>..<0xFF>}. Encoding is run.c's
 * {@code encode}: a dummy-prefix " " token, one token per code point (unknown ones as byte tokens, id = byte + 3),
 * then repeatedly the adjacent pair whose concatenation is the best-scoring vocabulary entry, leftmost first.
 */
final class Llama2cTokenizer implements Tokenizer {
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;

    private final String[] pieces;
    private final Map<String, Integer> ids = new HashMap<>();
    private final MergeTable merges = new MergeTable();
    private final int spaceId;

    private Llama2cTokenizer(String[] pieces, float[] scores, Path file) {
        this.pieces = pieces;
        for (int id = pieces.length - 1; id >= 0; id--) ids.put(pieces[id], id); // a duplicate piece finds its first id
        for (int b = 0; b < 256; b++) {
            String expected = String.format("<0x%02X>", b);
            if (BYTE_OFFSET + b >= pieces.length || !pieces[BYTE_OFFSET + b].equals(expected)) {
                throw new IllegalArgumentException(file + ": token " + (BYTE_OFFSET + b) + " should be the byte token "
                        + expected + " (llama2.c hard-codes id = byte + 3), found "
                        + (BYTE_OFFSET + b < pieces.length ? "\"" + pieces[BYTE_OFFSET + b] + "\"" : "end of file"));
            }
        }
        Integer space = ids.get(" ");
        if (space == null) throw new IllegalArgumentException(file + ": no \" \" token for llama2.c's dummy prefix");
        spaceId = space;
        int[] rank = scoreRanks(scores);
        for (int merged = 0; merged < pieces.length; merged++) {
            String piece = pieces[merged];
            if (ids.get(piece) != merged) continue; // a duplicate entry: lookups find the first one
            for (int cut = 1; cut < piece.length(); cut++) {
                Integer left = ids.get(piece.substring(0, cut));
                Integer right = ids.get(piece.substring(cut));
                if (left != null && right != null) merges.put(left, right, rank[merged], merged);
            }
        }
    }

    /** Rank 0 for the highest score; equal scores share a rank, so the leftmost pair wins as in run.c. */
    private static int[] scoreRanks(float[] scores) {
        float[] distinct = new float[scores.length];
        for (int i = 0; i < scores.length; i++) distinct[i] = scores[i] + 0.0f; // -0.0 == 0.0, as in C
        Arrays.sort(distinct);
        int count = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[i - 1]) distinct[count++] = distinct[i];
        }
        int[] rank = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            rank[i] = count - 1 - Arrays.binarySearch(distinct, 0, count, scores[i] + 0.0f);
        }
        return rank;
    }

    static Llama2cTokenizer read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read llama2.c tokenizer " + file, e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) throw new IllegalArgumentException(file + ": too short for a llama2.c tokenizer");
        int maxTokenLength = in.getInt();
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (in.hasRemaining()) {
            int at = in.position();
            if (in.remaining() < 8) throw truncated(file, pieces.size(), at);
            float score = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxTokenLength || length > in.remaining()) {
                throw new IllegalArgumentException(file + ": token " + pieces.size() + " at byte " + at + " has length "
                        + length + " (max_token_length " + maxTokenLength + ", " + in.remaining() + " bytes left)");
            }
            byte[] piece = new byte[length];
            in.get(piece);
            pieces.add(new String(piece, StandardCharsets.UTF_8));
            scores.add(score);
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) scoreArray[i] = scores.get(i);
        return new Llama2cTokenizer(pieces.toArray(new String[0]), scoreArray, file);
    }

    private static IllegalArgumentException truncated(Path file, int token, int at) {
        return new IllegalArgumentException(file + ": truncated at token " + token + " (byte " + at + ")");
    }

    @Override
    public int[] encode(String text) {
        text = Utf8.withoutLoneSurrogates(text);
        if (text.isEmpty()) return new int[0];
        int[] symbols = new int[1 + text.length() * 3];
        int length = 0;
        symbols[length++] = spaceId;
        for (int i = 0; i < text.length(); ) {
            int end = i + Character.charCount(text.codePointAt(i));
            String codePoint = text.substring(i, end);
            i = end;
            Integer id = ids.get(codePoint);
            if (id != null) {
                symbols[length++] = id;
            } else {
                for (byte b : codePoint.getBytes(StandardCharsets.UTF_8)) symbols[length++] = (b & 0xFF) + BYTE_OFFSET;
            }
        }
        length = PairMerger.mergeAll(symbols, length, merges);
        return Arrays.copyOf(symbols, length);
    }

    /**
     * run.c's decode: byte tokens become their byte, and the leading space of a piece after BOS is dropped. A
     * sequence's first piece loses its leading space too (it is the dummy prefix), so decode(encode(s)) == s.
     */
    @Override
    public String decode(int[] tokenIds) {
        Utf8.Bytes out = new Utf8.Bytes();
        for (int i = 0; i < tokenIds.length; i++) {
            String piece = token(tokenIds[i]);
            if ((i == 0 || tokenIds[i - 1] == BOS) && piece.startsWith(" ")) piece = piece.substring(1);
            int b = Decoders.byteToken(piece);
            if (b >= 0) {
                out.add(b);
            } else {
                for (byte c : piece.getBytes(StandardCharsets.UTF_8)) out.add(c);
            }
        }
        return out.toStringLossy();
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int tokenId(String token) {
        return ids.getOrDefault(token, -1);
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + pieces.length + ")");
        }
        return pieces[id];
    }
}
