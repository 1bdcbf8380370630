#!/usr/bin/env bash
# Installs what building the guest modules and running every test needs, from
# Debian's packages, when it is missing: Debian's rustc with the wasm32
# standard library, clang + lld, wabt (wat2wasm), kcat (an independent Kafka
# client for the end-to-end tests). Go and Node.js 20+ must be present.
set -euo pipefail

missing=()
[ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/wasm32-unknown-unknown ] && [ -d /usr/lib/rustlib/wasm32-wasi ] || missing+=(rustc libstd-rust-dev-wasm32)
command -v clang >/dev/null || missing+=(clang)
command -v wasm-ld >/dev/null || missing+=(lld)
command -v wat2wasm >/dev/null || missing+=(wabt)

command -v kcat >/dev/null || missing+=(kcat)

# AssemblyScript needs Node.js 20 or later with npm; the Go machines ship it.
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
    echo "Node.js 20 or later with npm is needed for the AssemblyScript guest (found: ${node_major:-none})" >&2
    exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
