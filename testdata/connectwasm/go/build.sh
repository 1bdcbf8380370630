#!/usr/bin/env bash
# Builds testdata/wasm/connect_go.wasm: a Redpanda Connect `wasm` processor module in
# standard Go, a WASI reactor (-buildmode=c-shared: the host must call _initialize).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=../../wasm/connect_go.wasm
mkdir -p ../../wasm
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o "$out" .
chmod 644 "$out"
echo "built $(cd ../../wasm && pwd)/connect_go.wasm ($(wc -c <"$out") bytes)"
