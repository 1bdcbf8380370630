package processor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// BenchmarkABIsBatch64 compares what one record costs under each ABI, in
// batches of 64 messages of 1 KiB: the Kafka Connect ABI's pass-through
// (get_value, set_value), a Data Transforms identity (read the record,
// write it back) and a Redpanda Connect wasm process. Run with
// `go test ./processor -run '^$' -bench ABIsBatch64`; it reports ns/record.
func BenchmarkABIsBatch64(b *testing.B) {
	for _, tt := range []struct{ name, module, function, extra string }{
		{"kafka_connect/passthru/wat", "noop.wasm", "roundtrip", ""},
		{"data_transforms/identity/wat", "transform_identity.wasm", "", ""},
		{"data_transforms/identity/go", "transform_go.wasm", "", "environment: { BW_CASE: identity }"},
		{"connect_wasm/upper/wat", "connect_malloc.wasm", "", ""},
		{"connect_wasm/upper/rust", "connect_rust.wasm", "", ""},
	} {
		b.Run(tt.name, func(b *testing.B) {
			p := processorFor(b, tt.module, tt.function, tt.extra)
			batch := make(service.MessageBatch, 64)
			for i := range batch {
				batch[i] = service.NewMessage(nil)
			}
			ctx := context.Background()
			b.SetBytes(int64(len(payload1KiB) * len(batch)))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				for _, msg := range batch {
					msg.SetBytes(payload1KiB)
				}
				out, err := p.ProcessBatch(ctx, batch)
				if err != nil {
					b.Fatal(err)
				}
				if len(out) != 1 || len(out[0]) != len(batch) {
					b.Fatal(fmt.Sprintf("%d batches out", len(out)))
				}
				if err := out[0][0].GetError(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(batch)), "ns/record")
		})
	}
}
