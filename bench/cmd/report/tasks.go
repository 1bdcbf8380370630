package main

import (
	"fmt"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// settings are the sizes of a run: full, or quick (CI: checks that
// everything runs, judges nothing).
type settings struct {
	quick            bool
	rounds           int    // samples per task; each result is the median
	perMessageTime   string // benchtime of the per-message tasks
	pipelineMessages int    // messages per pipeline run
	cachedStarts     string // benchtime of the cached start-up tasks
}

func newSettings(quick bool, rounds int) settings {
	if quick {
		return settings{quick: true, rounds: 1, perMessageTime: "20x", pipelineMessages: 2_000, cachedStarts: "1x"}
	}
	return settings{rounds: rounds, perMessageTime: "0.5s", pipelineMessages: 200_000, cachedStarts: "5x"}
}

// Task keys, one per cell of the report.
func perMessageKey(r bench.Row) string        { return "per-message/" + r.Name() }
func parallelKey(r bench.Row) string          { return "parallel/" + r.Name() }
func timeoutKey(r bench.Row, t string) string { return "timeout/" + r.Name() + "/timeout=" + t }
func pipelineKey(row string, s bench.PipelineShape) string {
	return "pipeline/" + row + "/" + s.String()
}
func startUpKey(impl bench.Impl, cached bool) string {
	return fmt.Sprintf("start-up/%s/cached=%t", impl, cached)
}

// tasks lists every measurement of the report, the same ones the benchmarks
// of bench_test.go make.
func tasks(s bench.Setup, st settings) []task {
	var ts []task
	for _, c := range bench.Cases() {
		for _, impl := range bench.PerMessageImpls(c) {
			row := bench.Row{Case: c, Impl: impl}
			ts = append(ts, task{perMessageKey(row), st.perMessageTime, bench.CPUPerOp, func(b *testing.B) error {
				return bench.PerMessage(b, s, row.Case, row.Impl, "")
			}})
		}
	}
	for _, row := range bench.ParallelRows() {
		ts = append(ts, task{parallelKey(row), st.perMessageTime, "ns/op", func(b *testing.B) error {
			return bench.PerMessageParallel(b, s, row.Case, row.Impl, "")
		}})
	}
	for _, row := range bench.TimeoutRows() {
		for _, timeout := range bench.Timeouts() {
			ts = append(ts, task{timeoutKey(row, timeout), st.perMessageTime, bench.CPUPerOp, func(b *testing.B) error {
				return bench.PerMessage(b, s, row.Case, row.Impl, bench.TimeoutYAML(timeout))
			}})
		}
	}
	for _, row := range s.PipelineRows() {
		for _, shape := range bench.PipelineShapes() {
			ts = append(ts, task{pipelineKey(row.Name, shape), "1x", bench.CPUPerMsg, func(b *testing.B) error {
				return bench.Pipeline(b, row.YAML, shape, st.pipelineMessages)
			}})
		}
	}
	upper, _ := bench.CaseNamed("to_upper")
	for _, impl := range bench.StartUpModules() {
		for _, cached := range []bool{false, true} {
			benchtime := "1x"
			if cached {
				benchtime = st.cachedStarts
			}
			ts = append(ts, task{startUpKey(impl, cached), benchtime, "ns/op", func(b *testing.B) error {
				if !s.Has(upper, impl) {
					return fmt.Errorf("%s: %w", s.ModulePath(upper, impl), bench.ErrNoModule)
				}
				return bench.StartUp(b, s.ModulePath(upper, impl), upper.Name, cached)
			}})
		}
	}
	return ts
}
