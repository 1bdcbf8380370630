// Package hostabi runs one guest function of a WebAssembly module over one
// record at a time, through the Kafka-Connect-style host ABI described in
// docs/ABI.md: it checks a module against the ABI, instantiates it on wazero,
// provides the `env` host functions, and moves bytes in and out of guest memory.
//
// It knows Wasm and the ABI, not Benthos: the host sees a record only through
// the Record interface, so any host (and any test) can drive it.
package hostabi
