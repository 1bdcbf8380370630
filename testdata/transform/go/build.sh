#!/usr/bin/env bash
# Builds the Data Transforms conformance guest into testdata/wasm/transform_go.wasm:
# a WASI command (plain GOOS=wasip1 GOARCH=wasm go build, not c-shared), as
# Redpanda's Go transform SDK builds them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=../../wasm/transform_go.wasm
mkdir -p ../../wasm
GOOS=wasip1 GOARCH=wasm go build -trimpath -o "$out" .
chmod 644 "$out"
echo "built $(cd ../../wasm && pwd)/transform_go.wasm ($(wc -c <"$out") bytes)"
