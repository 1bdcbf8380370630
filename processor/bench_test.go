package processor

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// payload1KiB is the benchmark payload: 1 KiB of lower-case text.
var payload1KiB = bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz012345"), 32)

// benchmarkProcessor measures the processor's cost per message, batches of
// one, the message payload restored before each call.
func benchmarkProcessor(b *testing.B, module, function, extra string) {
	p := processorFor(b, module, function, extra)
	msg := service.NewMessage(nil)
	batch := service.MessageBatch{msg}
	ctx := context.Background()
	b.SetBytes(int64(len(payload1KiB)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msg.SetBytes(payload1KiB)
		if _, err := p.ProcessBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
		if err := msg.GetError(); err != nil {
			b.Fatal(err)
		}
	}
}

// The cost of timeout: wazero can interrupt a guest only by checking in with
// the host on every loop iteration, and by watching each call's context.
func BenchmarkTimeoutCost(b *testing.B) {
	for _, guest := range []struct{ module, function string }{
		{"hostile.wasm", "loop_if_bad"}, // a plain WAT byte loop over the value
		{"rust.wasm", "to_upper"},
		{"c.wasm", "to_upper"},
		{"go.wasm", "to_upper"},
	} {
		for _, timeout := range []string{"0s", "1s"} {
			b.Run(fmt.Sprintf("%s/%s/timeout=%s", guest.module, guest.function, timeout), func(b *testing.B) {
				benchmarkProcessor(b, guest.module, guest.function, "timeout: "+timeout)
			})
		}
	}
}

func BenchmarkNoop(b *testing.B) {
	benchmarkProcessor(b, "noop.wasm", "noop", "")
}

func BenchmarkToUpper(b *testing.B) {
	for _, lang := range []string{"rust", "c", "go"} {
		b.Run(lang, func(b *testing.B) { benchmarkProcessor(b, lang+".wasm", "to_upper", "") })
	}
}
