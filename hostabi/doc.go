// Package hostabi is the ABI-neutral host core on wazero: it compiles a guest
// module within validated limits, instantiates it with WASI and guest output
// wired, runs its exports under those limits, and moves every byte between
// the host and guest memory through one Exchange per instance.
//
// It knows Wasm, not Benthos and no particular ABI. Each ABI is a package
// beside it (kafkaconnect, for the Kafka Connect Wasm transformer's) that
// checks modules against its imports and exports and defines its host
// functions with DefineHostModule.
//
// Errors are typed, so that a caller can say which of its own settings is
// involved: *OptionError (an option out of range), *LimitError (a limit
// passed), *TimeoutError, *TrapError and *HostFunctionError.
package hostabi
