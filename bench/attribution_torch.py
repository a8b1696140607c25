#!/usr/bin/python3
"""PyTorch peer of reveal's instance and neuron attribution on a Llama-layout sequence classifier, for wall-time
comparison ("reveal's seconds / PyTorch's seconds" for the same computation on the same machine) and agreement checks.

What it computes, each part timed on its own (time.perf_counter, after a warm-up on two instances):
  hidden   pooled final hidden states of every train and test instance (no grad, right-padded batches + mask),
           pooled at the last position whose id != pad_token_id, as LanguageModel.classLogits does
  gs       per-example gradients of the cross-entropy w.r.t. score.weight, one autograd backward per instance (the
           plain loop a PyTorch user writes; torch 1.13 without functorch has no vmap), then the gradient-similarity
           dot and cosine matrices [train, test] (InstanceAttribution, HeadOnlyLoss)
  lissa    per test instance the LiSSA inverse-HVP v <- g + (1-damping) v - H_B v / scale, H_B v by double backward
           of the mean loss over a batch of training instances, result v / scale; then influence = ihvp . grad_train
           (sign PAPER). Batches are drawn as reveal's BatchSchedule.Shuffled does, with a port of Java's
           SplittableRandom, so with the same seed the batch order is reveal's (every test instance restarts it).
           Training gradients are reused from gs, as reveal reuses them; their time is not counted twice.
  ig       integrated gradients over the FFN neurons of every layer at the pooled (last) token, target = predicted
           class probability, zero baseline, per instance and layer one batched forward + backward of the m path
           copies (NeuronAttributor). --ig-mode full: of the whole sequence, a forward hook replacing the last
           position's activation; --ig-mode cached (reveal's algorithm, Probe.cached + DecoderModel.resume): one
           no-grad forward keeps each layer's keys and values (after RoPE) and, at the last position, the FFN's
           residual base and input; then only the last position runs, from layer l's FFN on, over the cached keys
           and values (an edit there cannot change earlier positions under causal attention)

Usage (Debian's torch: /usr/bin/python3, numpy only, no transformers/safetensors):
  /usr/bin/python3 bench/attribution_torch.py --model /work/bench-ka/ft/best (--inputs OUT/inputs.json | --task DIR
      [--tokenizer tok512.bin]) [--threads 1] [--limit-train N] [--limit-test N] [--only ia|na] [--out DIR] [--compare JAVA_DIR]
      [--lissa-depth 300 --lissa-batch 8 --lissa-damping 0.01 --lissa-scale S --lissa-seed 42]
      [--ig-steps 20 --quadrature paper|right --neurons post|pre --ig-mode full|cached] [--eval-batch 32]
  --inputs: {"pad_id": int, "train": [{"id", "ids", "label"}...], "test": [...]} (reveal's attribute command writes it);
  instead, --task DIR encodes DIR/{train,test}.jsonl closed-book claims as reveal's pipeline does (paper prefix token,
  "Claim : <claim>", "/ Answer :", --max-len) with the model folder's llama2.c tok*.bin.
  Prints one JSON object: seconds, instance counts and instances/s per part, threads, torch version.
  --out DIR saves gs_dot.npy, gs_cosine.npy, influence.npy ([train, test]), ig_test.npy, ig_train.npy
  ([n, layers, width]) and predicted_{train,test}.npy.
  --compare JAVA_DIR reads reveal's JAVA_DIR/ia/{gs_dot,gs_cosine,influence}.{bin,json} (RowMatrix) and
  JAVA_DIR/na/test.jsonl (InstanceNeurons records with "rows"; na/train.jsonl too when its records carry rows) and
  prints agreement on stderr and under "compare" in the JSON; with --limit-* only the leading rows/columns count.
"""
import argparse
import json
import os
import struct
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="HF Llama sequence-classifier folder (config.json, model.safetensors)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--inputs", help="inputs.json with pad_id, train and test token ids and labels")
    src.add_argument("--task", help="task folder with train.jsonl and test.jsonl (claims tokenized here)")
    p.add_argument("--tokenizer", help="llama2.c tok*.bin for --task (default: the one in the model folder)")
    p.add_argument("--max-len", type=int, default=128, help="--task prompts' maximum length, as reveal's attribute command")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit-train", type=int, default=0, help="use only the first N training instances (0: all)")
    p.add_argument("--limit-test", type=int, default=0, help="use only the first N test instances (0: all)")
    p.add_argument("--only", choices=["ia", "na"], help="run only instance (ia) or neuron (na) attribution")
    p.add_argument("--eval-batch", type=int, default=32, help="sequences per no-grad batch for the hidden states")
    p.add_argument("--lissa-depth", type=int, default=300)
    p.add_argument("--lissa-batch", type=int, default=8)
    p.add_argument("--lissa-damping", type=float, default=0.01)
    p.add_argument("--lissa-scale", type=float, default=0.0, help="default: 0.55 * max over train of |h|^2")
    p.add_argument("--lissa-seed", type=int, default=42)
    p.add_argument("--ig-steps", type=int, default=20)
    p.add_argument("--quadrature", choices=["paper", "right"], default="paper")
    p.add_argument("--neurons", choices=["post", "pre"], default="post")
    p.add_argument("--ig-mode", choices=["full", "cached"], default="full",
                   help="full: whole sequence per layer batch; cached: last position only, from the layer on, over a KV cache")
    p.add_argument("--out", help="folder for the .npy results")
    p.add_argument("--compare", help="reveal's output folder (ia/, na/) to check agreement against")
    return p.parse_args()


