#!/usr/bin/env bash
# Builds testdata/wasm/assemblyscript.wasm from testdata/assemblyscript/functions.ts and the
# AssemblyScript SDK (sdk/assemblyscript), with the SDK's pinned AssemblyScript compiler
# (installed with `npm ci` on first use). Runnable from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sdk="$root/sdk/assemblyscript"
out="$root/testdata/wasm/assemblyscript.wasm"

if [ ! -x "$sdk/node_modules/.bin/asc" ]; then
    (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --runtime incremental: the default TLSF allocator + incremental GC (memory stays bounded
#   over any number of calls; the SDK pins the buffers it shares with the host).
# --use abort=...: route AssemblyScript's abort (failed assertions, bounds checks, throw) to
#   the SDK's handler, which logs the message through the host's `log` and traps, instead of
#   importing env.abort, which the host does not provide.
# Paths in --use are asc's internal names, relative to --baseDir.
mkdir -p "$root/testdata/wasm"
"$sdk/node_modules/.bin/asc" testdata/assemblyscript/functions.ts \
    --baseDir "$root" \
    -O3 --runtime incremental \
    --use abort=sdk/assemblyscript/assembly/memory/abortLog \
    -o "$tmp/functions.wasm"
chmod 644 "$tmp/functions.wasm"
mv "$tmp/functions.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
