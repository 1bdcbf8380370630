package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// PerMessage measures one message of 1 KiB, in a batch of one, through
// Benthos's own processor wrapper: the processor is built from YAML as a
// resource, as a pipeline would build it, and checked with c.Verify first.
// Besides the wall time it reports the process's CPU time per message
// (CPUPerOp), the garbage collector's included.
func PerMessage(b *testing.B, s Setup, c Case, impl Impl, extra string) error {
	yaml, err := s.ProcessorYAML(c, impl, extra)
	if err != nil {
		return err
	}
	return withProcessor(yaml, func(ctx context.Context, rp *service.ResourceProcessor) error {
		if err := verify(ctx, c, rp); err != nil {
			return err
		}
		payload := Payload()
		msg := Message(payload)
		batch := service.MessageBatch{msg}
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		var cpu cpuMeter
		runtime.GC() // the set-up's garbage is not the loop's cost
		b.ResetTimer()
		cpu.begin()
		for i := 0; i < b.N; i++ {
			if err := processOne(ctx, rp, msg, batch, payload); err != nil {
				return err
			}
		}
		cpu.end()
		b.StopTimer()
		cpu.report(b, float64(b.N), CPUPerOp)
		return nil
	})
}

// Check builds the processor that does c's work the impl's way and checks
// what it makes of the case's inputs, as PerMessage does before timing.
func Check(s Setup, c Case, impl Impl) error {
	yaml, err := s.ProcessorYAML(c, impl, "")
	if err != nil {
		return err
	}
	return withProcessor(yaml, func(ctx context.Context, rp *service.ResourceProcessor) error {
		return verify(ctx, c, rp)
	})
}

// PerMessageParallel is PerMessage from GOMAXPROCS goroutines at once, each
// with its own message, through one shared processor (as pipeline threads
// share it). Its time per message against PerMessage's shows how the
// processor alone scales across cores.
func PerMessageParallel(b *testing.B, s Setup, c Case, impl Impl, extra string) error {
	yaml, err := s.ProcessorYAML(c, impl, extra)
	if err != nil {
		return err
	}
	return withProcessor(yaml, func(ctx context.Context, rp *service.ResourceProcessor) error {
		if err := verify(ctx, c, rp); err != nil {
			return err
		}
		var cpu cpuMeter
		var mu sync.Mutex
		var firstErr error
		b.SetBytes(int64(len(Payload())))
		b.ReportAllocs()
		runtime.GC()
		b.ResetTimer()
		cpu.begin()
		b.RunParallel(func(pb *testing.PB) {
			payload := Payload()
			msg := Message(payload)
			batch := service.MessageBatch{msg}
			for pb.Next() {
				if err := processOne(ctx, rp, msg, batch, payload); err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
			}
		})
		cpu.end()
		b.StopTimer()
		cpu.report(b, float64(b.N), CPUPerOp)
		return firstErr
	})
}

// processOne restores the payload and runs the batch of one message.
func processOne(ctx context.Context, rp *service.ResourceProcessor, msg *service.Message, batch service.MessageBatch, payload []byte) error {
	msg.SetBytes(payload)
	out, err := rp.ProcessBatch(ctx, batch)
	if err != nil {
		return err
	}
	if len(out) != 1 || len(out[0]) != 1 {
		return fmt.Errorf("%d batches came out, want one message", len(out))
	}
	return out[0][0].GetError()
}

func verify(ctx context.Context, c Case, rp *service.ResourceProcessor) error {
	return c.Verify(func(batch service.MessageBatch) ([]service.MessageBatch, error) {
		return rp.ProcessBatch(ctx, batch)
	})
}

// resourceLabel is the label of the processor withProcessor builds.
const resourceLabel = "p"

// withProcessor builds a processor from YAML as a Benthos resource, hands it
// to fn, and closes it (and every resource with it) whatever fn returns.
func withProcessor(yaml string, fn func(context.Context, *service.ResourceProcessor) error) error {
	rb := service.NewResourceBuilder()
	rb.SetLogger(slog.New(slog.DiscardHandler))
	if err := rb.AddProcessorYAML("label: " + resourceLabel + "\n" + yaml); err != nil {
		return err
	}
	res, closeRes, err := rb.Build()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var fnErr error
	err = res.AccessProcessor(ctx, resourceLabel, func(rp *service.ResourceProcessor) {
		fnErr = fn(ctx, rp)
	})
	return errors.Join(fnErr, err, closeRes(ctx))
}
