#!/usr/bin/env bash
# Builds testdata/wasm/transform_rust.wasm from transform.rs with Debian's rustc
# and its wasm32-wasi standard library (libstd-rust-dev-wasm32; no cargo, no
# crates), reproducibly: a WASI command, as Redpanda's Rust transform SDK's
# modules are (`cargo build --target wasm32-wasi`, a binary crate).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# The rustup rustc usually first on PATH has no wasm32 target: use Debian's by default.
RUSTC="${RUSTC:-/usr/bin/rustc}"
out="$root/testdata/wasm/transform_rust.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$root/testdata/wasm"
# -C strip=debuginfo drops the DWARF of the prebuilt std; --remap-path-prefix
# keeps this checkout's path out of the module (panic messages name the
# source as ./testdata/transform/rust/transform.rs).
"$RUSTC" --edition 2021 --target wasm32-wasi -O -C strip=debuginfo \
    --remap-path-prefix "$root=." \
    --crate-type=bin --crate-name transform_rust \
    -o "$tmp/transform_rust.wasm" "$here/transform.rs"
chmod 644 "$tmp/transform_rust.wasm"
mv "$tmp/transform_rust.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
