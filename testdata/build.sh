#!/usr/bin/env bash
# Rebuilds every .wasm in testdata/wasm from its source: the conformance guests
# in each language (testdata/<language>, using sdk/<language>), the guests of
# the peer ABIs (testdata/transform for Redpanda Data Transforms,
# testdata/connectwasm for the Redpanda Connect `wasm` processor; see
# testdata/FUNCTIONS-peer-abis.md) and the WAT fixtures (testdata/wat).
# Needs Debian's rustc + libstd-rust-dev-wasm32 (its wasm32-unknown-unknown and
# wasm32-wasi standard libraries), clang + lld, wabt, Go, and
# Node.js with npm for AssemblyScript (scripts/install-deps.sh installs what
# is missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/rust/build.sh"
"$here/go/build.sh"
"$here/mask/build.sh"
"$here/c/build.sh"
"$here/assemblyscript/build.sh"
"$here/transform/go/build.sh"
"$here/transform/rust/build.sh"
"$here/connectwasm/rust/build.sh"
"$here/connectwasm/go/build.sh"

for wat in "$here"/wat/*.wat; do
    out="$here/wasm/$(basename "${wat%.wat}").wasm"
    wat2wasm "$wat" -o "$out"
    echo "built $out ($(wc -c <"$out") bytes)"
done
