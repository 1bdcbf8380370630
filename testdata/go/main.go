// Command go is the Go conformance guest for the wasm_smt processor. Build it
// with build.sh into testdata/wasm/go.wasm; each exported function below is
// one conformance function of testdata/FUNCTIONS.md.
package main

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	smt "github.com/benthos-wasm/benthos-wasm/sdk/go"
)

// main is never run: the module is a reactor (-buildmode=c-shared) and the
// host runs _initialize instead.
func main() {}

// upper upper-cases the ASCII letters of b in place and returns b. Other
// bytes are left alone (bytes.ToUpper would upper-case non-ASCII letters
// and rewrite invalid UTF-8, which the conformance functions must not).
func upper(b []byte) []byte { return smt.UpperASCII(b) }

// valueBuf is reused by to_upper and upper_or_trap: with AppendValue they
// read, change and write the value without allocating.
var valueBuf []byte

// to_upper: value = upper-case(value).
//
//go:wasmexport to_upper
func toUpper() {
	valueBuf = smt.AppendValue(valueBuf[:0])
	smt.SetValue(upper(valueBuf))
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
		rec.SetValue(upper(bytes.Clone(rec.Value)))
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
	valueBuf = smt.AppendValue(valueBuf[:0])
	if bytes.HasPrefix(valueBuf, []byte("trap")) {
		panic("trap: value starts with \"trap\"")
	}
	smt.SetValue(upper(valueBuf))
}

// reject: fails the record with the message "rejected: " + value.
//
//go:wasmexport reject
func reject() uint64 {
	return smt.Error("rejected: " + string(smt.Value()))
}

// Extensions (docs/ABI.md, "Extensions").

// filter: drops the record if the value contains "drop".
//
//go:wasmexport filter
func filter() {
	if bytes.Contains(smt.Value(), []byte("drop")) {
		smt.Drop()
	}
}

// fan_out: replaces the record by one record per comma-separated part of
// its value (no trimming; a value without a comma, or an empty value, gives
// one part). A record without a value is left as it is.
//
//go:wasmexport fan_out
func fanOut() uint64 {
	rec, err := smt.GetRecord()
	if err != nil {
		return smt.Result(err)
	}
	if !rec.HasValue {
		return 0
	}
	smt.Drop()
	for _, part := range bytes.Split(rec.Value, []byte(",")) {
		rec.SetValue(part)
		smt.Emit(rec)
	}
	return 0
}

// list_headers: value = the header names, in the order the host gives
// (ascending), joined with ",".
//
//go:wasmexport list_headers
func listHeaders() {
	smt.SetValue([]byte(strings.Join(smt.HeaderNames(), ",")))
}

// remove_header: removes header "secret" if present and records in header
// "removed" whether it was.
//
//go:wasmexport remove_header
func removeHeader() {
	if smt.HasHeader("secret") {
		smt.RemoveHeader("secret")
		smt.SetHeader("removed", []byte("yes"))
	} else {
		smt.SetHeader("removed", []byte("no"))
	}
}

// has_key: value = "yes" if the record has a key, else "no".
//
//go:wasmexport has_key
func hasKey() {
	if smt.HasKey() {
		smt.SetValue([]byte("yes"))
	} else {
		smt.SetValue([]byte("no"))
	}
}

// timestamp_partition: value = "<partition>:<timestamp ms>" with -1 for an
// absent one; then a present timestamp moves 1000 ms on.
//
//go:wasmexport timestamp_partition
func timestampPartition() {
	p, _ := smt.Partition()        // -1 when absent
	t, ok := smt.TimestampMillis() // -1 when absent
	v := strconv.AppendInt(nil, int64(p), 10)
	v = append(v, ':')
	v = strconv.AppendInt(v, t, 10)
	smt.SetValue(v)
	if ok {
		smt.SetTimestampMillis(t + 1000)
	}
}

// params: value = value + the "suffix" parameter; fails the record with
// "no suffix param" if there is none.
//
//go:wasmexport params
func params() uint64 {
	s, ok := smt.Param("suffix")
	if !ok {
		return smt.Error("no suffix param")
	}
	smt.SetValue(append(smt.Value(), s...))
	return 0
}

// log: logs "log: " + value at info level; the record is unchanged.
//
//go:wasmexport log
func logValue() {
	smt.Log(smt.LevelInfo, "log: "+string(smt.Value()))
}

// JSON helpers.

// mask_json_email: the string at path ["email"] of the JSON value becomes
// its first character, "***@" and its domain; every other byte of the value
// stays as it was. The helpers' errors are returned as they are, prefixed.
//
//go:wasmexport mask_json_email
func maskJSONEmail() uint64 {
	value := smt.Value()
	email, err := smt.JSONString(value, "email")
	if err != nil {
		return smt.Error("mask_json_email: " + err.Error())
	}
	out, err := smt.SetJSONString(value, maskEmail(email), "email")
	if err != nil {
		return smt.Error("mask_json_email: " + err.Error())
	}
	smt.SetValue(out)
	return 0
}

// maskEmail keeps the first character (a whole code point) and the domain:
// bob@example.com becomes b***@example.com; without a user part, "***".
func maskEmail(e string) string {
	at := strings.IndexByte(e, '@')
	if at <= 0 {
		return "***"
	}
	_, first := utf8.DecodeRuneInString(e)
	return e[:first] + "***@" + e[at+1:]
}
