"""Writes the Hugging Face tokenizer.json fixtures under this folder and, for each, hf_expected.json: the ids and
decoded text that Hugging Face `tokenizers` (the Rust library, here 0.22.2) gives for every string of
gpt2_corpus.json and for a few extra strings per fixture.

    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install tokenizers==0.22.2
    cd model/src/test/resources/tokenizer && /tmp/hf/bin/python make_hf_fixtures.py

Fixtures (all small; only their format, not their vocabulary, comes from the real models):
  hf-gpt2/           the real GPT-2 tokenizer.json (copied, not written here); only hf_expected.json is written
  llama3-style/      Llama-3's Split regex + ByteLevel(use_regex=false), ignore_merges, added tokens past the vocab
  bloom-style/       BLOOM's Split regex + ByteLevel(use_regex=false)
  neox-style/        GPT-NeoX's NFC normalizer, ByteLevel(add_prefix_space=true), added tokens with
                     lstrip / rstrip / single_word / normalized flags
  llama2-style/      stories260K's tok512.bin converted like transformers' LlamaConverter (legacy layout):
                     normalizer Prepend+Replace, BPE with byte_fallback, decoder Replace/ByteFallback/Fuse/Strip
  llama2-metaspace/  the same vocabulary with the newer Metaspace(prepend_scheme="first") pre-tokenizer, and
                     ByteFallback + Metaspace as decoder
  metaspace-split/   the same vocabulary with the old Metaspace(add_prefix_space=true) that splits at each "▁"
                     (only the first 300 corpus strings)
Besides, pre_tokenizers.json: the pieces that single pre-tokenizers (each Split behavior, invert, the Llama-3 and
BLOOM regexes, ByteLevel, Metaspace) cut from extra strings and the first 200 corpus strings.
The byte-level vocabularies are trained here with tokenizers' BpeTrainer on the corpus itself.
"""
import json
import os
import struct

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = [case["text"] for case in json.load(open(os.path.join(HERE, "gpt2_corpus.json"), encoding="utf-8"))["cases"]]

LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
BLOOM_REGEX = " ?[^(\\s|[.,!?…。，、।۔،])]+"

COMMON_EXTRAS = ["x\u0085 y", "x \u0085y", "a \ufeffb", "a\ufeff b", "\u0085\u0085", "  \u0085 ", "x'ſt", "X'ST we'LLo", "HE'LL 'Ll",
                 "Ǆ'S", "\u00a0\u00a0x", "a\r\n\r\nb", " \r\n ", "x  \n\n  y", "١٢٣٤٥٦٧", "12345678", "ok.\n\n\n"]


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def expectations(tokenizer, extras, corpus):
    """Ids for the corpus and the extras; decoded text only where it differs from the input."""
    def entry(text):
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        decoded = tokenizer.decode(ids, skip_special_tokens=False)
        return ids, decoded
    corpus_ids, corpus_decoded = [], {}
    for i, text in enumerate(corpus):
        ids, decoded = entry(text)
        corpus_ids.append(ids)
        if decoded != text:
            corpus_decoded[str(i)] = decoded
    extra_cases = []
    for text in extras:
        ids, decoded = entry(text)
        extra_cases.append({"text": text, "ids": ids, "decoded": decoded})
    return {"source": "Hugging Face tokenizers 0.22.2, encode(add_special_tokens=False) / decode(skip_special_tokens="
                      "False), written by make_hf_fixtures.py",
            "corpus_ids": corpus_ids, "corpus_decoded_where_different": corpus_decoded, "extras": extra_cases}


def save(name, tokenizer, extras, corpus=CORPUS):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    if tokenizer is None:
        tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    else:
        tokenizer.save(os.path.join(folder, "tokenizer.json"))
        tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))  # test what was written
    write_json(os.path.join(folder, "hf_expected.json"), expectations(tokenizer, extras, corpus))


def trained_byte_level(model, pre_tokenizer, vocab_size, special_tokens, normalizer=None):
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(CORPUS, trainer=trainer)
    return tokenizer


def llama3_style():
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    tokenizer = trained_byte_level(models.BPE(ignore_merges=True), pre, 900, [])
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False)
                                  for t in ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]])
    save("llama3-style", tokenizer, COMMON_EXTRAS + [
        "<|begin_of_text|>Hello<|eot_id|>", "a <|end_of_text|> b", "<|begin_of_text|><|end_of_text|>",
        "<|begin_of_text", "x<|eot_id|>\n\ny", "THE'S we'VE", "abcdefghijklmnopqrstuvwxyz1234567"])


