package kafkaconnect

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// call is what a host function works with: the core's exchange of the
// instance, and the ABI's state of the call in progress.
type call struct {
	*hostabi.Exchange
	*callState
}

// hostFunction is one import of module env.
type hostFunction struct {
	name string
	sig  hostabi.Signature
	run  func(c call, stack []uint64)
}

func getter(params ...hostabi.ValueType) hostabi.Signature { return sig(params, i64) }

func setter(params ...hostabi.ValueType) hostabi.Signature { return sig(params) }

// hostFunctions is the ABI's import table: the original ten functions of the
// Kafka Connect Wasm transformer.
var hostFunctions = []hostFunction{
	{"get_key", getter(), func(x call, s []uint64) {
		b, err := x.rec.Key()
		s[0] = x.give(b, err)
	}},
	{"set_key", setter(i32, i32), func(x call, s []uint64) {
		x.check(x.rec.SetKey(x.Read(u32(s[0]), u32(s[1]))))
	}},
	{"get_value", getter(), func(x call, s []uint64) {
		b, err := x.rec.Value()
		s[0] = x.give(b, err)
	}},
	{"set_value", setter(i32, i32), func(x call, s []uint64) {
		x.check(x.rec.SetValue(x.Read(u32(s[0]), u32(s[1]))))
	}},
	{"get_topic", getter(), func(x call, s []uint64) {
		b, err := x.rec.Topic()
		s[0] = x.give(b, err)
	}},
	{"set_topic", setter(i32, i32), func(x call, s []uint64) {
		x.check(x.rec.SetTopic(x.text("topic", x.Read(u32(s[0]), u32(s[1])))))
	}},
	{"get_header", getter(i32, i32), func(x call, s []uint64) {
		b, err := x.rec.Header(x.headerName(s[0], s[1]))
		s[0] = x.give(b, err)
	}},
	{"set_header", setter(i32, i32, i32, i32), func(x call, s []uint64) {
		name := x.headerName(s[0], s[1])
		x.check(x.rec.SetHeader(name, x.Read(u32(s[2]), u32(s[3]))))
	}},
	{"get_record", getter(), func(x call, s []uint64) {
		b, err := encodeRecord(x.rec)
		s[0] = x.give(b, err)
	}},
	{"set_record", setter(i32, i32), func(x call, s []uint64) {
		x.check(decodeRecordInto(x.rec, x.Read(u32(s[0]), u32(s[1]))))
	}},
}

// allHostFunctions is every import of module env the host provides, as
// the core defines them.
var allHostFunctions = func() []hostabi.HostFunction {
	var fns []hostabi.HostFunction
	for _, f := range hostFunctionTable {
		fns = append(fns, f.core())
	}
	return fns
}()

// hostFunctionTable is the original functions and the extensions.
var hostFunctionTable = append(append([]hostFunction{}, hostFunctions...), extensionFunctions...)

// core wraps f for the core, which hands it the instance's exchange.
func (f hostFunction) core() hostabi.HostFunction {
	run := f.run
	return hostabi.HostFunction{Name: f.name, Signature: f.sig, Run: func(x *hostabi.Exchange, stack []uint64) {
		run(call{x, x.State().(*callState)}, stack)
	}}
}

// hostSignatures maps an import name onto its signature, for module checks.
var hostSignatures = func() map[string]hostabi.Signature {
	m := make(map[string]hostabi.Signature, len(allHostFunctions))
	for _, f := range allHostFunctions {
		m[f.Name] = f.Signature
	}
	return m
}()

func u32(v uint64) uint32 { return uint32(v) }

// check abandons the call if a record.Record setter refused the guest's bytes.
func (x call) check(err error) {
	if err != nil {
		x.Fail(err)
	}
}

// give hands b, a getter's result, to the guest in a buffer from its alloc,
// and returns the packed pointer and length; err abandons the call instead.
func (x call) give(b []byte, err error) uint64 {
	if err != nil {
		x.Fail(err)
	}
	if uint64(len(b)) >= errorBit {
		x.Fail(fmt.Errorf("%d bytes do not fit the ABI's 31-bit length", len(b)))
	}
	return pack(x.Give(b), uint32(len(b)))
}

// text abandons the call unless b, the named part, is UTF-8.
func (x call) text(what string, b []byte) []byte {
	if !utf8.Valid(b) {
		x.Fail(fmt.Errorf("the %s is not valid UTF-8", what))
	}
	return b
}

func (x call) headerName(ptr, length uint64) []byte {
	return x.text("header name", x.Read(u32(ptr), u32(length)))
}

// absent reports whether err says a part is absent.
func absent(err error) bool { return errors.Is(err, record.ErrAbsent) }
