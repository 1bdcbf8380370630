// Package processor provides the wasm_smt Benthos processor, which runs a
// WebAssembly guest function over every message through the host ABI of
// package hostabi, mapping the message onto a Kafka-style record.
//
// It is the only package that imports Benthos. Importing it registers
// wasm_smt in Benthos's global environment, which is all a Benthos binary
// needs:
//
//	import _ "github.com/benthos-wasm/benthos-wasm/processor"
//
// A program that builds streams from an environment of its own adds
// wasm_smt to it with Register.
package processor
