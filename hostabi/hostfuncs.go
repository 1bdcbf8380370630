package hostabi

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// hostFunction is one import of module env.
type hostFunction struct {
	name string
	sig  signature
	run  func(ctx context.Context, x *exchange, stack []uint64)
}

func getter(params ...api.ValueType) signature {
	return signature{params: params, results: []api.ValueType{i64}}
}

func setter(params ...api.ValueType) signature { return signature{params: params} }

// hostFunctions is the ABI's import table: the original ten functions of the
// Kafka Connect Wasm transformer.
var hostFunctions = []hostFunction{
	{"get_key", getter(), func(ctx context.Context, x *exchange, s []uint64) {
		b, err := x.rec.Key()
		s[0] = x.give(ctx, b, err)
	}},
	{"set_key", setter(i32, i32), func(_ context.Context, x *exchange, s []uint64) {
		x.check(x.rec.SetKey(x.read(u32(s[0]), u32(s[1]))))
	}},
	{"get_value", getter(), func(ctx context.Context, x *exchange, s []uint64) {
		b, err := x.rec.Value()
		s[0] = x.give(ctx, b, err)
	}},
	{"set_value", setter(i32, i32), func(_ context.Context, x *exchange, s []uint64) {
		x.check(x.rec.SetValue(x.read(u32(s[0]), u32(s[1]))))
	}},
	{"get_topic", getter(), func(ctx context.Context, x *exchange, s []uint64) {
		b, err := x.rec.Topic()
		s[0] = x.give(ctx, b, err)
	}},
	{"set_topic", setter(i32, i32), func(_ context.Context, x *exchange, s []uint64) {
		x.check(x.rec.SetTopic(x.text("topic", x.read(u32(s[0]), u32(s[1])))))
	}},
	{"get_header", getter(i32, i32), func(ctx context.Context, x *exchange, s []uint64) {
		b, err := x.rec.Header(x.headerName(s[0], s[1]))
		s[0] = x.give(ctx, b, err)
	}},
	{"set_header", setter(i32, i32, i32, i32), func(_ context.Context, x *exchange, s []uint64) {
		name := x.headerName(s[0], s[1])
		x.check(x.rec.SetHeader(name, x.read(u32(s[2]), u32(s[3]))))
	}},
	{"get_record", getter(), func(ctx context.Context, x *exchange, s []uint64) {
		b, err := encodeRecord(x.rec)
		s[0] = x.give(ctx, b, err)
	}},
	{"set_record", setter(i32, i32), func(_ context.Context, x *exchange, s []uint64) {
		x.check(decodeRecordInto(x.rec, x.read(u32(s[0]), u32(s[1]))))
	}},
}

// allHostFunctions is every import of module env the host provides.
var allHostFunctions = append(append([]hostFunction{}, hostFunctions...), extensionFunctions...)

// hostSignatures maps an import name onto its signature, for module checks.
var hostSignatures = func() map[string]signature {
	m := make(map[string]signature, len(allHostFunctions))
	for _, f := range allHostFunctions {
		m[f.name] = f.sig
	}
	return m
}()

func u32(v uint64) uint32 { return uint32(v) }

// check abandons the call if a Record setter refused the guest's bytes.
func (x *exchange) check(err error) {
	if err != nil {
		x.fail(err)
	}
}

// text abandons the call unless b, the named part, is UTF-8.
func (x *exchange) text(what string, b []byte) []byte {
	if !utf8.Valid(b) {
		x.fail(fmt.Errorf("the %s is not valid UTF-8", what))
	}
	return b
}

func (x *exchange) headerName(ptr, length uint64) []byte {
	return x.text("header name", x.read(u32(ptr), u32(length)))
}

// instantiateHostModule defines module env on the runtime.
func instantiateHostModule(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(HostModule)
	for _, f := range allHostFunctions {
		f := f
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
				x := exchangeFrom(ctx)
				x.importName = f.name
				x.countCall()
				f.run(ctx, x, stack)
			}), f.sig.params, f.sig.results).
			WithName(f.name).
			Export(f.name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("defining host module %s: %w", HostModule, err)
	}
	return nil
}

// absent reports whether err says a part is absent.
func absent(err error) bool { return errors.Is(err, ErrAbsent) }
