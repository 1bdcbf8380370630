// Package scaffold writes a new guest project for `benthos-wasm wasm init`
// (source with one function, the SDK it needs, a pipeline with a tests
// block, a README) and builds one for `benthos-wasm wasm build`, in Go,
// Rust, C or AssemblyScript. The SDKs travel inside the binary (sdk.tar,
// packed from sdk/ by go generate), so both work offline.
package scaffold

//go:generate go run ./internal/packsdk
