// Package kafkaconnect is the host ABI of the Kafka Connect Wasm transformer
// (docs/ABI.md), with this project's extensions, on the hostabi core: it
// checks modules against the ABI, provides the `env` host functions, and
// runs one guest function over one record at a time.
//
// The host sees a record only through the Record interface, so any host
// (and any test: see package recordtest) can drive it.
package kafkaconnect
