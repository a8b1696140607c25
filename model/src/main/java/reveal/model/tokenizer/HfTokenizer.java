package reveal.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A BPE tokenizer with Hugging Face tokenizers' pipeline: added tokens are split out of the raw text, the rest is
 * normalized (normalized added tokens are split out next), pre-tokenized into words, and each word goes through
 * the BPE model. Covers byte-level BPE (GPT-2, OPT, GPT-NeoX, BLOOM, Llama-3) and SentencePiece-style BPE with byte
 * fallback (Llama-2), from tokenizer.json or from GPT-2's vocab.json + merges.txt.
 */
final class HfTokenizer implements Tokenizer {
    private static final List<String> BOS_NAMES = List.of("<|begin_of_text|>", "<s>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("<|end_of_text|>", "</s>", "<|endoftext|>");

    private final BpeModel model;
    private final AddedTokens rawAdded;
    private final AddedTokens normalizedAdded;
    private final Map<Integer, String> addedById = new HashMap<>();
    private final Map<String, Integer> addedByContent = new HashMap<>();
    private final UnaryOperator<String> normalizer;
    private final PreTokenizers.Step preTokenizer;
    private final UnaryOperator<List<String>> decoder;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;

    /**
     * @param preTokenizer null: each normalized segment is one word
     * @param decoder      null: tokens joined by spaces, as Hugging Face does without a decoder
     * @param special      bos/eos as a config file declares them, or null to recognise them by their usual names
     */
    private HfTokenizer(BpeModel model, List<AddedTokens.Token> added, UnaryOperator<String> normalizer,
                        PreTokenizers.Step preTokenizer, UnaryOperator<List<String>> decoder,
                        TokenizerConfig.Special special, String where) {
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.decoder = decoder;
        Map<String, AddedTokens.Token> raw = new LinkedHashMap<>();
        Map<String, AddedTokens.Token> normalized = new LinkedHashMap<>();
        int size = model.size();
        for (AddedTokens.Token token : added) {
            addedById.put(token.id(), token.content());
            addedByContent.put(token.content(), token.id());
            size = Math.max(size, token.id() + 1);
            if (token.normalized()) normalized.put(normalizer.apply(token.content()), token);
            else raw.put(token.content(), token);
        }
        this.rawAdded = new AddedTokens(raw);
        this.normalizedAdded = new AddedTokens(normalized);
        this.vocabSize = size;
        this.bosId = special == null ? firstKnown(BOS_NAMES) : declaredId(special.bos(), "bos_token", where);
        this.eosId = special == null ? firstKnown(EOS_NAMES) : declaredId(special.eos(), "eos_token", where);
    }

    /** Reads a tokenizer.json (model type BPE). */
    static HfTokenizer fromTokenizerJson(Path file, TokenizerConfig.Special special) {
        JsonNode root = JsonNode.read(file);
        JsonNode model = root.get("model");
        String type = model.has("type") ? model.string("type") : "BPE";
        if (!type.equals("BPE")) {
            throw model.get("type").error("unsupported model \"" + type + "\" (supported: BPE)");
        }
        for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            String affix = model.optString(key);
            if (affix != null && !affix.isEmpty()) throw model.get(key).error("unsupported non-empty " + key);
        }
        JsonNode dropout = model.get("dropout");
        if (!dropout.isNull()) throw dropout.error("unsupported BPE dropout (it makes encoding random)");

        Map<String, Integer> vocab = vocab(model.get("vocab"));
        List<String[]> merges = new ArrayList<>();
        for (JsonNode merge : model.get("merges").list()) {
            if (merge.isString()) {
                merges.add(splitMerge(merge.string(), () -> merge.error("expected \"left right\"")));
            } else {
                List<JsonNode> pair = merge.list();
                if (pair.size() != 2) throw merge.error("expected a pair [left, right]");
                merges.add(new String[] {pair.get(0).string(), pair.get(1).string()});
            }
        }
        BpeModel bpe = new BpeModel(vocab, merges, model.optString("unk_token"), model.bool("fuse_unk", false),
                model.bool("byte_fallback", false), model.bool("ignore_merges", false), file.toString());

        List<AddedTokens.Token> added = new ArrayList<>();
        JsonNode addedTokens = root.get("added_tokens");
        if (!addedTokens.isNull()) {
            for (JsonNode token : addedTokens.list()) added.add(addedToken(token.integer("id"), token));
        }
        return new HfTokenizer(bpe, added, Normalizers.fromJson(root.get("normalizer")),
                PreTokenizers.fromJson(root.get("pre_tokenizer")), Decoders.fromJson(root.get("decoder")),
                special, file.toString());
    }

