#!/usr/bin/env bash
# Builds the mask guest into testdata/wasm/mask.wasm (a WASI reactor).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p ../wasm
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o ../wasm/mask.wasm .
echo "built $(pwd)/../wasm/mask.wasm ($(wc -c <../wasm/mask.wasm) bytes)"
