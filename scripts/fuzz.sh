#!/usr/bin/env bash
# Fuzzes relu0's parsers with cargo-fuzz (libFuzzer + AddressSanitizer, nightly toolchain):
#   idx          the IDX parser (raw and gzip) and the image/label pairing
#   cifar        the CIFAR-10 binary parser
#   config_json  settings files (JSON) and their conversion to every experiment
#   config_url   settings links (URL query) and their round trip
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 s for each target
#   RELU0_FUZZ_RUNS=10000000 scripts/fuzz.sh   a number of executions per target instead
#
# Needs: rustup toolchain install nightly; cargo install cargo-fuzz. Prints the executions
# per target; a crash leaves its input in fuzz/artifacts/TARGET/ and fails the script (turn
# it into a regression test in tests/ before fixing it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(idx cifar config_json config_url)
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "scripts/fuzz.sh: needs the nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "scripts/fuzz.sh: needs cargo-fuzz: cargo install cargo-fuzz" >&2
    exit 2
fi
cd "$root"
# The fuzz build has its own target folder (other toolchain, other flags).
export CARGO_TARGET_DIR=${RELU0_FUZZ_TARGET_DIR:-$root/fuzz/target}
status=0
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    seeds="fuzz/seeds/$target"
    log=$(mktemp)
    if [ -n "${RELU0_FUZZ_RUNS:-}" ]; then
        limit=(-runs="$RELU0_FUZZ_RUNS")
        echo "== fuzz $target for $RELU0_FUZZ_RUNS executions"
    else
        limit=(-max_total_time="$seconds")
        echo "== fuzz $target for $seconds s"
    fi
    started=$(date +%s)
    if cargo +nightly fuzz run "$target" "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) -- \
        "${limit[@]}" -print_final_stats=1 -rss_limit_mb=4096 >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
        tail -40 "$log"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz $target: ${runs:-?} executions in $(( $(date +%s) - started )) s: $result"
    rm -f "$log"
done
exit $status
