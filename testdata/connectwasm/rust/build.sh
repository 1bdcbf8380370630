#!/usr/bin/env bash
# Builds testdata/wasm/connect_rust.wasm from process.rs with Debian's rustc and
# its wasm32-unknown-unknown standard library (no cargo, no crates), reproducibly.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# The rustup rustc usually first on PATH has no wasm32 target: use Debian's by default.
RUSTC="${RUSTC:-/usr/bin/rustc}"
out="$root/testdata/wasm/connect_rust.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$root/testdata/wasm"
# -C strip=debuginfo drops the DWARF of the prebuilt std; --remap-path-prefix
# keeps this checkout's path out of the module.
"$RUSTC" --edition 2021 --target wasm32-unknown-unknown -O -C strip=debuginfo \
    --remap-path-prefix "$root=." \
    --crate-type=cdylib --crate-name connect_rust \
    -o "$tmp/connect_rust.wasm" "$here/process.rs"
chmod 644 "$tmp/connect_rust.wasm"
mv "$tmp/connect_rust.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
