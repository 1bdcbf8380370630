package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// task is one measurement: a benchmark function and what to read from it.
type task struct {
	key       string
	benchtime string // -test.benchtime for this task: "0.5s", "1x", ...
	metric    string // the metric the median is taken of: "ns/op" or one the benchmark reports
	run       func(*testing.B) error
}

// result is a task's median sample over the rounds.
type result struct {
	ns      float64            // the task's metric, in ns
	metrics map[string]float64 // every metric of the sample: ns/op and those the benchmark reports
	allocs  int64              // allocations per op
	skipped bool               // the module is missing
	err     error
}

// metric returns one metric of the sample.
func (r result) metric(name string) (float64, bool) {
	v, ok := r.metrics[name]
	return v, ok
}

func (r result) ok() bool { return !r.skipped && r.err == nil }

// measureAll runs every task once per round, round after round, so a burst of
// load from elsewhere on the machine disturbs one sample of many tasks rather
// than every sample of one; each task's result is its median.
func measureAll(tasks []task, rounds int) map[string]result {
	samples := map[string][]result{}
	for round := 1; round <= rounds; round++ {
		for i, t := range tasks {
			if prev := samples[t.key]; len(prev) > 0 && !prev[0].ok() {
				continue // skipped or failed: no point in trying again
			}
			r := measure(t)
			samples[t.key] = append(samples[t.key], r)
			fmt.Fprintf(os.Stderr, "round %d/%d, %3d/%d %-60s %s\n", round, rounds, i+1, len(tasks), t.key, show(r))
		}
	}
	out := map[string]result{}
	for key, rs := range samples {
		sort.Slice(rs, func(i, j int) bool { return rs[i].ns < rs[j].ns })
		out[key] = rs[len(rs)/2]
	}
	return out
}

func measure(t task) result {
	if err := flag.Set("test.benchtime", t.benchtime); err != nil {
		return result{err: err}
	}
	var runErr error
	r := testing.Benchmark(func(b *testing.B) {
		if err := t.run(b); err != nil {
			runErr = err
			b.Fatal(err)
		}
	})
	switch {
	case errors.Is(runErr, bench.ErrNoModule):
		return result{skipped: true, err: runErr}
	case runErr != nil:
		return result{err: runErr}
	case r.N == 0:
		return result{err: errors.New("the benchmark did not run")}
	}
	metrics := map[string]float64{"ns/op": float64(r.T.Nanoseconds()) / float64(r.N)}
	for k, v := range r.Extra {
		metrics[k] = v
	}
	ns, ok := metrics[t.metric]
	if !ok { // no CPU time on this platform: the wall time instead
		ns, ok = metrics[strings.TrimPrefix(t.metric, "cpu-")]
	}
	if !ok {
		return result{err: fmt.Errorf("the benchmark reported no %s", t.metric)}
	}
	return result{ns: ns, metrics: metrics, allocs: r.AllocsPerOp()}
}

func show(r result) string {
	switch {
	case r.skipped:
		return "skipped: " + r.err.Error()
	case r.err != nil:
		return "FAILED: " + r.err.Error()
	}
	return fmt.Sprintf("%.0f ns, %d allocs", r.ns, r.allocs)
}
