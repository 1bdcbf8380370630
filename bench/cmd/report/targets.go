package main

import (
	"fmt"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// verdict is one target: what was measured and whether it holds.
type verdict struct {
	target   string
	measured string
	pass     bool
	ok       bool // false: not measured
}

func (r *report) targets() {
	r.printf("## Targets\n\n" +
		"Costs are CPU time. Pipeline ratios are judged on one thread and one core and on the worse of the two batch sizes; " +
		"per-message figures are less the native no-op through the same wrapper (what Benthos, not wasm_smt, costs); " +
		"thread scaling is wall-time throughput.\n\n")
	t := table{header: []string{"target", "measured", "verdict"}}
	for _, v := range r.verdicts() {
		mark := "not measured"
		switch {
		case !v.ok:
		case r.st.quick:
			mark = "not judged (QUICK)"
		case v.pass:
			mark = "PASS"
		default:
			mark = "MISS"
		}
		t.add(v.target, v.measured, mark)
	}
	r.printf("%s", t)
}

func (r *report) verdicts() []verdict {
	var vs []verdict
	for _, guest := range []string{"rust", "c"} {
		vs = append(vs,
			r.pipelineRatio(fmt.Sprintf("`to_upper`, %s guest: added cost ≤ ⅓ of Bloblang `uppercase()`'s", guest),
				guest, "bloblang", 1.0/3),
			r.pipelineRatio(fmt.Sprintf("`to_upper`, %s guest: added cost ≤ 2× a native `bytes.ToUpper`'s", guest),
				guest, "native", 2))
	}
	vs = append(vs, r.perMessageAdded("no-op guest function: host overhead ≤ 150 ns per message",
		bench.Row{Case: mustCase("noop"), Impl: bench.WAT}, 150))
	vs = append(vs, r.perMessageAdded("Go guest `to_upper` (Go SDK): ≤ 3 µs per 1 KiB message",
		bench.Row{Case: mustCase("to_upper"), Impl: bench.Go}, 3000))
	vs = append(vs, r.startUpTarget())
	for _, guest := range []string{"rust", "c"} {
		vs = append(vs, r.threadScaling(guest))
	}
	vs = append(vs, r.batch64Ratio("Data Transforms identity record: added cost ≤ a Kafka Connect ABI pass-through record's (batch 64)",
		"data_transforms_identity", "kafka_connect_passthru", 1))
	for _, row := range []string{"data_transforms_identity", "connect_wasm_passthru"} {
		vs = append(vs, r.batch64Added(fmt.Sprintf("%s: added cost ≤ 2.5 µs per record, 4× below Redpanda Connect's measured 10 µs (batch 64)", row),
			row, 2500))
	}
	return vs
}

// batch64 is the shape the ABI targets are judged on: one thread, one core.
var batch64 = bench.PipelineShape{Batch: 64, Threads: 1, Cores: 1}

// batch64Ratio judges row's added cost against base's at batch 64.
func (r *report) batch64Ratio(target, row, base string, most float64) verdict {
	x, ok := r.addedRatio(row, base, batch64, false)
	if !ok {
		return verdict{target: target}
	}
	w, _ := r.added(row, batch64)
	b, _ := r.added(base, batch64)
	return verdict{target: target, ok: true, pass: x <= most,
		measured: fmt.Sprintf("%.2f (%s ÷ %s)", x, duration(w), duration(b))}
}

// batch64Added judges row's added cost per record at batch 64.
func (r *report) batch64Added(target, row string, most float64) verdict {
	w, ok := r.added(row, batch64)
	if !ok {
		return verdict{target: target}
	}
	return verdict{target: target, ok: true, pass: w <= most, measured: duration(w)}
}

func mustCase(name string) bench.Case {
	c, err := bench.CaseNamed(name)
	if err != nil {
		panic(err)
	}
	return c
}

// pipelineRatio judges row's added cost against base's, one thread on one
// core, the worse of the batch sizes.
func (r *report) pipelineRatio(target, row, base string, most float64) verdict {
	v := verdict{target: target, ok: true, pass: true}
	var parts []string
	for _, batch := range []int{1, 64} {
		shape := bench.PipelineShape{Batch: batch, Threads: 1, Cores: 1}
		x, ok := r.addedRatio(row, base, shape, false)
		if !ok {
			return verdict{target: target}
		}
		w, _ := r.added(row, shape)
		b, _ := r.added(base, shape)
		parts = append(parts, fmt.Sprintf("batch %d: %.2f (%s ÷ %s)", batch, x, duration(w), duration(b)))
		v.pass = v.pass && x <= most
	}
	v.measured = strings.Join(parts, "; ")
	return v
}

// perMessageAdded judges a per-message row less the native no-op.
func (r *report) perMessageAdded(target string, row bench.Row, most float64) verdict {
	res, ok1 := r.get(perMessageKey(row))
	floor, ok2 := r.get(perMessageKey(bench.Row{Case: mustCase("noop"), Impl: bench.Native}))
	if !ok1 || !ok2 {
		return verdict{target: target}
	}
	added := res.ns - floor.ns
	return verdict{target: target, ok: true, pass: added <= most,
		measured: fmt.Sprintf("%s (%s − native no-op %s)", duration(added), duration(res.ns), duration(floor.ns))}
}

func (r *report) startUpTarget() verdict {
	target := "Go guest (3 MB), cached compilation: pipeline starts in < 100 ms"
	cached, ok1 := r.get(startUpKey(bench.Go, true))
	cold, ok2 := r.get(startUpKey(bench.Go, false))
	if !ok1 {
		return verdict{target: target}
	}
	m := duration(cached.ns) + " to the first message"
	if ok2 {
		m += " (cold: " + duration(cold.ns) + ")"
	}
	return verdict{target: target, ok: true, pass: cached.ns < 100e6, measured: m}
}

// threadScaling judges two pipeline threads against one on two cores, the
// worse of the batch sizes; the processor alone is shown beside.
func (r *report) threadScaling(guest string) verdict {
	target := fmt.Sprintf("`to_upper`, %s guest: 2 pipeline threads on 2 cores ≥ 1.8× the throughput of 1", guest)
	v := verdict{target: target, ok: true, pass: true}
	var parts []string
	for _, batch := range []int{1, 64} {
		one, ok1 := r.get(pipelineKey(guest, bench.PipelineShape{Batch: batch, Threads: 1, Cores: 2}))
		two, ok2 := r.get(pipelineKey(guest, bench.PipelineShape{Batch: batch, Threads: 2, Cores: 2}))
		if !ok1 || !ok2 {
			return verdict{target: target}
		}
		x := wall(one, bench.PerMsg) / wall(two, bench.PerMsg)
		parts = append(parts, fmt.Sprintf("batch %d: %s", batch, ratio(x)))
		v.pass = v.pass && x >= 1.8
	}
	row := bench.Row{Case: mustCase("to_upper"), Impl: bench.Impl(guest)}
	one, ok1 := r.get(perMessageKey(row))
	two, ok2 := r.get(parallelKey(row))
	if ok1 && ok2 {
		parts = append(parts, fmt.Sprintf("processor alone: %s", ratio(wall(one, "ns/op")/wall(two, "ns/op"))))
	}
	v.measured = strings.Join(parts, "; ")
	return v
}
