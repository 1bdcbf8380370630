#!/usr/bin/env bash
# Builds testdata/wasm/rust.wasm from testdata/rust/functions.rs and the Rust SDK (sdk/rust),
# with Debian's rustc and its wasm32-unknown-unknown standard library (no cargo, no crates).
# Runnable from any directory. Intermediate files (the SDK .rlib) go to a temporary directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# The rustup rustc usually first on PATH has no wasm32 target: use Debian's by default.
RUSTC="${RUSTC:-/usr/bin/rustc}"
target=wasm32-unknown-unknown
out="$root/testdata/wasm/rust.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. The SDK as an rlib.
"$RUSTC" --edition 2021 --target "$target" -O --remap-path-prefix "$root=." \
    --crate-type=rlib --crate-name benthos_wasm_sdk \
    -o "$tmp/libbenthos_wasm_sdk.rlib" "$root/sdk/rust/src/lib.rs"

# 2. The guest as a cdylib linking it. The SDK's alloc/dealloc are exported from the rlib.
#    -C strip=debuginfo drops the DWARF of the prebuilt std (about 5 MB of custom sections).
mkdir -p "$root/testdata/wasm"
"$RUSTC" --edition 2021 --target "$target" -O -C strip=debuginfo --remap-path-prefix "$root=." \
    --crate-type=cdylib --crate-name functions \
    -L "dependency=$tmp" --extern "benthos_wasm_sdk=$tmp/libbenthos_wasm_sdk.rlib" \
    -o "$tmp/functions.wasm" "$here/functions.rs"
chmod 644 "$tmp/functions.wasm"
mv "$tmp/functions.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
