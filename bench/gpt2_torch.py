#!/usr/bin/env python3
"""PyTorch baseline for reveal's GPT-2-small benchmark (reveal.model.arch.Gpt2Bench).

Same model shape and work as the Java bench: GPT-2 small (12 layers, 768 wide, 12 heads, 50257 tokens, 1024
positions, tied LM head; 124M parameters), random N(0, 0.02) weights, one sequence of 128 random tokens, HF
causal-LM loss, forward + backward.  Eager attention written out as HF's GPT-2 does it (no fused kernels), float32.

usage: python3 bench/gpt2_torch.py [threads] [iterations]
"""
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

V, P, H, L, NH, T = 50257, 1024, 768, 12, 12, 128


def params():
    g = torch.Generator().manual_seed(0)

    def randn(*shape):
        return (torch.randn(*shape, generator=g) * 0.02).requires_grad_()

    def ones(n):
        return torch.ones(n, requires_grad=True)

    def zeros(n):
        return torch.zeros(n, requires_grad=True)

    p = {"wte": randn(V, H), "wpe": randn(P, H), "ln_f.w": ones(H), "ln_f.b": zeros(H)}
    for i in range(L):
        p.update({f"{i}.ln_1.w": ones(H), f"{i}.ln_1.b": zeros(H), f"{i}.c_attn.w": randn(H, 3 * H),
                  f"{i}.c_attn.b": zeros(3 * H), f"{i}.c_proj.w": randn(H, H), f"{i}.c_proj.b": zeros(H),
                  f"{i}.ln_2.w": ones(H), f"{i}.ln_2.b": zeros(H), f"{i}.c_fc.w": randn(H, 4 * H),
                  f"{i}.c_fc.b": zeros(4 * H), f"{i}.mlp_proj.w": randn(4 * H, H), f"{i}.mlp_proj.b": zeros(H)})
    return p


def loss(p, ids):
    t = ids.shape[1]
    x = p["wte"][ids] + p["wpe"][torch.arange(t)]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    neg = torch.finfo(torch.float32).min
    for i in range(L):
        h = F.layer_norm(x, (H,), p[f"{i}.ln_1.w"], p[f"{i}.ln_1.b"], 1e-5)
        q, k, v = torch.addmm(p[f"{i}.c_attn.b"], h.view(-1, H), p[f"{i}.c_attn.w"]).view(1, t, 3 * H).split(H, dim=2)
        q, k, v = (z.view(1, t, NH, H // NH).transpose(1, 2) for z in (q, k, v))
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(H // NH)
        s = torch.where(causal, s, torch.tensor(neg))
        a = torch.matmul(s.softmax(-1), v).transpose(1, 2).reshape(1, t, H)
        x = x + torch.addmm(p[f"{i}.c_proj.b"], a.view(-1, H), p[f"{i}.c_proj.w"]).view(1, t, H)
        h = F.layer_norm(x, (H,), p[f"{i}.ln_2.w"], p[f"{i}.ln_2.b"], 1e-5)
        m = F.gelu(torch.addmm(p[f"{i}.c_fc.b"], h.view(-1, H), p[f"{i}.c_fc.w"]), approximate="tanh")
        x = x + torch.addmm(p[f"{i}.mlp_proj.b"], m, p[f"{i}.mlp_proj.w"]).view(1, t, H)
    x = F.layer_norm(x, (H,), p["ln_f.w"], p["ln_f.b"], 1e-5)
    logits = x @ p["wte"].t()
    return F.cross_entropy(logits[0, :-1], ids[0, 1:])


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    p = params()
    ids = torch.randint(0, V, (1, T), generator=torch.Generator().manual_seed(1))
    # wall time, and process CPU time (all threads), which shared machines distort less
    times, forward, cpu = [], [], []
    for it in range(iterations + 2):
        for w in p.values():
            w.grad = None
        c0, t0 = time.process_time(), time.perf_counter()
        value = loss(p, ids)
        t1 = time.perf_counter()
        value.backward()
        t2, c2 = time.perf_counter(), time.process_time()
        if it >= 2:
            cpu.append((c2 - c0) * 1e3)
            forward.append((t1 - t0) * 1e3)
            times.append((t2 - t0) * 1e3)
    n = sum(w.numel() for w in p.values())
    print(f"torch {torch.__version__} threads={threads} params={n} T={T}: forward {statistics.median(forward):.0f} ms, "
          f"forward+backward {statistics.median(times):.0f} ms (median of {iterations}, min {min(times):.0f}; all: "
          + ", ".join(f"{x:.0f}" for x in times) + f"), process CPU time per forward+backward {statistics.median(cpu):.0f} ms"
          f" (min {min(cpu):.0f})")


if __name__ == "__main__":
    main()
