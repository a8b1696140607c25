#!/usr/bin/python3
"""PyTorch twin of `Bench.blocksJson` (reveal.engine.bench): forward + backward of a stack of GPT-2-small pre-LN
blocks on 1 x T tokens with random weights, loss = sum of the output, float32, best of N runs after warm-up.

Usage: /usr/bin/python3 bench/blocks_torch.py LAYERS TOKENS THREADS [RUNS]   (at least RUNS timed runs and 3 s)
Prints {"op":"blocks_torch","layers":L,"tokens":T,"threads":N,"forward_backward_ms":X}.
Needs Debian's python3-torch (apt-get install -y python3-torch), run with /usr/bin/python3.
"""
import json
import math
import os
import sys
import time

# Debian's torch does its products in OpenBLAS, whose own thread pool set_num_threads does not size.
if len(sys.argv) > 3:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[3]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HIDDEN, HEADS, FFN = 768, 12, 3072


def random_block(generator):
    """The parameters of reveal's TransformerBlock.randomParameters, in its order and PyTorch's [out, in] layout."""
    shapes = [(HIDDEN,), (HIDDEN,), (3 * HIDDEN, HIDDEN), (3 * HIDDEN,), (HIDDEN, HIDDEN), (HIDDEN,),
              (HIDDEN,), (HIDDEN,), (FFN, HIDDEN), (FFN,), (HIDDEN, FFN), (HIDDEN,)]
    params = []
    for i, shape in enumerate(shapes):
        p = torch.randn(shape, generator=generator) * 0.02
        if i in (0, 6):
            p += 1.0
        params.append(p.requires_grad_())
    return params


def block(x, p, mask):
    """x + attn(ln1(x)), then h + mlp(ln2(h)): the same ops as TransformerBlock.forward."""
    tokens, head_dim = x.shape[0], HIDDEN // HEADS
    qkv = F.linear(F.layer_norm(x, (HIDDEN,), p[0], p[1], 1e-5), p[2], p[3])
    per_head = qkv.reshape(tokens, 3 * HEADS, head_dim).permute(1, 0, 2)
    q, k, v = per_head[:HEADS], per_head[HEADS:2 * HEADS], per_head[2 * HEADS:]
    scores = q.matmul(k.transpose(-1, -2)) * (1.0 / math.sqrt(head_dim)) + mask
    context = scores.softmax(-1).matmul(v).permute(1, 0, 2).reshape(tokens, HIDDEN)
    h = x + F.linear(context, p[4], p[5])
    ffn = F.gelu(F.linear(F.layer_norm(h, (HIDDEN,), p[6], p[7], 1e-5), p[8], p[9]), approximate="tanh")  # gelu_new
    return h + F.linear(ffn, p[10], p[11])


def main():
    layers, tokens, threads = (int(a) for a in sys.argv[1:4])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    torch.set_num_threads(threads)
    generator = torch.Generator().manual_seed(0)
    weights = [random_block(generator) for _ in range(layers)]
    x = torch.randn(tokens, HIDDEN, generator=generator)
    mask = torch.triu(torch.full((tokens, tokens), -1e9), diagonal=1)
    params = [p for w in weights for p in w]

    def step():
        for p in params:
            p.grad = None
        h = x
        for w in weights:
            h = block(h, w, mask)
        h.sum().backward()

    warm_end = time.perf_counter() + 4.0
    warm = 0
    while warm < 2 or time.perf_counter() < warm_end:
        step()
        warm += 1
    best, timed, timed_end = math.inf, 0, time.perf_counter() + 3.0
    while timed < runs or time.perf_counter() < timed_end:
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
        timed += 1
    print(json.dumps({"op": "blocks_torch", "layers": layers, "tokens": tokens, "threads": threads,
                      "forward_backward_ms": round(best * 1000, 2)}, separators=(",", ":")))


if __name__ == "__main__":
    main()
