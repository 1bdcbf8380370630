#!/usr/bin/env bash
# Builds the "A complete example, with tests" of every SDK README (sdk/<lang>/README.md) as a
# guest author would, in a temporary directory, and runs its pipeline's `tests:` block with
# `benthos-wasm test`, so that the READMEs cannot go stale. Each example's first code block
# is the guest's source and its yaml block is pipeline.yaml (module ./mask_email.wasm).
#
#   scripts/sdk-examples.sh              every SDK
#   scripts/sdk-examples.sh go c         only those
#   BENTHOS_WASM=path/to/binary scripts/sdk-examples.sh   skip building the binary
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bin="${BENTHOS_WASM:-}"
if [ -z "$bin" ]; then
    bin="$tmp/benthos-wasm"
    (cd "$root" && go build -o "$bin" ./cmd/benthos-wasm)
fi

# extract README SOURCE DIR: the example's first code block to DIR/SOURCE, its yaml block to
# DIR/pipeline.yaml.
extract() {
    awk -v src="$3/$2" -v yaml="$3/pipeline.yaml" '
        /^### A complete example, with tests/ { on = 1; next }
        on && /^## / { exit }
        on && /^```/ {
            if (out != "") { out = ""; next }
            if ($0 == "```yaml") out = yaml
            else if (!code) { out = src; code = 1 }
            else out = "/dev/null"
            next
        }
        out != "" { print > out }
    ' "$1"
    [ -s "$3/$2" ] && [ -s "$3/pipeline.yaml" ] || { echo "$1: no complete example found" >&2; exit 1; }
}

build_go() {
    cat >go.mod <<EOF
module example.com/maskemail

go 1.24

require github.com/benthos-wasm/benthos-wasm/sdk/go v0.0.0

replace github.com/benthos-wasm/benthos-wasm/sdk/go => $root/sdk/go
EOF
    GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o mask_email.wasm .
}

build_rust() {
    local rustc="${RUSTC:-/usr/bin/rustc}"
    "$rustc" --edition 2021 --target wasm32-unknown-unknown -O --crate-type=rlib \
        --crate-name benthos_wasm_sdk -o libbenthos_wasm_sdk.rlib "$root/sdk/rust/src/lib.rs"
    "$rustc" --edition 2021 --target wasm32-unknown-unknown -O -C strip=debuginfo \
        --crate-type=cdylib --crate-name guest -L dependency=. \
        --extern benthos_wasm_sdk=libbenthos_wasm_sdk.rlib -o mask_email.wasm guest.rs
}

build_c() {
    "${CC:-clang}" --target=wasm32 -O2 -nostdlib -Wall -Wextra -Werror -Wl,--no-entry \
        -I "$root/sdk/c" -o mask_email.wasm guest.c
}

# As after `npm install <sdk dir>`: the SDK linked into node_modules, and the SDK's pinned
# compiler (installed with npm ci on first use, as testdata/assemblyscript/build.sh does).
build_assemblyscript() {
    local sdk="$root/sdk/assemblyscript"
    [ -x "$sdk/node_modules/.bin/asc" ] || (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    mkdir -p node_modules/@benthos-wasm
    ln -s "$sdk" node_modules/@benthos-wasm/sdk
    "$sdk/node_modules/.bin/asc" mask.ts -O3 --runtime incremental \
        --use abort=~lib/@benthos-wasm/sdk/assembly/memory/abortLog -o mask_email.wasm
}

declare -A source=([go]=main.go [rust]=guest.rs [c]=guest.c [assemblyscript]=mask.ts)
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go rust c assemblyscript)
for lang in "${langs[@]}"; do
    dir="$tmp/$lang"
    mkdir -p "$dir"
    extract "$root/sdk/$lang/README.md" "${source[$lang]}" "$dir"
    (cd "$dir" && "build_$lang" && "$bin" test pipeline.yaml) || { echo "sdk/$lang/README.md: the example fails" >&2; exit 1; }
done
