#!/usr/bin/env bash
# Runs the comparisons of docs/benchmarks.md and keeps every raw line in OUT_DIR (default bench/results/<date>).
# Java and its peer alternate round by round, so that a shared, noisy machine slows both alike: quote ratios
# taken within one round. Not a test; takes about 30-60 minutes on 2 cores.
#
#   bash bench/compare.sh [OUT_DIR] [ROUNDS]
#
# Needs the jars (`mvn -o install -Dmaven.test.skip=true` at the root, or `./reveal` once) and Debian's
# python3-numpy, libopenblas0-pthread, python3-threadpoolctl, python3-torch, pocl-opencl-icd.
# REVEAL overrides the launcher (e.g. a java command line over copied jars while others edit the sources).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results/$(date +%Y%m%d-%H%M%S)}"
rounds="${2:-3}"
reveal="${REVEAL:-./reveal}"
java_cp="${JAVA_CP:-eval/target/reveal.jar:eval/target/lib/*}"
py=/usr/bin/python3
mkdir -p "$out"
device_bench() {
  java --add-modules jdk.incubator.vector -Xss16m -Xmx8g -cp "$java_cp" bench/DeviceBench.java "$@" 2>>"$out/log.txt"
}
log() { echo "# $(date +%T) load $(cut -d" " -f1-3 /proc/loadavg): $*" | tee -a "$out/log.txt" >&2; }

for round in $(seq 1 "$rounds"); do
  for threads in 1 2; do
    log "round $round threads $threads: reveal bench (sgemm NN/NT/TN 256..2048, blocks 1x128 and 12x128)"
    $reveal bench --threads "$threads" >>"$out/reveal_bench_t$threads.txt" 2>>"$out/log.txt"
    log "round $round threads $threads: numpy sgemm"
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow a current OpenBLAS where the machine sets them: unset here only.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
      $py bench/sgemm_numpy.py >>"$out/numpy_sgemm_t$threads.txt" 2>>"$out/log.txt"
    for layers in 1 12; do
      log "round $round threads $threads: torch blocks $layers x 128"
      $py bench/blocks_torch.py "$layers" 128 "$threads" >>"$out/torch_blocks_t$threads.txt" 2>>"$out/log.txt"
    done
  done
  log "round $round: gpt2-small forward+backward, torch 2 threads"
  $py bench/gpt2_torch.py 2 3 >>"$out/torch_gpt2.txt" 2>>"$out/log.txt"
  log "round $round: gpt2-small forward+backward, reveal cpu:2"
  device_bench gpt2 cpu:2 2 128 >>"$out/reveal_gpt2.txt"
done

# (c) OpenCL (PoCL on the same 2 cores) beside the CPU backend, interleaved inside one JVM.
log "device sgemm"
device_bench sgemm cpu:2,opencl "$rounds" 256 512 1024 2048 >>"$out/device_sgemm.txt"
log "device blocks 12x128"
device_bench blocks cpu:2,opencl "$rounds" 12 128 >>"$out/device_blocks.txt"
log "device gpt2 T=128"
device_bench gpt2 cpu:2,opencl "$rounds" 128 >>"$out/device_gpt2.txt"
log "done: $out"
