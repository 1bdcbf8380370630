package bench

import (
	"bytes"
	"context"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// The native processors do in plain Go what the guest functions do, so a row
// of Go code sets the floor each wasm row is compared with. Plugin
// registration is the only global state of this package.
func init() {
	register("bench_native_noop", func(*service.Message) {})
	register("bench_native_upper", func(m *service.Message) {
		b, _ := m.AsBytes()
		m.SetBytes(bytes.ToUpper(b))
	})
	register("bench_native_copy_header", func(m *service.Message) {
		if v, ok := m.MetaGetMut(HeaderIn); ok {
			m.MetaSetMut(HeaderOut, v)
		}
	})
	register("bench_native_transform", func(m *service.Message) {
		b, _ := m.AsBytes()
		m.MetaSetMut(KeyMetadata, string(b))
		m.SetBytes(bytes.ToUpper(b))
	})
	registerBatch("bench_native_filter", func(_ context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
		// Compact in place: the wrapper hands each call a fresh slice.
		kept := batch[:0]
		for _, m := range batch {
			if b, _ := m.AsBytes(); !bytes.Contains(b, []byte("drop")) {
				kept = append(kept, m)
			}
		}
		if len(kept) == 0 {
			return nil, nil
		}
		return []service.MessageBatch{kept}, nil
	})
}

// register adds a native processor that changes each message in place.
func register(name string, each func(*service.Message)) {
	registerBatch(name, func(_ context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
		for _, m := range batch {
			each(m)
		}
		return []service.MessageBatch{batch}, nil
	})
}

func registerBatch(name string, fn batchFunc) {
	err := service.RegisterBatchProcessor(name, service.NewConfigSpec().Summary("Benchmark baseline, in plain Go."),
		func(*service.ParsedConfig, *service.Resources) (service.BatchProcessor, error) { return fn, nil })
	if err != nil {
		panic(err)
	}
}

// batchFunc is a service.BatchProcessor made of one function.
type batchFunc func(context.Context, service.MessageBatch) ([]service.MessageBatch, error)

func (f batchFunc) ProcessBatch(ctx context.Context, b service.MessageBatch) ([]service.MessageBatch, error) {
	return f(ctx, b)
}

func (batchFunc) Close(context.Context) error { return nil }
