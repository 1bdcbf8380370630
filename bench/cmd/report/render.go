package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// report renders the results as one Markdown document.
type report struct {
	s     bench.Setup
	st    settings
	m     machine
	res   map[string]result
	notes []string // failures, listed after the section they occur in
	b     strings.Builder
}

func (r *report) printf(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

// get returns a task's result; cell says why there is none.
func (r *report) get(key string) (result, bool) {
	res, ok := r.res[key]
	return res, ok && res.ok()
}

// cell formats a result: its value, "missing" or "failed".
func (r *report) cell(key string, format func(result) string) string {
	res, ok := r.res[key]
	switch {
	case !ok:
		return ""
	case res.skipped:
		return "missing"
	case res.err != nil:
		r.notes = append(r.notes, fmt.Sprintf("`%s` failed: %v", key, res.err))
		return "failed"
	}
	return format(res)
}

func (r *report) flushNotes() {
	for _, n := range r.notes {
		r.printf("- %s\n", n)
	}
	if len(r.notes) > 0 {
		r.printf("\n")
	}
	r.notes = nil
}

func (r *report) render() string {
	r.machine()
	r.perMessage()
	r.pipeline()
	r.timeout()
	r.startUp()
	r.targets()
	return r.b.String()
}

func (r *report) machine() {
	r.printf("# wasm_smt performance report\n\n")
	if r.st.quick {
		r.printf("**QUICK run** (tiny counts): it shows that everything runs; its figures mean nothing.\n\n")
	}
	t := table{header: []string{"machine", ""}, left: true}
	t.add("CPU", r.m.cpu)
	t.add("cores", fmt.Sprintf("%d (GOMAXPROCS %d)", r.m.cores, r.m.gomaxprocs))
	t.add("Go", r.m.goVersion+" "+r.m.platform)
	t.add("modules", r.m.deps)
	t.add("date", r.m.date)
	t.add("load average (1, 5, 15 min) before, after", r.m.loadBefore+"; "+r.m.loadAfter)
	t.add("samples", fmt.Sprintf("median of %d round(s); per-message benchtime %s; %d messages per pipeline run",
		r.st.rounds, r.st.perMessageTime, r.st.pipelineMessages))
	r.printf("%s\n", t)
	var missing []string
	for _, lang := range bench.Languages() {
		upper, _ := bench.CaseNamed("to_upper")
		if !r.s.Has(upper, lang) {
			missing = append(missing, fmt.Sprintf("%s (no %s)", lang, r.s.ModulePath(upper, lang)))
		}
	}
	if len(missing) > 0 {
		r.printf("Not measured, module file missing: %s.\n\n", strings.Join(missing, ", "))
	}
	r.printf("Times depend on the machine and on what else runs on it; the ratios between rows of one run are the claim. " +
		"Payload: 1 KiB of lower-case ASCII. Every processor is checked to do the same work before it is timed.\n\n")
}

func (r *report) perMessage() {
	r.printf("## Per message\n\n" +
		"One message of 1 KiB in a batch of one, through Benthos's own processor wrapper " +
		"(`ResourceProcessor.ProcessBatch` of a processor built from YAML): CPU time of the process per message, " +
		"the garbage collector's included (allocations per message). The native no-op is what the wrapper itself costs.\n\n")
	impls := []bench.Impl{bench.Rust, bench.Go, bench.C, bench.AssemblyScript, bench.WAT, bench.Bloblang, bench.Native}
	header := []string{"case"}
	for _, impl := range impls {
		header = append(header, string(impl))
	}
	t := table{header: header}
	for _, c := range bench.Cases() {
		cells := []string{"`" + c.Name + "`"}
		for _, impl := range impls {
			cells = append(cells, r.cell(perMessageKey(bench.Row{Case: c, Impl: impl}), func(res result) string {
				return fmt.Sprintf("%s (%d)", duration(res.ns), res.allocs)
			}))
		}
		t.add(cells...)
	}
	r.printf("%s\n", t)
	r.flushNotes()

	r.printf("One processor shared by two goroutines, each with its own message (as pipeline threads share it), " +
		"against one goroutine: how the processor alone scales over the two cores (wall time per message).\n\n")
	t = table{header: []string{"`to_upper` by", "1 goroutine", "2 goroutines", "throughput 2 ÷ 1"}}
	for _, row := range bench.ParallelRows() {
		one, ok1 := r.get(perMessageKey(row))
		two, ok2 := r.get(parallelKey(row))
		scale := ""
		if ok1 && ok2 {
			scale = ratio(wall(one, "ns/op") / wall(two, "ns/op"))
		}
		wallCell := func(res result) string { return duration(wall(res, "ns/op")) }
		t.add(string(row.Impl), r.cell(perMessageKey(row), wallCell), r.cell(parallelKey(row), wallCell), scale)
	}
	r.printf("%s\n", t)
	r.flushNotes()
}

func nsCell(res result) string { return duration(res.ns) }

func (r *report) pipeline() {
	r.printf("## Pipeline throughput\n\n"+
		"A real stream, `generate` → processor (`to_upper`) → `drop`, %d messages of 1 KiB per run. "+
		"`native_noop` is a processor that does nothing: what any processor adds to a pipeline.\n\n"+
		"Wall time per message (run time ÷ messages):\n\n", r.st.pipelineMessages)
	shapes := bench.PipelineShapes()
	header := []string{"processor"}
	for _, s := range shapes {
		header = append(header, shapeName(s))
	}
	rows := r.s.PipelineRows()
	r.pipelineTable(header, rows, func(res result) string { return duration(wall(res, bench.PerMsg)) })
	r.printf("CPU time of the process per message. On two cores the input, the pipeline threads and the output run " +
		"side by side, so the wall time hides what a processor costs; the CPU time adds it all up (on one core the two are " +
		"about the same):\n\n")
	r.pipelineTable(header, rows, nsCell)

	r.printf("Added cost: CPU time per message minus that of the same pipeline without a processor.\n\n")
	t := table{header: header}
	for _, row := range rows[1:] {
		cells := []string{row.Name}
		for _, s := range shapes {
			if added, ok := r.added(row.Name, s); ok {
				cells = append(cells, signed(added))
			} else {
				cells = append(cells, "")
			}
		}
		t.add(cells...)
	}
	r.printf("%s\n", t)

	r.printf("Ratios of added costs (lower is better for wasm_smt). \"Net\": both added costs less the no-op processor's, " +
		"that is, the processors' own work without what Benthos charges any processor.\n\n")
	t = table{header: []string{"shape", "rust ÷ Bloblang", "c ÷ Bloblang", "rust ÷ native", "c ÷ native",
		"net rust ÷ Bloblang", "net c ÷ Bloblang", "net rust ÷ native", "net c ÷ native"}}
	for _, s := range shapes {
		cells := []string{shapeName(s)}
		for _, net := range []bool{false, true} {
			for _, pair := range [][2]string{{"rust", "bloblang"}, {"c", "bloblang"}, {"rust", "native"}, {"c", "native"}} {
				if x, ok := r.addedRatio(pair[0], pair[1], s, net); ok {
					cells = append(cells, fmt.Sprintf("%.2f", x))
				} else {
					cells = append(cells, "")
				}
			}
		}
		t.add(cells...)
	}
	r.printf("%s\n", t)

	r.printf("Thread scaling: throughput (wall time) of two pipeline threads on two cores against one thread, " +
		"on the same two cores and on one core.\n\n")
	t = table{header: []string{"processor", "batch", "1 thread, msg/s", "2 threads, msg/s", "2 threads ÷ 1 thread",
		"2 threads ÷ 1 thread on 1 core"}}
	for _, row := range rows {
		for _, batch := range []int{1, 64} {
			one, ok1 := r.get(pipelineKey(row.Name, bench.PipelineShape{Batch: batch, Threads: 1, Cores: 2}))
			two, ok2 := r.get(pipelineKey(row.Name, bench.PipelineShape{Batch: batch, Threads: 2, Cores: 2}))
			oneCore, ok3 := r.get(pipelineKey(row.Name, bench.PipelineShape{Batch: batch, Threads: 1, Cores: 1}))
			if !ok1 || !ok2 {
				continue
			}
			w1, w2 := wall(one, bench.PerMsg), wall(two, bench.PerMsg)
			vsCore := ""
			if ok3 {
				vsCore = ratio(wall(oneCore, bench.PerMsg) / w2)
			}
			t.add(row.Name, fmt.Sprint(batch), perSecond(w1), perSecond(w2), ratio(w1/w2), vsCore)
		}
	}
	r.printf("%s\n", t)
}

// pipelineTable prints one figure of every pipeline row and shape.
func (r *report) pipelineTable(header []string, rows []bench.PipelineRow, format func(result) string) {
	t := table{header: header}
	for _, row := range rows {
		cells := []string{row.Name}
		for _, s := range bench.PipelineShapes() {
			cells = append(cells, r.cell(pipelineKey(row.Name, s), format))
		}
		t.add(cells...)
	}
	r.printf("%s\n", t)
	r.flushNotes()
}

// wall returns a result's wall time metric (ns/op, ns/msg).
func wall(res result, metric string) float64 {
	v, _ := res.metric(metric)
	return v
}

func shapeName(s bench.PipelineShape) string {
	return fmt.Sprintf("batch %d, %d thr, %d core", s.Batch, s.Threads, s.Cores)
}

func perSecond(nsPerMsg float64) string { return fmt.Sprintf("%.0fk", 1e6/nsPerMsg) }

// added is a pipeline row's CPU time per message minus the no-processor row's.
func (r *report) added(row string, s bench.PipelineShape) (float64, bool) {
	with, ok1 := r.get(pipelineKey(row, s))
	without, ok2 := r.get(pipelineKey("none", s))
	return with.ns - without.ns, ok1 && ok2
}

// addedRatio is the ratio of two rows' added costs; net, both less the no-op
// processor's. It is undefined when the denominator is not above zero.
func (r *report) addedRatio(row, base string, s bench.PipelineShape, net bool) (float64, bool) {
	x, ok1 := r.added(row, s)
	y, ok2 := r.added(base, s)
	if net {
		noop, ok3 := r.added("native_noop", s)
		x, y, ok2 = x-noop, y-noop, ok2 && ok3
	}
	return x / y, ok1 && ok2 && y > 0
}

func (r *report) timeout() {
	r.printf("## Timeout off and on\n\n" +
		"Per message as above (CPU time), with `timeout: 0s` (off, the default) and `timeout: 1s`.\n\n")
	t := table{header: []string{"guest", "function", "timeout off", "timeout on", "on ÷ off"}}
	for _, row := range bench.TimeoutRows() {
		off, ok1 := r.get(timeoutKey(row, "0s"))
		on, ok2 := r.get(timeoutKey(row, "1s"))
		x := ""
		if ok1 && ok2 {
			x = ratio(on.ns / off.ns)
		}
		t.add(string(row.Impl), "`"+row.Case.Name+"`", r.cell(timeoutKey(row, "0s"), nsCell), r.cell(timeoutKey(row, "1s"), nsCell), x)
	}
	r.printf("%s\n", t)
	r.flushNotes()
}

func (r *report) startUp() {
	r.printf("## Start-up\n\n" +
		"From building a stream (`generate` → `wasm_smt` `to_upper` → a consumer) to its first message out: " +
		"cold, with an empty `compilation_cache_dir`; cached, the second and later runs with the same directory " +
		"(in this process, reading the compiled code back from disk).\n\n")
	upper, _ := bench.CaseNamed("to_upper")
	t := table{header: []string{"module", "size", "cold", "cached"}}
	for _, impl := range bench.StartUpModules() {
		size := ""
		if fi, err := os.Stat(r.s.ModulePath(upper, impl)); err == nil {
			size = fmt.Sprintf("%.2g MB", float64(fi.Size())/1e6)
			if fi.Size() < 1e6 {
				size = fmt.Sprintf("%.0f KB", float64(fi.Size())/1e3)
			}
		}
		t.add(string(impl)+".wasm", size, r.cell(startUpKey(impl, false), nsCell), r.cell(startUpKey(impl, true), nsCell))
	}
	r.printf("%s\n", t)
	r.flushNotes()
}
