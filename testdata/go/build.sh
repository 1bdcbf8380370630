#!/usr/bin/env bash
# Builds the Go conformance guest into testdata/wasm/go.wasm (a WASI reactor).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p ../wasm
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o ../wasm/go.wasm .
echo "built $(pwd)/../wasm/go.wasm ($(wc -c <../wasm/go.wasm) bytes)"
