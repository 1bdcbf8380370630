package bench

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	// wasm_smt, and Benthos's own generate input, mapping and drop output.
	_ "github.com/benthos-wasm/benthos-wasm/processor"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
)

// Pipeline measures a real stream, generate → processor → drop, carrying
// messages of 1 KiB in the given shape (processorYAML "" for no processor).
// Each op of b is one whole run, from stream.Run to its return: the input
// ends after the given number of messages, which ends the stream. Run also
// constructs the components and shuts them down: a few milliseconds, under 1%
// of a run of 200,000 messages. It reports the wall time per message
// (PerMsg), msg/s, and the process's CPU time per message (CPUPerMsg): on two
// cores the input, the pipeline threads and the output run side by side, so
// only the CPU time adds up what each of them costs.
func Pipeline(b *testing.B, processorYAML string, shape PipelineShape, messages int) error {
	b.StopTimer()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(shape.Cores))
	var total time.Duration
	var cpu cpuMeter
	for i := 0; i < b.N; i++ {
		stream, err := buildStream(processorYAML, shape, messages)
		if err != nil {
			return err
		}
		runtime.GC() // earlier runs' garbage is not this run's cost
		start := time.Now()
		b.StartTimer()
		cpu.begin()
		err = stream.Run(context.Background())
		cpu.end()
		b.StopTimer()
		total += time.Since(start)
		if err != nil {
			return err
		}
	}
	msgs := float64(b.N) * float64(messages)
	b.ReportMetric(float64(total.Nanoseconds())/msgs, PerMsg)
	b.ReportMetric(msgs/total.Seconds(), "msg/s")
	cpu.report(b, msgs, CPUPerMsg)
	return nil
}

func buildStream(processorYAML string, shape PipelineShape, messages int) (*service.Stream, error) {
	sb := service.NewStreamBuilder()
	if err := sb.SetLoggerYAML("level: none"); err != nil {
		return nil, err
	}
	sb.SetThreads(shape.Threads)
	mapping := "root = " + strconv.Quote(string(Payload()))
	err := sb.AddInputYAML(fmt.Sprintf("generate:\n  mapping: %s\n  interval: \"\"\n  count: %d\n  batch_size: %d\n",
		strconv.Quote(mapping), messages, shape.Batch))
	if err != nil {
		return nil, err
	}
	if processorYAML != "" {
		if err := sb.AddProcessorYAML(processorYAML); err != nil {
			return nil, err
		}
	}
	if err := sb.AddOutputYAML("drop: {}"); err != nil {
		return nil, err
	}
	return sb.Build()
}
