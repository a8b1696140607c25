package reveal.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of Hugging Face tokenizers (and of GPT-2's encoder.py): a word's characters become vocabulary ids
 * (missing ones as {@code <0xHH>} byte tokens when byte_fallback is on, else as the unknown token), then merges
 * apply by rank. Results for short words are cached, as text repeats its words.
 */
final class BpeModel {
    private static final int CACHE_MAX_WORD_LENGTH = 256;
    private static final int CACHE_CAPACITY = 200_000;

    private final Map<String, Integer> vocab;
    private final String[] tokens;
    private final MergeTable merges = new MergeTable();
    private final int[] bmpCharIds = new int[Character.MAX_VALUE + 1];
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final int[] byteIds;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param merges  pairs of vocabulary entries in rank order; each pair's concatenation must be in the vocabulary
     * @param unk     the unknown token, or null to drop characters that are neither in the vocabulary nor bytes
     * @param where   the file, for error messages
     */
    BpeModel(Map<String, Integer> vocab, List<String[]> merges, String unk, boolean fuseUnk, boolean byteFallback,
             boolean ignoreMerges, String where) {
        this.vocab = vocab;
        int maxId = -1;
        for (int id : vocab.values()) maxId = Math.max(maxId, id);
        tokens = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) tokens[e.getValue()] = e.getKey();
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            int left = idOf(pair[0], rank, where);
            int right = idOf(pair[1], rank, where);
            int merged = idOf(pair[0] + pair[1], rank, where);
            this.merges.put(left, right, rank, merged);
        }
        if (unk != null && !vocab.containsKey(unk)) {
            throw new IllegalArgumentException(where + ": unk_token \"" + unk + "\" is not in the vocabulary");
        }
        this.unkId = unk == null ? -1 : vocab.get(unk);
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        Arrays.fill(bmpCharIds, -1);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().length() == 1) bmpCharIds[e.getKey().charAt(0)] = e.getValue();
        }
        byteIds = new int[256];
        for (int b = 0; b < 256; b++) byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
    }

    private int idOf(String token, int rank, String where) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(where + ": merge " + rank + " uses \"" + token
                    + "\", which is not in the vocabulary");
        }
        return id;
    }

    /** The highest id of the model's vocabulary plus one. */
    int size() {
        return tokens.length;
    }

    int id(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** The token of an id, or null if the model has no such id. */
    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    void tokenize(String word, IntList out) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = mergeWord(word);
            if (word.length() < CACHE_MAX_WORD_LENGTH && cache.size() < CACHE_CAPACITY) cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] mergeWord(String word) {
        int[] symbols = new int[word.length() * 4];
        int length = 0;
        boolean pendingUnk = false;
        for (int i = 0; i < word.length(); ) {
            char c = word.charAt(i);
            int end = Character.isHighSurrogate(c) && i + 1 < word.length() ? i + 2 : i + 1;
            int id = end == i + 1 ? bmpCharIds[c] : vocab.getOrDefault(word.substring(i, end), -1);
            String character = id >= 0 ? null : word.substring(i, end);
            i = end;
            if (id >= 0) {
                if (pendingUnk) symbols[length++] = unkId;
                pendingUnk = false;
                symbols[length++] = id;
            } else if (byteFallback && hasByteTokens(character)) {
                if (pendingUnk) symbols[length++] = unkId;
                pendingUnk = false;
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) symbols[length++] = byteIds[b & 0xFF];
            } else if (unkId >= 0) {
                if (pendingUnk && !fuseUnk) symbols[length++] = unkId;
                pendingUnk = true;
            }
        }
        if (pendingUnk) symbols[length++] = unkId;
        length = PairMerger.mergeAll(symbols, length, merges);
        return Arrays.copyOf(symbols, length);
    }

    private boolean hasByteTokens(String character) {
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            if (byteIds[b & 0xFF] < 0) return false;
        }
        return true;
    }
}
