#!/usr/bin/env bash
# Builds the browser app into a self-contained folder: index.html, relu0.js (wasm-bindgen's
# glue) and relu0_bg.wasm.
#
#   web/build.sh [OUT]                      shipped build (profile `web`: LTO, opt-level s,
#                                           then wasm-opt -Oz) into OUT (default web/dist)
#   RELU0_WEB_PROFILE=web-ci web/build.sh   the cheaper build the browser test uses
#
# Needs: rustup target add wasm32-unknown-unknown; the wasm-bindgen CLI of the version in
# Cargo.lock (cargo install wasm-bindgen-cli --version X); for wasm-opt, `npm ci` in web/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=${RELU0_WEB_PROFILE:-web}
out=${1:-$root/web/dist}
target_dir=${CARGO_TARGET_DIR:-$root/target}

want=$(grep -A1 '^name = "wasm-bindgen"$' "$root/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}') || true
if [ "$have" != "$want" ]; then
    echo "web/build.sh: wasm-bindgen CLI $want needed (found '${have:-none}'):" >&2
    echo "  cargo install wasm-bindgen-cli --version $want" >&2
    exit 2
fi

cd "$root"
cargo build --lib --locked --target wasm32-unknown-unknown --profile "$profile"
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name relu0 \
    "$target_dir/wasm32-unknown-unknown/$profile/relu0.wasm"
if [ "$profile" = web ]; then
    wasm_opt="$root/web/node_modules/.bin/wasm-opt"
    if [ -x "$wasm_opt" ]; then
        "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
            --enable-sign-ext --enable-mutable-globals --enable-reference-types \
            --enable-multivalue --enable-simd --strip-debug "$out/relu0_bg.wasm" -o "$out/relu0_bg.wasm"
    else
        echo "web/build.sh: wasm-opt not found (run npm ci in web/); shipping without it" >&2
    fi
fi
cp "$root/web/index.html" "$out/"
raw=$(stat -c %s "$out/relu0_bg.wasm")
gz=$(gzip -9 -c "$out/relu0_bg.wasm" | wc -c)
echo "web/build.sh: $out ready; relu0_bg.wasm $((raw / 1024)) KiB, gzip $((gz / 1024)) KiB"