ARGS = parse_args()
# Debian's torch does its products in OpenBLAS, whose own thread pool set_num_threads does not size.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


# ---------------------------------------------------------------- loading

def read_safetensors(path):
    """{name: float32 tensor} from a .safetensors file: u64 LE header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        buf = raw[base + start:base + end]
        dtype = info["dtype"]
        if dtype == "F32":
            a = np.frombuffer(buf, "<f4")
        elif dtype == "F16":
            a = np.frombuffer(buf, "<f2").astype(np.float32)
        elif dtype == "BF16":
            a = (np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}; only F32, F16 and BF16 are read")
        out[name] = torch.from_numpy(a.reshape(info["shape"]).copy())
    return out


def read_inputs(path):
    with open(path) as f:
        d = json.load(f)
    return d["pad_id"], d["train"], d["test"]


class Llama2cTokenizer:
    """llama2.c's tok*.bin BPE: dummy-prefix space, scores decide merges, unknown bytes fall back to <0xXX> = 3 + byte."""

    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        at, self.pieces, self.scores = 4, [], []
        while at < len(raw):
            score, n = struct.unpack("<fi", raw[at:at + 8])
            self.pieces.append(raw[at + 8:at + 8 + n].decode("utf-8", "replace"))
            self.scores.append(score)
            at += 8 + n
        self.index = {p: i for i, p in enumerate(self.pieces)}

    def encode(self, text):
        tokens = []
        for ch in " " + text:
            if ch in self.index:
                tokens.append(self.index[ch])
            else:
                tokens.extend(3 + b for b in ch.encode("utf-8"))
        while True:
            best, at = None, -1
            for i in range(len(tokens) - 1):
                j = self.index.get(self.pieces[tokens[i]] + self.pieces[tokens[i + 1]])
                if j is not None and (best is None or self.scores[j] > self.scores[best]):
                    best, at = j, i
            if best is None:
                return tokens
            tokens[at:at + 2] = [best]


def inputs_from_task(task_dir, model_dir, tokenizer, max_len):
    """reveal's claim prompts: PromptEncoder.withPaperPrefix over Templates.claim without evidence, i.e. the prefix
    ("</s>" if the vocabulary has it, else BOS = 1), then "Claim : " + claim and "/ Answer :" encoded separately,
    the claim cut to fit max_len."""
    if tokenizer is None:
        found = sorted(f for f in os.listdir(model_dir) if f.startswith("tok") and f.endswith(".bin"))
        if not found:
            raise FileNotFoundError(f"{model_dir}: no llama2.c tok*.bin to tokenize {task_dir} with; pass --tokenizer or --inputs")
        tokenizer = os.path.join(model_dir, found[0])
    tok = Llama2cTokenizer(tokenizer)
    prefix = tok.index.get("</s>", 1)
    cue = tok.encode("/ Answer :")

    def split(name):
        with open(os.path.join(task_dir, name + ".jsonl")) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        out = []
        for r in rows:
            if r.get("evidence") is not None:
                raise ValueError(f"{task_dir}/{name}.jsonl: {r['id']} has evidence; only closed-book claims are encoded here")
            claim = tok.encode("Claim : " + r["claim"])[:max(0, max_len - 1 - len(cue))]
            out.append({"id": r["id"], "ids": [prefix] + claim + cue, "label": r["label"]})
        return out

    return split("train"), split("test")


