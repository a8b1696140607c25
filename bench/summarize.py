#!/usr/bin/python3
"""Markdown tables of the raw lines that bench/compare.sh wrote: per comparison, the range of each side over the
rounds, and the speed ratio reveal / peer taken within each round (median and range). A ratio above 1 means
reveal is faster; for times it is peer_ms / reveal_ms.

Usage: /usr/bin/python3 bench/summarize.py bench/results/DIR
"""
import json
import math
import re
import statistics
import sys
from pathlib import Path


def read(path):
    return path.read_text().splitlines() if path.exists() else []


def reveal_bench(lines):
    """Rounds of `reveal bench`: ({(mode, size): gflops}, {layers: ms})."""
    rounds, sgemm, blocks = [], None, None
    for line in lines:
        if line.startswith("sgemm GFLOP/s"):
            sgemm, blocks = {}, {}
            rounds.append((sgemm, blocks))
        elif re.match(r"^\s*\d+\s", line) and sgemm is not None:
            size, nn, nt, tn = line.split()
            for mode, value in zip(("NN", "NT", "TN"), (nn, nt, tn)):
                sgemm[(mode, int(size))] = float(value)
        elif line.startswith("{") and blocks is not None:
            record = json.loads(line)
            blocks[record["layers"]] = record["forward_backward_ms"]
    return rounds


def numpy_sgemm(lines):
    rounds, blas = [], ""
    for line in lines:
        if line.startswith("numpy"):
            rounds.append({})
            blas = line
        match = re.match(r"^(\w\w) n=(\d+) ([\d.]+) GFLOP/s", line)
        if match:
            rounds[-1][(match.group(1), int(match.group(2)))] = float(match.group(3))
    return rounds, blas


def torch_blocks(lines):
    rounds = []
    for line in lines:
        record = json.loads(line)
        if record["layers"] == 1 or not rounds:
            rounds.append({})
        rounds[-1][record["layers"]] = record["forward_backward_ms"]
    return rounds


def span(values, fmt="{:.1f}"):
    return (fmt + "-" + fmt).format(min(values), max(values)) if len(values) > 1 else fmt.format(values[0])


def ratio_cell(ratios):
    return f"**{statistics.median(ratios):.2f}** ({span(ratios, '{:.2f}')})"


def sgemm_table(folder, threads):
    java = reveal_bench(read(folder / f"reveal_bench_t{threads}.txt"))
    peer, blas = numpy_sgemm(read(folder / f"numpy_sgemm_t{threads}.txt"))
    rounds = min(len(java), len(peer))
    if rounds == 0:
        return ""
    out = [f"SGEMM, {threads} thread(s), {rounds} rounds; peer: `{blas}`", "",
           "| size | mode | reveal GFLOP/s | numpy GFLOP/s | reveal / numpy, per round: median (range) |",
           "|---:|---|---:|---:|---:|"]
    for key in sorted(java[0][0], key=lambda k: (k[1], k[0])):
        r = [java[i][0][key] for i in range(rounds)]
        p = [peer[i][key] for i in range(rounds)]
        out.append(f"| {key[1]} | {key[0]} | {span(r)} | {span(p)} | {ratio_cell([a / b for a, b in zip(r, p)])} |")
    return "\n".join(out) + "\n"


def blocks_table(folder):
    out = ["| threads | layers x tokens | reveal ms | torch ms | torch ms / reveal ms, per round: median (range) |",
           "|---:|---|---:|---:|---:|"]
    for threads in (1, 2):
        java = reveal_bench(read(folder / f"reveal_bench_t{threads}.txt"))
        peer = torch_blocks(read(folder / f"torch_blocks_t{threads}.txt"))
        rounds = min(len(java), len(peer))
        for layers in (1, 12):
            r = [java[i][1][layers] for i in range(rounds) if layers in java[i][1]]
            p = [peer[i][layers] for i in range(rounds) if layers in peer[i]]
            n = min(len(r), len(p))
            if n:
                out.append(f"| {threads} | {layers} x 128 | {span(r[:n], '{:.0f}')} | {span(p[:n], '{:.0f}')} | "
                           f"{ratio_cell([b / a for a, b in zip(r[:n], p[:n])])} |")
    return "\n".join(out) + "\n"


def device_table(folder):
    out = ["| work | cpu:2 | opencl (PoCL) | opencl / cpu speed, per round: median (range) |", "|---|---:|---:|---:|"]
    sgemm = [json.loads(line) for line in read(folder / "device_sgemm.txt")]
    for size in sorted({s["size"] for s in sgemm}):
        rows = [s for s in sgemm if s["size"] == size]
        c, o = [s["cpu:2_gflops"] for s in rows], [s["opencl_gflops"] for s in rows]
        out.append(f"| SGEMM NN {size}, GFLOP/s | {span(c)} | {span(o)} | {ratio_cell([b / a for a, b in zip(c, o)])} |")
    for name, label in (("device_blocks.txt", "12 GPT-2-small blocks x 128 tokens, fwd+bwd ms"),
                        ("device_gpt2.txt", "GPT-2 small LM loss, 128 tokens, fwd+bwd ms")):
        rows = [json.loads(line) for line in read(folder / name)]
        if rows:
            c, o = [s["cpu:2_ms"] for s in rows], [s["opencl_ms"] for s in rows]
            out.append(f"| {label} | {span(c, '{:.0f}')} | {span(o, '{:.0f}')} | {ratio_cell([a / b for a, b in zip(c, o)])} |")
    return "\n".join(out) + "\n"


def gpt2_table(folder):
    """torch's best of 3 beside reveal's best of 2 (cpu:2), one pair per round."""
    peer = [float(re.search(r"min ([\d.]+)\)", line).group(1)) for line in read(folder / "torch_gpt2.txt")]
    java = []
    for line in read(folder / "reveal_gpt2.txt"):
        record = json.loads(line)
        if record["round"] == 0:
            java.append(math.inf)
        java[-1] = min(java[-1], record["cpu:2_ms"])
    n = min(len(peer), len(java))
    if n == 0:
        return ""
    return ("| work (2 threads) | reveal ms | torch ms | torch ms / reveal ms, per round: median (range) |\n|---|---:|---:|---:|\n"
            f"| GPT-2 small LM loss, 128 tokens, fwd+bwd | {span(java[:n], '{:.0f}')} | {span(peer[:n], '{:.0f}')} | "
            f"{ratio_cell([b / a for a, b in zip(java[:n], peer[:n])])} |\n")


def main():
    folder = Path(sys.argv[1])
    print(sgemm_table(folder, 1))
    print(sgemm_table(folder, 2))
    print("Blocks forward+backward\n")
    print(blocks_table(folder))
    print(gpt2_table(folder))
    print("OpenCL beside the CPU backend\n")
    print(device_table(folder))


if __name__ == "__main__":
    main()