    /** Reads GPT-2's vocab.json + merges.txt (or encoder.json + vocab.bpe), with byte-level pre-tokenizer and decoder. */
    static HfTokenizer fromVocabAndMerges(Path vocabFile, Path mergesFile, TokenizerConfig config) {
        Map<String, Integer> vocab = vocab(JsonNode.read(vocabFile));
        List<String[]> merges = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read merges file " + mergesFile, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) continue;
            int lineNumber = i + 1;
            merges.add(splitMerge(line, () -> new IllegalArgumentException(mergesFile + ": line " + lineNumber
                    + ": expected \"left right\", got \"" + line + "\"")));
        }
        BpeModel bpe = new BpeModel(vocab, merges, null, false, false, false, mergesFile.toString());
        TokenizerConfig.Special special = config.special();
        // Special tokens are matched whole, as transformers' GPT2Tokenizer does; without a config, by their usual names.
        List<String> specialNames = special != null ? special.all()
                : Stream.concat(BOS_NAMES.stream(), EOS_NAMES.stream()).distinct().toList();
        List<AddedTokens.Token> added = new ArrayList<>(config.addedTokens());
        for (String name : specialNames) {
            Integer id = vocab.get(name);
            if (id != null && added.stream().noneMatch(t -> t.content().equals(name))) {
                added.add(new AddedTokens.Token(id, name, false, false, false, false));
            }
        }
        return new HfTokenizer(bpe, added, UnaryOperator.identity(), PreTokenizers.byteLevel(config.addPrefixSpace()),
                Decoders.byteLevel(), special, vocabFile.toString());
    }

    /** A token -> id object (tokenizer.json's model.vocab, vocab.json). */
    private static Map<String, Integer> vocab(JsonNode node) {
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.entries()) vocab.put(e.getKey(), e.getValue().integer());
        return vocab;
    }

    /** An added token as tokenizer.json's added_tokens and tokenizer_config.json's added_tokens_decoder write it. */
    static AddedTokens.Token addedToken(int id, JsonNode node) {
        return new AddedTokens.Token(id, node.string("content"), node.bool("lstrip", false), node.bool("rstrip", false),
                node.bool("single_word", false), node.bool("normalized", !node.bool("special", false)));
    }

    private static String[] splitMerge(String merge, Supplier<IllegalArgumentException> error) {
        String[] parts = merge.split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) throw error.get();
        return parts;
    }

    private int firstKnown(List<String> names) {
        for (String name : names) {
            int id = tokenId(name);
            if (id >= 0) return id;
        }
        return -1;
    }

    private int declaredId(String name, String key, String where) {
        if (name == null) return -1;
        int id = tokenId(name);
        if (id < 0) {
            throw new IllegalArgumentException(where + ": " + key + " \"" + name + "\" declared by the tokenizer "
                    + "config is not in the vocabulary");
        }
        return id;
    }

    @Override
    public int[] encode(String text) {
        IntList ids = new IntList();
        List<PreTokenizers.Piece> words = new ArrayList<>();
        for (AddedTokens.Segment raw : rawAdded.split(Utf8.withoutLoneSurrogates(text))) {
            if (raw.id() >= 0) {
                ids.add(raw.id());
                continue;
            }
            for (AddedTokens.Segment segment : normalizedAdded.split(normalizer.apply(raw.text()))) {
                if (segment.id() >= 0) {
                    ids.add(segment.id());
                    continue;
                }
                boolean atStart = raw.start() == 0 && segment.start() == 0;
                PreTokenizers.Piece piece = new PreTokenizers.Piece(segment.text(), atStart);
                words.clear();
                if (preTokenizer == null) words.add(piece);
                else preTokenizer.split(piece, words);
                for (PreTokenizers.Piece word : words) model.tokenize(word.text(), ids);
            }
        }
        return ids.toArray();
    }

    @Override
    public String decode(int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) tokens.add(token(id));
        if (decoder == null) return String.join(" ", tokens);
        return String.join("", decoder.apply(tokens));
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int tokenId(String token) {
        Integer added = addedByContent.get(token);
        return added != null ? added : model.id(token);
    }

    @Override
    public String token(int id) {
        String token = addedById.containsKey(id) ? addedById.get(id) : model.token(id);
        if (token == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + vocabSize + ")");
        }
        return token;
    }
}