# ---------------------------------------------------------------- model (reveal.model.arch.Llama)

class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, self.heads, self.kv_heads = c["hidden_size"], c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"])
        self.head_dim = c.get("head_dim") or dim // self.heads
        self.q_proj = nn.Linear(dim, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(dim, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(dim, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, dim, bias=False)

    def qkv(self, x, cos, sin):
        """Queries [B, heads, T, d], keys and values [B, kv_heads, T, d], RoPE applied (what a KV cache holds)."""
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin, v

    def attend(self, q, k, v, bias):
        """Output [B, Tq, dim] of queries [B, heads, Tq, d] over keys and values [B, kv_heads, Tk, d]."""
        b, t = q.shape[0], q.shape[2]
        group = self.heads // self.kv_heads  # query head j reads key/value head j // group
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        # reveal scales the queries before the product (Attention.queryScale), not the scores
        scores = (q * self.head_dim ** -0.5) @ k.transpose(-1, -2) + bias
        context = scores.softmax(-1) @ v
        return self.o_proj(context.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, inner = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(dim, inner, bias=False)
        self.up_proj = nn.Linear(dim, inner, bias=False)
        self.down_proj = nn.Linear(inner, dim, bias=False)

    def post(self, pre, x):
        """The neurons (down_proj's input) from the gate output pre and the FFN input x."""
        return F.silu(pre) * self.up_proj(x)

    def forward(self, x):
        return self.down_proj(self.post(self.gate_proj(x), x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, bias, past=None, keep=None):
        """past: keys and values of earlier positions to attend to as well; keep: a list that gets this layer's
        keys and values of every position and its FFN base h and FFN input at the last one, as reveal's KvCache."""
        q, k, v = self.self_attn.qkv(self.input_layernorm(x), cos, sin)
        if past is not None:
            k, v = torch.cat((past[0], k), dim=2), torch.cat((past[1], v), dim=2)
        h = x + self.self_attn.attend(q, k, v, bias)
        ffn_in = self.post_attention_layernorm(h)
        if keep is not None:
            keep.append((k, v, h[:, -1:], ffn_in[:, -1:]))
        return h + self.mlp(ffn_in)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.theta = c.get("rope_theta", 10000.0)

    def rope(self, t):
        """cos and sin tables [T, head_dim] of positions 0..t-1."""
        head_dim = self.layers[0].self_attn.head_dim
        # angles in float64 then rounded, as reveal's Positions.Rope builds its tables
        inv = self.theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        angles = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
        angles = torch.cat((angles, angles), dim=-1)
        return angles.cos().float(), angles.sin().float()

    def forward(self, ids, mask, keep=None):
        """Final hidden states [B, T, dim] of right-padded ids [B, T] with attention mask [B, T] (1 = real);
        keep, a list, gets each layer's cache entry (Layer.forward)."""
        t = ids.shape[1]
        cos, sin = self.rope(t)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        visible = causal[None, None] & mask.bool()[:, None, None, :]
        bias = torch.zeros(visible.shape).masked_fill(~visible, torch.finfo(torch.float32).min)
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, bias, keep=keep)
        return self.norm(x)

    def resume(self, cache, layer, point, rows):
        """Final hidden states [N, dim] of the last cached position with layer's FFN activation there replaced by
        each of rows [N, width] (DecoderModel.resume): only that position, only layers layer.. on, attending to the
        cached keys and values of the earlier positions, which the edit cannot change (causal attention)."""
        n, t = rows.shape[0], cache[0][0].shape[2]
        cos, sin = (table[-1:] for table in self.rope(t))
        no_mask = torch.zeros(())  # the last position sees every cached one
        _, _, base, ffn_in = cache[layer]
        mlp = self.layers[layer].mlp
        value = rows[:, None, :]
        x = base + mlp.down_proj(mlp.post(value, ffn_in) if point == "pre" else value)
        for l in range(layer + 1, len(self.layers)):
            k, v = cache[l][0], cache[l][1]
            past = (k[:, :, :t - 1].expand(n, -1, -1, -1), v[:, :, :t - 1].expand(n, -1, -1, -1))
            x = self.layers[l](x, cos, sin, no_mask, past=past)
        return self.norm(x)[:, 0]


class Classifier(nn.Module):
    """LlamaForSequenceClassification: class logits at the last position whose id is not pad_token_id."""

    def __init__(self, c):
        super().__init__()
        self.model = Decoder(c)
        self.score = nn.Linear(c["hidden_size"], len(c["id2label"]), bias=False)
        self.pad = c.get("pad_token_id")

    def pool_index(self, ids, mask):
        real = ids != self.pad if self.pad is not None else mask.bool()
        positions = torch.arange(ids.shape[1]).expand_as(ids)
        return torch.where(real, positions, torch.zeros_like(positions)).max(dim=1).values

    def pooled(self, ids, mask):
        hidden = self.model(ids, mask)
        return hidden[torch.arange(ids.shape[0]), self.pool_index(ids, mask)]

    def forward(self, ids, mask):
        return self.score(self.pooled(ids, mask))


def load_model(folder):
    with open(os.path.join(folder, "config.json")) as f:
        c = json.load(f)
    if c.get("model_type") != "llama":
        raise ValueError(f"{folder}: model_type {c.get('model_type')}, this script implements llama only")
    model = Classifier(c)
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    tensors.pop("lm_head.weight", None)
    model.load_state_dict(tensors, strict=True)
    model.eval().requires_grad_(False)
    return model


def padded(seqs, pad):
    length = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), length), pad, dtype=torch.long)
    mask = torch.zeros(len(seqs), length, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
        mask[r, :len(s)] = 1
    return ids, mask


# ---------------------------------------------------------------- instance attribution

def hidden_states(model, seqs, pad, batch):
    with torch.no_grad():
        return torch.cat([model.pooled(*padded(seqs[i:i + batch], pad)) for i in range(0, len(seqs), batch)])


def head_loss(weight, h, y):
    return F.cross_entropy(F.linear(h, weight), y)


def per_example_gradients(weight, h, y):
    """[N, C*dim]: one backward per instance."""
    rows = []
    for i in range(h.shape[0]):
        (g,) = torch.autograd.grad(head_loss(weight, h[i:i + 1], y[i:i + 1]), weight)
        rows.append(g.reshape(-1))
    return torch.stack(rows)


def cosine_matrix(a, b):
    """[rows of a, rows of b] cosines, 0 where either vector is zero (TestVectors.cosine)."""
    na, nb = a.norm(dim=1), b.norm(dim=1)
    denom = na[:, None] * nb[None, :]
    dots = a @ b.T
    return torch.where(denom == 0, torch.zeros_like(dots), dots / torch.where(denom == 0, torch.ones_like(denom), denom))


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextInt(bound), bit for bit, so the LiSSA batches are reveal's."""
    GAMMA, MASK = 0x9E3779B97F4A7C15, (1 << 64) - 1

    def __init__(self, seed):
        self.seed = seed & self.MASK

    def _next_int(self):
        self.seed = (self.seed + self.GAMMA) & self.MASK
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & self.MASK
        return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & self.MASK) >> 32  # unsigned 32 bits

    def next_int(self, bound):
        r, m = self._next_int(), bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        while True:
            r = u % bound
            if (u + m - r) < (1 << 31):  # Java's int overflow test u + m - r < 0
                return r
            u = self._next_int() >> 1


