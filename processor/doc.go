// Package processor registers the wasm_smt Benthos processor, which runs a
// WebAssembly guest function over every message through the host ABI of
// package hostabi, mapping the message onto a Kafka-style record.
//
// It is the only package that imports Benthos. Import it for its side effect
// to add wasm_smt to a Benthos binary:
//
//	import _ "github.com/benthos-wasm/benthos-wasm/processor"
package processor
