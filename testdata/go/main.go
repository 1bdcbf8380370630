// Command go is the Go conformance guest for the wasm_smt processor. Build it
// with build.sh into testdata/wasm/go.wasm; each exported function below is
// one conformance case of docs/ABI.md.
package main

import (
	"bytes"

	smt "github.com/benthos-wasm/benthos-wasm/sdk/go"
)

// main is never run: the module is a reactor (-buildmode=c-shared) and the
// host runs _initialize instead.
func main() {}

// to_upper: value = upper-case(value).
//
//go:wasmexport to_upper
func toUpper() {
	smt.SetValue(bytes.ToUpper(smt.Value()))
}

// value_to_key: key = value.
//
//go:wasmexport value_to_key
func valueToKey() {
	smt.SetKey(smt.Value())
}

// header_to_key: key = header "the-key".
//
//go:wasmexport header_to_key
func headerToKey() {
	smt.SetKey(smt.Header("the-key"))
}

// copy_header: header "the-header-out" = header "the-header-in".
//
//go:wasmexport copy_header
func copyHeader() {
	smt.SetHeader("the-header-out", smt.Header("the-header-in"))
}

// transform: through the record JSON, key = value and value =
// upper-case(value). An absent value (which get_record leaves out) makes the
// key absent too; topic and headers are written back unchanged.
//
//go:wasmexport transform
func transform() uint64 {
	rec, err := smt.GetRecord()
	if err != nil {
		return smt.Result(err)
	}
	if rec.HasValue {
		rec.SetKey(rec.Value)
		rec.SetValue(bytes.ToUpper(rec.Value))
	} else {
		rec.HasKey = false
	}
	smt.SetRecord(rec)
	return 0
}

// trap: always traps. In a c-shared (reactor) build an unrecovered Go panic
// prints the panic to stderr and ends in runtime.abort, a wasm `unreachable`
// trap (checked with wazero: "wasm error: unreachable"). It does not call
// proc_exit.
//
//go:wasmexport trap
func trap() {
	panic("trap")
}

// upper_or_trap: traps (panics) if the value starts with "trap", else as
// to_upper.
//
//go:wasmexport upper_or_trap
func upperOrTrap() {
	v := smt.Value()
	if bytes.HasPrefix(v, []byte("trap")) {
		panic("trap: value starts with \"trap\"")
	}
	smt.SetValue(bytes.ToUpper(v))
}

// reject: fails the record with the message "rejected: " + value.
//
//go:wasmexport reject
func reject() uint64 {
	return smt.Error("rejected: " + string(smt.Value()))
}
