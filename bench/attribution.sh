#!/usr/bin/env bash
# Instance and neuron attribution on stories260K fine-tuned on the bundled known-answer task (1,200 training and
# 110 test claims), reveal beside PyTorch on the same token ids, same settings and same thread count. reveal and
# PyTorch alternate within each round so that a shared, noisy machine slows both alike: quote the ratios.
# Not a test; about 10 minutes per round and thread count on 2 cores (plus 8 minutes of fine-tuning once).
#
#   bash bench/attribution.sh [OUT_DIR] [ROUNDS] [THREADS...]
#
# Needs the jars (`./reveal` once) and Debian's python3-torch. REVEAL overrides the launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results/attribution-$(date +%Y%m%d-%H%M%S)}"
rounds="${2:-1}"
shift $(( $# > 2 ? 2 : $# )) || true
threads_list=("${@:-1}")
reveal="${REVEAL:-./reveal}"
py=/usr/bin/python3
mkdir -p "$out"
log() { echo "# $(date +%T) load $(cut -d" " -f1-3 /proc/loadavg): $*" | tee -a "$out/log.txt" >&2; }

task="$out/task" model="$out/finetune"
if [ ! -f "$task/train.jsonl" ]; then
  $reveal task known-answer --out "$task" --seed 42 >"$out/task.json" 2>>"$out/log.txt"
fi
if [ ! -f "$model/best/model.safetensors" ] || ! grep -q best_dir "$out/finetune.json" 2>/dev/null; then
  log "fine-tuning stories260K (40 epochs)"
  $reveal finetune --model embedded --task claim --train "$task/train.jsonl" --dev "$task/dev.jsonl" --test "$task/test.jsonl" \
    --out "$model" --lr 1e-3 --epochs 40 --batch-size 16 --max-len 64 >"$out/finetune.json" 2>>"$out/log.txt"
fi

lissa="--lissa-depth 300 --lissa-batch 8 --lissa-damping 0.01"
ig="--steps 20 --quadrature paper"
for round in $(seq 1 "$rounds"); do
  for t in "${threads_list[@]}"; do
    run="$out/reveal-r$round-t$t"
    rm -rf "$run"
    common=(--model "$model/best" --task claim --train "$task/train.jsonl" --test "$task/test.jsonl" --max-len 64 --out "$run" --device "cpu:$t")
    log "round $round threads $t: reveal ia"
    $reveal attribute ia "${common[@]}" $lissa >"$run.ia.json" 2>>"$out/log.txt"
    log "round $round threads $t: reveal na (test, train) and na-instances"
    $reveal attribute na-instances "${common[@]}" $ig >"$run.na.json" 2>>"$out/log.txt"
    log "round $round threads $t: reveal ia-neurons (reuses both)"
    $reveal attribute ia-neurons "${common[@]}" $lissa $ig >"$run.ia-neurons.json" 2>>"$out/log.txt"
    for mode in full cached; do
      log "round $round threads $t: torch, integrated gradients $mode"
      $py bench/attribution_torch.py --model "$model/best" --inputs "$run/inputs.json" --threads "$t" --lissa-depth 300 --lissa-batch 8 \
        --lissa-damping 0.01 --ig-steps 20 --quadrature paper --neurons post --ig-mode "$mode" --compare "$run" \
        >"$out/torch-r$round-t$t-$mode.json" 2>>"$out/log.txt"
    done
  done
done
$py - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("| round/threads | step | reveal s | torch s | reveal/torch time |")
print("|---|---|---:|---:|---:|")
for f in sorted(glob.glob(os.path.join(out, "reveal-r*-t*.ia.json"))):
    tag = os.path.basename(f)[len("reveal-"):-len(".ia.json")]
    ia = json.load(open(f))["steps"][0]["seconds"]
    na = {s["step"]: s["seconds"] for s in json.load(open(f[:-len(".ia.json")] + ".na.json"))["steps"]}
    full = json.load(open(os.path.join(out, f"torch-{tag}-full.json")))
    cached = json.load(open(os.path.join(out, f"torch-{tag}-cached.json")))
    torch_ia = full["hidden"]["seconds"] + full["gs"]["seconds"] + full["lissa"]["seconds"]
    print(f"| {tag} | IA (hidden states, GS dot+cosine, LiSSA) | {ia:.1f} | {torch_ia:.1f} | {ia / torch_ia:.2f} |")
    for split in ("test", "train"):
        r = na["na " + split]
        for name, t in (("whole-sequence", full), ("KV-cached", cached)):
            s = t["ig_" + split]["seconds"]
            print(f"| {tag} | NA {split}, torch {name} | {r:.1f} | {s:.1f} | {r / s:.2f} |")
PY
