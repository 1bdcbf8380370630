package bench

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// StartUp measures how long a stream with one wasm_smt processor (module,
// function) takes from being built to its first message out. Cold, each op
// starts with an empty compilation_cache_dir; cached, the directory is filled
// by one start before timing, as by an earlier run of the pipeline. The
// reported ns/op is the time to the first message.
func StartUp(b *testing.B, module, function string, cached bool) error {
	b.StopTimer()
	var dir string
	if cached {
		var err error
		if dir, err = os.MkdirTemp("", "bench-startup-cache"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if _, err := startOnce(module, function, dir); err != nil {
			return err
		}
	}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		opDir := dir
		if !cached {
			var err error
			if opDir, err = os.MkdirTemp("", "bench-startup-cold"); err != nil {
				return err
			}
		}
		d, err := startOnce(module, function, opDir)
		if !cached {
			_ = os.RemoveAll(opDir)
		}
		if err != nil {
			return err
		}
		total += d
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/op")
	return nil
}

// startOnce builds and runs a stream of one generated message through the
// processor, and returns the time from building it to that message coming
// out. The stream then ends by itself (its input is exhausted).
func startOnce(module, function, cacheDir string) (time.Duration, error) {
	start := time.Now()
	type result struct {
		after time.Duration
		err   error
	}
	first := make(chan result, 1) // the first message's; later ones are dropped
	sb := service.NewStreamBuilder()
	if err := sb.SetLoggerYAML("level: none"); err != nil {
		return 0, err
	}
	if err := sb.AddInputYAML("generate:\n  mapping: 'root = \"hello\"'\n  interval: \"\"\n  count: 1\n"); err != nil {
		return 0, err
	}
	if err := sb.AddProcessorYAML(WasmYAML(module, function, cacheDir, "")); err != nil {
		return 0, err
	}
	err := sb.AddConsumerFunc(func(_ context.Context, m *service.Message) error {
		select {
		case first <- result{time.Since(start), m.GetError()}:
		default:
		}
		return nil // a failed message is reported, not retried
	})
	if err != nil {
		return 0, err
	}
	stream, err := sb.Build()
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := stream.Run(ctx); err != nil {
		return 0, err
	}
	select {
	case r := <-first:
		return r.after, r.err
	default:
		return 0, errors.New("no message came out of the stream")
	}
}
