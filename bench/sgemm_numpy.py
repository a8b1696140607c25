#!/usr/bin/env python3
"""float32 matmul GFLOP/s of numpy's BLAS, the baseline for reveal's Java SGEMM (SgemmBench.gflops).

Same products as the Java bench: square size x size operands, op(A) * op(B) for NN, NT and TN, 2 size^3 flops
per call, best of several timed runs after a warm-up. The thread count is OpenBLAS's own: set
OPENBLAS_NUM_THREADS before starting (numpy reads it at import). Prints the BLAS that threadpoolctl sees
(library, version, kernel architecture, threads) when threadpoolctl is installed.

Usage: OPENBLAS_NUM_THREADS=1 python3 bench/sgemm_numpy.py [--sizes 256,512,1024,2048] [--modes NN,NT,TN]
"""
import argparse
import os
import time

import numpy as np


def gflops(size, mode, min_seconds=0.3, runs=7):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    b = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    # .T is a view, so numpy hands BLAS the transposed operand without copying, as sgemm's trans flags do.
    op_a = a.T if mode[0] == "T" else a
    op_b = b.T if mode[1] == "T" else b
    c = np.empty((size, size), dtype=np.float32)
    flops = 2.0 * size ** 3
    reps = max(1, int(2e9 / flops))
    warm_end = time.perf_counter() + min_seconds
    while time.perf_counter() < warm_end:
        np.matmul(op_a, op_b, out=c)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(op_a, op_b, out=c)
        best = min(best, time.perf_counter() - start)
    return flops * reps / best / 1e9


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} "
        f"threads={i.get('num_threads')} ({i.get('filepath')})"
        for i in threadpool_info() if i.get("user_api") == "blas")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--modes", default="NN,NT,TN")
    args = parser.parse_args()
    print(f"numpy {np.__version__}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}; {blas_info()}")
    for size in (int(s) for s in args.sizes.split(",")):
        for mode in args.modes.split(","):
            print(f"{mode} n={size} {gflops(size, mode):.1f} GFLOP/s", flush=True)


if __name__ == "__main__":
    main()
