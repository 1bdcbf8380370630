package bench_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// setup is shared by every benchmark and test of the package: the guest
// modules and a private compilation cache, removed at the end.
var setup bench.Setup

func TestMain(m *testing.M) {
	s, cleanup, err := bench.NewSetup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	setup = s
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// pipelineMessages is how many messages one pipeline run carries.
const pipelineMessages = 200_000

// run fails b with err, or skips it when a module is missing.
func run(b *testing.B, err error) {
	b.Helper()
	if errors.Is(err, bench.ErrNoModule) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// Per message, batches of one, through Benthos's processor wrapper.
func BenchmarkPerMessage(b *testing.B) {
	for _, c := range bench.Cases() {
		for _, impl := range bench.PerMessageImpls(c) {
			b.Run(bench.Row{Case: c, Impl: impl}.Name(), func(b *testing.B) {
				run(b, bench.PerMessage(b, setup, c, impl, ""))
			})
		}
	}
}

// Per message from two goroutines through one shared processor.
func BenchmarkPerMessageParallel(b *testing.B) {
	for _, row := range bench.ParallelRows() {
		b.Run(row.Name(), func(b *testing.B) {
			run(b, bench.PerMessageParallel(b, setup, row.Case, row.Impl, ""))
		})
	}
}

// The wasm rows with the timeout off and on.
func BenchmarkTimeout(b *testing.B) {
	for _, row := range bench.TimeoutRows() {
		for _, timeout := range bench.Timeouts() {
			b.Run(row.Name()+"/timeout="+timeout, func(b *testing.B) {
				run(b, bench.PerMessage(b, setup, row.Case, row.Impl, bench.TimeoutYAML(timeout)))
			})
		}
	}
}

// A real stream, generate → processor → drop; one op is a run of
// 200,000 messages.
func BenchmarkPipeline(b *testing.B) {
	for _, row := range setup.PipelineRows() {
		for _, shape := range bench.PipelineShapes() {
			b.Run(row.Name+"/"+shape.String(), func(b *testing.B) {
				run(b, bench.Pipeline(b, row.YAML, shape, pipelineMessages))
			})
		}
	}
}

// From building a stream to its first message out, cold and cached.
func BenchmarkStartUp(b *testing.B) {
	c, _ := bench.CaseNamed("to_upper")
	for _, impl := range bench.StartUpModules() {
		for _, cached := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/cached=%t", impl, cached), func(b *testing.B) {
				if !setup.Has(c, impl) {
					b.Skip(bench.ErrNoModule)
				}
				run(b, bench.StartUp(b, setup.ModulePath(c, impl), c.Name, cached))
			})
		}
	}
}