def lissa_batches(n, batch, seed, steps):
    """BatchSchedule.Shuffled: a fresh Fisher-Yates permutation each epoch, the last batch possibly short."""
    rng, batch, out, epoch, at = SplittableRandom(seed), min(batch, n), [], None, 0
    while len(out) < steps:
        if epoch is None or at == n:
            epoch = list(range(n))
            for i in range(n - 1, 0, -1):
                j = rng.next_int(i + 1)
                epoch[i], epoch[j] = epoch[j], epoch[i]
            at = 0
        end = min(at + batch, n)
        out.append(torch.tensor(epoch[at:end]))
        at = end
    return out


def lissa(weight, h_train, y_train, g, batches, damping, scale, divergence_factor=10.0):
    """(ihvp, diverged) for one test gradient g (flat), reveal's Lissa.inverseHvp with one repeat."""
    bound = divergence_factor * g.norm().item() / max(damping, 1e-12)
    v = g
    for idx in batches:
        (grad,) = torch.autograd.grad(head_loss(weight, h_train[idx], y_train[idx]), weight, create_graph=True)
        (hv,) = torch.autograd.grad((grad.reshape(-1) * v).sum(), weight)
        v = g + (1 - damping) * v - hv.reshape(-1) / scale
        if not v.norm().item() <= bound:
            return v / scale, True
    return v / scale, False


