package reveal.model.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a model folder's tokenizer_config.json and special_tokens_map.json add to its tokenizer files: which tokens
 * are BOS and EOS (tokenizer_config.json wins where both say), and for vocab.json + merges.txt the added tokens and
 * add_prefix_space that tokenizer.json would otherwise carry.
 */
final class TokenizerConfig {
    /** bos/eos (null: the config says there is none) and every declared special token's text. */
    record Special(String bos, String eos, List<String> all) {
    }

    static final TokenizerConfig NONE = new TokenizerConfig(null, List.of(), false);

    private final Special special;
    private final List<AddedTokens.Token> addedTokens;
    private final boolean addPrefixSpace;

    private TokenizerConfig(Special special, List<AddedTokens.Token> addedTokens, boolean addPrefixSpace) {
        this.special = special;
        this.addedTokens = addedTokens;
        this.addPrefixSpace = addPrefixSpace;
    }

    static TokenizerConfig read(Path dir) {
        Path configFile = dir.resolve("tokenizer_config.json");
        Path mapFile = dir.resolve("special_tokens_map.json");
        JsonNode config = Files.isRegularFile(configFile) ? JsonNode.read(configFile) : null;
        JsonNode map = Files.isRegularFile(mapFile) ? JsonNode.read(mapFile) : null;
        boolean declared = false;
        String[] names = new String[4];
        List<String> keys = List.of("bos_token", "eos_token", "unk_token", "pad_token");
        for (int k = 0; k < keys.size(); k++) {
            for (JsonNode source : new JsonNode[] {map, config}) { // the config, read last, wins
                if (source == null || !source.has(keys.get(k))) continue;
                names[k] = tokenText(source.get(keys.get(k)));
                declared |= k < 2;
            }
        }
        List<String> all = new ArrayList<>();
        for (String name : names) if (name != null && !all.contains(name)) all.add(name);
        Special special = declared ? new Special(names[0], names[1], all) : null;

        List<AddedTokens.Token> added = new ArrayList<>();
        boolean addPrefixSpace = false;
        if (config != null) {
            if (config.has("added_tokens_decoder")) {
                for (Map.Entry<String, JsonNode> e : config.get("added_tokens_decoder").entries()) {
                    int id;
                    try {
                        id = Integer.parseInt(e.getKey());
                    } catch (NumberFormatException ex) {
                        throw e.getValue().error("expected a token id as key, got \"" + e.getKey() + "\"");
                    }
                    added.add(HfTokenizer.addedToken(id, e.getValue()));
                }
            }
            addPrefixSpace = config.bool("add_prefix_space", false);
        }
        return new TokenizerConfig(special, added, addPrefixSpace);
    }

    /** A special token is written as its text, as {"content": text, ...}, or as null for none. */
    private static String tokenText(JsonNode node) {
        if (node.isNull()) return null;
        return node.isString() ? node.string() : node.string("content");
    }

    Special special() {
        return special;
    }

    List<AddedTokens.Token> addedTokens() {
        return addedTokens;
    }

    boolean addPrefixSpace() {
        return addPrefixSpace;
    }
}
