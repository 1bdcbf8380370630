#!/usr/bin/env bash
# Builds testdata/wasm/c.wasm from testdata/c/functions.c and the C SDK (sdk/c/benthos_wasm.h)
# with clang and lld (no libc). Runnable from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
CC="${CC:-clang}"
out="$root/testdata/wasm/c.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$root/testdata/wasm"
"$CC" --target=wasm32 -O2 -nostdlib -Wall -Wextra -Werror \
    -I "$root/sdk/c" \
    -Wl,--no-entry \
    -o "$tmp/functions.wasm" "$here/functions.c"
chmod 644 "$tmp/functions.wasm"
mv "$tmp/functions.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