# ---------------------------------------------------------------- neuron attribution

def alphas(steps, quadrature):
    if quadrature == "right":
        return torch.arange(1, steps + 1, dtype=torch.float64) / steps
    return torch.zeros(1, dtype=torch.float64) if steps == 1 else torch.arange(steps, dtype=torch.float64) / (steps - 1)


def hook_module(model, layer, point):
    """The module whose output (pre: gate_proj) or input (post: down_proj) is the neuron vector."""
    mlp = model.model.layers[layer].mlp
    return mlp.gate_proj if point == "pre" else mlp.down_proj


def replace_last(value, rows):
    return torch.cat((value[:, :-1], rows[:, None, :].to(value.dtype)), dim=1)


def probe(model, ids, point, mode):
    """(activations per layer at the last position, class probabilities, replaced) from one no-grad forward of ids
    [1, T]; replaced(l, x) gives the class logits [N, C] with layer l's activation at the last position replaced by
    each row of x [N, width] (reveal's Probe): "full" re-runs the whole sequence per row, "cached" only the last
    position from layer l on against the keys and values this forward keeps."""
    layers = len(model.model.layers)
    captured, handles, cache = [None] * layers, [], []
    for l in range(layers):
        def capture(module, inputs, output, l=l):
            captured[l] = (output if point == "pre" else inputs[0])[0, -1].detach()
        handles.append(hook_module(model, l, point).register_forward_hook(capture))
    ones = torch.ones_like(ids)
    try:
        with torch.no_grad():
            hidden = model.model(ids, ones, keep=cache if mode == "cached" else None)
    finally:
        for hd in handles:
            hd.remove()
    probs = model.score(hidden[0, -1]).softmax(-1)

    def replaced_cached(l, x):
        return model.score(model.model.resume(cache, l, point, x))

    def replaced_full(l, x):
        module = hook_module(model, l, point)
        if point == "pre":
            handle = module.register_forward_hook(lambda m, i, o: replace_last(o, x))
        else:
            handle = module.register_forward_pre_hook(lambda m, i: (replace_last(i[0], x),))
        try:
            batch = ids.expand(x.shape[0], -1)
            return model(batch, torch.ones_like(batch))
        finally:
            handle.remove()

    return captured, probs, replaced_cached if mode == "cached" else replaced_full


def integrated_gradients(model, seq, steps, quadrature, point, mode):
    """(predicted class, attributions [layers, width] float64) at the pooled token of one unpadded sequence."""
    ids = torch.tensor([seq])
    last = int(model.pool_index(ids, torch.ones_like(ids))[0])
    ids = ids[:, :last + 1]  # later tokens cannot reach the pooled one
    captured, probs, replaced = probe(model, ids, point, mode)
    target = int(probs.argmax())
    a = alphas(steps, quadrature)
    out = np.zeros((len(captured), captured[0].shape[0]))
    for l, act in enumerate(captured):
        act = act.double()
        x = (a[:, None] * act[None, :]).float().requires_grad_()
        f = replaced(l, x).softmax(-1)[:, target]
        (grad,) = torch.autograd.grad(f.sum(), x)
        out[l] = (act * grad.double().sum(0) / len(a)).numpy()
    return target, out


