// Package connectwasm is the host ABI of Redpanda Connect's `wasm`
// processor (import module benthos_wasm) on the hostabi core: it runs
// modules written for that processor, one call of their function per
// message, with the message's payload and metadata behind four host
// functions.
package connectwasm
