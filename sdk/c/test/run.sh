#!/usr/bin/env bash
# Builds and runs the native unit tests of sdk/c/benthos_wasm.h (test.c) and
# sdk/c/benthos_wasm_json.h (json_test.c) with the host C compiler. Exits non-zero on
# failure; each program ends with a line "N passed, M failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CC="${CC:-cc}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# -no-pie keeps the guest heap (a static arena) below 4 GiB, so that pointers fit in the
# 32-bit halves of packed results as they do on wasm32.
flags=(-std=c11 -O1 -g -Wall -Wextra -Werror -fno-pie -no-pie -I "$here/..")
# UndefinedBehaviorSanitizer when the compiler has it.
if echo 'int main(void){return 0;}' | "$CC" -x c -fsanitize=undefined -fno-sanitize-recover=all \
    -fno-pie -no-pie -o "$tmp/probe" - 2>/dev/null; then
    flags+=(-fsanitize=undefined -fno-sanitize-recover=all)
fi
"$CC" "${flags[@]}" -o "$tmp/test" "$here/test.c"
"$tmp/test"
# The JSON helpers (benthos_wasm_json.h), a program of their own.
"$CC" "${flags[@]}" -o "$tmp/json_test" "$here/json_test.c"
"$tmp/json_test"