def ig_split(model, seqs, args):
    results = [integrated_gradients(model, s, args.ig_steps, args.quadrature, args.neurons, args.ig_mode) for s in seqs]
    return np.array([p for p, _ in results]), np.stack([r for _, r in results])


# ---------------------------------------------------------------- agreement with reveal

def ranks(x):
    order = np.argsort(x, kind="mergesort")
    _, inverse, counts = np.unique(x[order], return_inverse=True, return_counts=True)
    average = np.cumsum(counts) - counts + (counts - 1) / 2.0
    r = np.empty(len(x))
    r[order] = average[inverse]
    return r


def pearson(a, b):
    a, b = a - a.mean(), b - b.mean()
    d = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / d) if d > 0 else float("nan")


def agreement(mine, java):
    """Max abs difference, it relative to max |java|, and Pearson/Spearman per column (min and mean)."""
    d = np.abs(mine - java)
    cols = [(pearson(mine[:, c], java[:, c]), pearson(ranks(mine[:, c]), ranks(java[:, c]))) for c in range(mine.shape[1])]
    p, s = np.array([c[0] for c in cols]), np.array([c[1] for c in cols])
    return {"max_abs": float(d.max()), "max_rel": float(d.max() / max(np.abs(java).max(), 1e-300)),
            "pearson_min": float(np.nanmin(p)), "pearson_mean": float(np.nanmean(p)),
            "spearman_min": float(np.nanmin(s)), "spearman_mean": float(np.nanmean(s))}


def read_row_matrix(base):
    """reveal's RowMatrix: <base>.json manifest, <base>.bin little-endian rows; rows not done are NaN."""
    with open(base + ".json") as f:
        m = json.load(f)
    if m.get("format") != "reveal-row-matrix/1":
        raise ValueError(f"{base}.json: format {m.get('format')}, expected reveal-row-matrix/1")
    dtype = {"F32": "<f4", "F64": "<f8"}[m["dtype"]]
    rows, cols = m["rows"], m["cols"]
    data = np.fromfile(base + ".bin", dtype=dtype)
    full = np.full(rows * cols, np.nan)
    full[:min(len(data), rows * cols)] = data[:rows * cols]
    full = full.reshape(rows, cols)
    done = np.zeros(rows, bool)
    for s, e in m["done"]:
        done[s:e] = True
    full[~done] = np.nan
    if m["row_kind"] == "test" and m["col_kind"] == "train":
        full = full.T
    return full


