#!/usr/bin/env bash
# Runs every test of the project, from a fresh clone:
#   1. installs the guest toolchains if missing (scripts/install-deps.sh),
#   2. rebuilds every .wasm in testdata/ from source,
#   3. checks formatting and go vet,
#   4. runs the guest SDKs' own tests (Go, C, AssemblyScript, Rust) and the
#      peer-ABI guests' (Data Transforms in Go and Rust, Connect wasm), and
#      builds and tests each SDK README's complete example (scripts/sdk-examples.sh),
#   5. fuzzes each Go fuzz target for a bounded time (scripts/fuzz.sh),
#   6. runs the benchmarks briefly (bench/run.sh with QUICK=1),
#   7. runs go test -race over the host, which also lints and unit-tests
#      config/examples through the real benthos-wasm binary and runs the
#      conformance table on the modules rebuilt in step 2.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchains"
scripts/install-deps.sh

step "rebuilding guest modules from source"
testdata/build.sh
# The builds are reproducible, so a module that differs from the committed
# one means a source changed without its module being rebuilt.
if ! git diff --quiet -- testdata/wasm; then
    echo "testdata/wasm differs from the committed modules after a rebuild:"
    git diff --stat -- testdata/wasm
    echo "run testdata/build.sh and commit the modules"
    exit 1
fi

step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go') 2>/dev/null || true)
if [ -n "$unformatted" ]; then
    echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
(cd sdk/go && go vet ./... && GOOS=wasip1 GOARCH=wasm go vet ./...)
(cd testdata/go && GOOS=wasip1 GOARCH=wasm go vet ./...)
(cd testdata/mask && GOOS=wasip1 GOARCH=wasm go vet ./...)
(cd testdata/transform/go && go vet ./... && GOOS=wasip1 GOARCH=wasm go vet ./...)
(cd testdata/connectwasm/go && go vet ./... && GOOS=wasip1 GOARCH=wasm go vet ./...)

step "guest SDK tests"
(cd sdk/go && go test ./...)
(cd testdata/go && go test ./...)
(cd testdata/transform/go && go test ./...)      # payload codec, every module's imports and exports
(cd testdata/connectwasm/go && go test ./...)
sdk/c/test/run.sh
(cd sdk/assemblyscript && npm test --silent)
rust_test=$(mktemp -d)
/usr/bin/rustc --edition 2021 --test -o "$rust_test/sdk_test" sdk/rust/src/lib.rs
"$rust_test/sdk_test"
# The Rust Data Transforms guest's codec and cases, built natively.
/usr/bin/rustc --edition 2021 --test -o "$rust_test/transform_test" testdata/transform/rust/transform.rs
"$rust_test/transform_test"
rm -rf "$rust_test"
# Each SDK README's complete example: built as a guest author would, its tests: block run.
scripts/sdk-examples.sh

step "fuzzing, 10 s per target (failing inputs land in testdata/fuzz)"
FUZZTIME="${FUZZTIME:-10s}" scripts/fuzz.sh

step "benchmarks, briefly: they must keep working (no timing is judged)"
go test -run '^$' -bench . -benchtime=100x ./processor >/dev/null
go test -run '^$' -bench . -benchtime=10x ./codec >/dev/null
QUICK=1 bench/run.sh >/dev/null
MESSAGES=2000 ROUNDS=1 MAX_FOREIGN=100 bench/roundtrip.sh >/dev/null

step "host tests (race detector on)"
go test -race -count=1 ./...