def bloom_style():
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(BLOOM_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    tokenizer = trained_byte_level(models.BPE(), pre, 800, ["<unk>", "<s>", "</s>", "<pad>"])
    save("bloom-style", tokenizer, COMMON_EXTRAS + [
        "<s>Hello</s>", "Hello (world|x) 你好。ok", "a,b.c!d?e…f。g，h、i।j۔k،l", "(|)", " ( | ) "])


def neox_style():
    pre = pre_tokenizers.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    tokenizer = trained_byte_level(models.BPE(), pre, 800, ["<|endoftext|>", "<|padding|>"],
                                   normalizer=normalizers.NFC())
    tokenizer.add_tokens([AddedToken("  ", normalized=True, special=False),
                          AddedToken("    ", normalized=True, special=False),
                          AddedToken("é", normalized=True, special=False),
                          AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
                          AddedToken("[SEP]", lstrip=False, rstrip=True, normalized=False, special=True),
                          AddedToken("hug", single_word=True, normalized=False, special=False)])
    save("neox-style", tokenizer, COMMON_EXTRAS + [
        "e\u0301", "cafe\u0301 au lait", "a  b    c     d", "the <mask> is  <mask>", "x[SEP]  y", "[SEP] \n z",
        "hug hugs ahug hug.", "<|endoftext|>Hi<|padding|>", "  leading", "<mask>", "Ａ１ ﬁ", "ｈｕｇ"])


def tok512_pieces():
    """(piece, score) of stories260K's tok512.bin, pieces in SentencePiece spelling (space as U+2581)."""
    data = open(os.path.join(HERE, "stories260K", "tok512.bin"), "rb").read()
    offset, pieces = 4, []
    while offset < len(data):
        score, length = struct.unpack_from("<fi", data, offset)
        offset += 8
        pieces.append((data[offset:offset + length].decode("utf-8"), score))
        offset += length
    pieces[0:3] = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0)]
    return [(p if p.startswith("<0x") else p.replace(" ", "\u2581"), s) for p, s in pieces]


def sentencepiece_merges(pieces):
    """transformers' SentencePieceExtractor.extract(vocab_scores): every split of a piece into two pieces,
    ordered by the merged piece's score (highest first), then by the ids of the two halves."""
    vocab = {p: i for i, (p, _) in enumerate(pieces)}
    merges = []
    for piece, score in pieces:
        local = [(piece[:k], piece[k:], score) for k in range(1, len(piece))
                 if piece[:k] in vocab and piece[k:] in vocab]
        merges.extend(sorted(local, key=lambda m: (vocab[m[0]], vocab[m[1]])))
    merges.sort(key=lambda m: m[2], reverse=True)
    return vocab, [f"{a} {b}" for a, b, _ in merges]


def llama2_tokenizer_json(metaspace):
    pieces = tok512_pieces()
    vocab, merges = sentencepiece_merges(pieces)
    special = [{"id": i, "content": p, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                "special": True} for i, p in enumerate(["<unk>", "<s>", "</s>"])]
    if metaspace:
        normalizer = None
        pre_tokenizer = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
        decoder = {"type": "Sequence", "decoders": [
            {"type": "ByteFallback"},
            {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}]}
    else:
        normalizer = {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
        pre_tokenizer = None
        decoder = {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
            "normalizer": normalizer, "pre_tokenizer": pre_tokenizer,
            "post_processor": {"type": "TemplateProcessing",
                               "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                          {"Sequence": {"id": "A", "type_id": 0}}],
                               "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                        {"Sequence": {"id": "A", "type_id": 0}},
                                        {"SpecialToken": {"id": "<s>", "type_id": 1}},
                                        {"Sequence": {"id": "B", "type_id": 1}}],
                               "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
            "decoder": decoder,
            "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "vocab": vocab,
                      "merges": merges}}


def llama2_style(name, metaspace, legacy_split=False, corpus=CORPUS):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    config = llama2_tokenizer_json(metaspace)
    if legacy_split:
        config["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
        config["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    write_json(os.path.join(folder, "tokenizer.json"), config)
    save(name, None, COMMON_EXTRAS + [
        "<s>Once upon a time</s>", "Hello</s> world", " leading space", "  two", "\u2581already", "Zoo",
        "Lily saw a big, red ball.", "x<unk>y", "é ü 你好 😀", "\x00\x01", "a\u2581b"], corpus)


def pre_tokenizer_pieces():
    configs = [
        pre_tokenizers.Split("-", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"\d"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex("[aeiou]"), behavior="contiguous"),
        pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
        pre_tokenizers.Split(Regex("[xyz]+"), behavior="removed", invert=True),
        pre_tokenizers.Split(Regex("[xyz]+"), behavior="merged_with_previous", invert=True),
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated"),
        pre_tokenizers.Split(Regex(BLOOM_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
        pre_tokenizers.Metaspace(prepend_scheme="always", split=True),
        pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r"\d+"), behavior="isolated"),
                                 pre_tokenizers.Metaspace(prepend_scheme="first", split=True)]),
    ]
    texts = COMMON_EXTRAS + ["a-b--c-", "-x-", "1a2b33c4", "beautiful queue", "  spaced   out  ", "xaxbxx yzzy",
                             "hello 12 world ok", "12 first", " \u2581x", "Ǆ'S 'ſ"] + CORPUS[:200]
    cases = [{"pre_tokenizer": json.loads(config.__getstate__()),
              "pieces": [[piece for piece, _ in config.pre_tokenize_str(text)] for text in texts]}
             for config in configs]
    write_json(os.path.join(HERE, "pre_tokenizers.json"),
               {"source": "Hugging Face tokenizers 0.22.2 pre_tokenize_str, written by make_hf_fixtures.py",
                "texts": texts, "cases": cases})


if __name__ == "__main__":
    save("hf-gpt2", None, COMMON_EXTRAS + ["<|endoftext|>", "Hi<|endoftext|>there", " <|endoftext|> ",
                                           "<|endoftext", "a\ufeff\ufeffb", "\u0085x"])
    llama3_style()
    bloom_style()
    neox_style()
    llama2_style("llama2-style", metaspace=False)
    llama2_style("llama2-metaspace", metaspace=True)
    llama2_style("metaspace-split", metaspace=True, legacy_split=True, corpus=CORPUS[:300])
    pre_tokenizer_pieces()