def read_neuron_rows(path):
    """{instance id (split position): (predicted, rows)} of the records that carry full rows."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r.get("rows") is not None:
                    out[int(r["id"])] = (int(r["predicted"]), np.array(r["rows"], dtype=np.float64))
    return out


def compare(java_dir, results):
    report = {}
    for name in ("gs_dot", "gs_cosine", "influence"):
        base = os.path.join(java_dir, "ia", name)
        if name not in results or not os.path.exists(base + ".json"):
            continue
        java = read_row_matrix(base)
        rows, cols = min(java.shape[0], results[name].shape[0]), min(java.shape[1], results[name].shape[1])
        mine, java = results[name][:rows, :cols], java[:rows, :cols]
        keep = ~np.isnan(java).any(axis=1)
        report[name] = dict(agreement(mine[keep], java[keep]), train_rows=int(keep.sum()), test_cols=cols)
    for split in ("test", "train"):
        path = os.path.join(java_dir, "na", split + ".jsonl")
        key = "ig_" + split
        if key not in results or not os.path.exists(path):
            continue
        java = read_neuron_rows(path)
        ids = [i for i in sorted(java) if i < len(results[key])]
        if not ids:
            continue
        mine = np.stack([results[key][i].ravel() for i in ids], axis=1)  # columns = instances
        theirs = np.stack([java[i][1].ravel() for i in ids], axis=1)
        same_pred = sum(int(results["predicted_" + split][i] == java[i][0]) for i in ids)
        report[key] = dict(agreement(mine, theirs), instances=len(ids), same_predicted=same_pred)
    return report


# ---------------------------------------------------------------- driver

def timed(fn, *a):
    start = time.perf_counter()
    out = fn(*a)
    return out, time.perf_counter() - start


def rate(seconds, count, **more):
    return dict({"seconds": round(seconds, 4), "instances": count, "per_second": round(count / seconds, 3) if seconds > 0 else None}, **more)


def main(args):
    torch.set_num_threads(args.threads)
    model = load_model(args.model)
    if args.inputs:
        pad, train, test = read_inputs(args.inputs)
        if pad is None:  # a config without pad_token_id: pooling follows the mask, any id pads
            pad = 0
    else:
        pad = model.pad if model.pad is not None else 0  # LanguageModelTrainable.padId
        train, test = inputs_from_task(args.task, args.model, args.tokenizer, args.max_len)
    if model.pad is not None and pad != model.pad:
        print(f"warning: inputs pad_id {pad} differs from config pad_token_id {model.pad}; padding with {pad}, pooling skips {model.pad}", file=sys.stderr)
    if args.limit_train:
        train = train[:args.limit_train]
    if args.limit_test:
        test = test[:args.limit_test]
    tr_seqs, te_seqs = [e["ids"] for e in train], [e["ids"] for e in test]
    report = {"torch": torch.__version__, "threads": args.threads, "train": len(train), "test": len(test)}
    results = {}

    if args.only != "na":
        weight = model.score.weight.detach().clone().requires_grad_()
        y_tr = torch.tensor([e["label"] for e in train])
        y_te = torch.tensor([e["label"] for e in test])
        hidden_states(model, tr_seqs[:2], pad, args.eval_batch)  # warm-up
        (h_tr, h_te), t_hidden = timed(lambda: (hidden_states(model, tr_seqs, pad, args.eval_batch),
                                                hidden_states(model, te_seqs, pad, args.eval_batch)))
        report["hidden"] = rate(t_hidden, len(train) + len(test))

        per_example_gradients(weight, h_tr[:2], y_tr[:2])
        (g_tr, g_te, dot, cos), t_gs = timed(lambda: (lambda a, b: (a, b, a @ b.T, cosine_matrix(a, b)))(
            per_example_gradients(weight, h_tr, y_tr), per_example_gradients(weight, h_te, y_te)))
        report["gs"] = rate(t_gs, len(train) + len(test), note="per-example autograd loop, train + test gradients, dot and cosine")
        results["gs_dot"], results["gs_cosine"] = dot.numpy(), cos.numpy()

        scale = args.lissa_scale or 0.55 * float((h_tr.double() ** 2).sum(1).max())
        batches = lissa_batches(len(train), args.lissa_batch, args.lissa_seed, args.lissa_depth)
        lissa(weight, h_tr, y_tr, g_te[0], batches[:2], args.lissa_damping, scale)

        def influence():
            found = [lissa(weight, h_tr, y_tr, g_te[t], batches, args.lissa_damping, scale) for t in range(len(test))]
            ihvp = torch.stack([v for v, _ in found])
            return g_tr @ ihvp.T, sum(d for _, d in found)

        (infl, diverged), t_lissa = timed(influence)
        report["lissa"] = rate(t_lissa, len(test), depth=args.lissa_depth, batch=args.lissa_batch, damping=args.lissa_damping,
                               scale=scale, diverged=diverged, note="test instances; ihvps + influence scores, train gradients from gs")
        results["influence"] = infl.numpy()

    if args.only != "ia":
        ig_split(model, tr_seqs[:2], args)  # warm-up
        for name, seqs in (("test", te_seqs), ("train", tr_seqs)):
            (pred, attr), t = timed(ig_split, model, seqs, args)
            report["ig_" + name] = rate(t, len(seqs), steps=args.ig_steps, quadrature=args.quadrature, neurons=args.neurons,
                                       mode=args.ig_mode)
            results["ig_" + name], results["predicted_" + name] = attr, pred

    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for name, value in results.items():
            np.save(os.path.join(args.out, name + ".npy"), value)
    if args.compare:
        report["compare"] = compare(args.compare, results)
        for name, r in report["compare"].items():
            print(f"compare {name}: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items()), file=sys.stderr)
    print(json.dumps(report))


if __name__ == "__main__":
    main(ARGS)
