#!/usr/bin/env bash
# relu0 against PyTorch on this machine's CPU, side by side in one run, same thread count:
# SGD step time (MLP 3x2048), volume-scan draws per minute (MLP 3x256; PyTorch runs the paper's
# twin protocol), the custom op's overhead against burn's relu, and peak RSS of training.
#
#   scripts/compare-pytorch.sh [--quick]
#
# Sets up PyTorch in a venv under ${RELU0_CACHE:-~/.cache/relu0}/pytorch-venv the first time
# (PyPI's torch for Linux pulls its CUDA libraries: about 2.5 GB to download, 5.4 GB on disk).
# RELU0_BENCH_THREADS sets the thread count of both (default: every core). Prints a Markdown
# table; the numbers also go to target/perf/compare-pytorch.json. --quick: short measurements.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${RELU0_CACHE:-$HOME/.cache/relu0}
venv=$cache/pytorch-venv
threads=${RELU0_BENCH_THREADS:-$(nproc)}
target=${CARGO_TARGET_DIR:-target}
seconds=20
criterion_args=()
if [ "${1:-}" = "--quick" ]; then
  seconds=5
  criterion_args=(--warm-up-time 1 --measurement-time 5)
fi

if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch into $venv (about 2.5 GB from PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r scripts/pytorch-requirements.txt
fi

# Both sides get the same cores: rayon (burn's CPU back end) and OpenMP/MKL (PyTorch).
export RAYON_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads

echo "== relu0: criterion benches (release profile), $threads threads"
rm -rf "$target/criterion"
cargo bench --locked --bench op_overhead --bench volume_scan --bench train_step -- "${criterion_args[@]}"
# The binary (for peak RSS) with the benches' dependency features: it reuses what the benches
# just compiled instead of a second full release build.
cargo build --locked --release --quiet --bins --benches

echo "== PyTorch, $threads threads, and the table"
mkdir -p "$target/perf"
"$venv/bin/python" scripts/compare_pytorch.py --threads "$threads" --seconds "$seconds" \
  --criterion "$target/criterion" --relu0 "$target/release/relu0" \
  --out "$target/perf/compare-pytorch.json"
