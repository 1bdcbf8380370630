package bench

import (
	"fmt"
	"os"
	"path/filepath"
)

// The rows and columns of each table, shared by the benchmarks and the
// report so that both measure exactly the same things.

// Row is one implementation of one case.
type Row struct {
	Case Case
	Impl Impl
}

// Name is the row's benchmark name, such as to_upper/rust.
func (r Row) Name() string { return r.Case.Name + "/" + string(r.Impl) }

// PerMessageImpls returns who does each case: the guest languages (noop has
// one module, noop.wasm, shown as wat), Bloblang and native Go.
func PerMessageImpls(c Case) []Impl {
	if c.Module != "" {
		return []Impl{WAT, Bloblang, Native}
	}
	return append(Languages(), Bloblang, Native)
}

// TimeoutRows returns the wasm rows measured with the timeout off and on.
func TimeoutRows() []Row {
	noop, _ := CaseNamed("noop")
	upper, _ := CaseNamed("to_upper")
	rows := []Row{{noop, WAT}}
	for _, lang := range Languages() {
		rows = append(rows, Row{upper, lang})
	}
	return rows
}

// ParallelRows returns the processors also run from two goroutines at once.
func ParallelRows() []Row {
	upper, _ := CaseNamed("to_upper")
	var rows []Row
	for _, impl := range []Impl{Rust, C, Bloblang, Native} {
		rows = append(rows, Row{upper, impl})
	}
	return rows
}

// Timeouts are the timeout settings compared: off, and on.
func Timeouts() []string { return []string{"0s", "1s"} }

// TimeoutYAML is the extra wasm_smt field of a timeout setting.
func TimeoutYAML(timeout string) string { return "timeout: " + timeout }

// PipelineShape is a column of the pipeline table.
type PipelineShape struct {
	Batch   int // messages per batch
	Threads int // pipeline threads
	Cores   int // GOMAXPROCS during the run
}

func (p PipelineShape) String() string {
	return fmt.Sprintf("batch=%d/threads=%d/cores=%d", p.Batch, p.Threads, p.Cores)
}

// PipelineShapes returns the columns: batch sizes 1 and 64; one thread on one
// core (the wall time is then the whole CPU cost of a message, so differences
// between rows are what each processor costs), one thread and two threads on
// two cores (throughput and thread scaling).
func PipelineShapes() []PipelineShape {
	var shapes []PipelineShape
	for _, batch := range []int{1, 64} {
		shapes = append(shapes,
			PipelineShape{batch, 1, 1}, PipelineShape{batch, 1, 2}, PipelineShape{batch, 2, 2})
	}
	return shapes
}

// PipelineRow is a processor of the pipeline table.
type PipelineRow struct {
	Name string // none, native_noop, native, bloblang, rust, c
	Impl Impl   // "" for none
	YAML string // "" for none
}

// PipelineRows returns the processors of the pipeline table, each doing
// to_upper (and the no-op processor: what any processor costs a pipeline).
// A guest whose module is missing is left out.
func (s Setup) PipelineRows() []PipelineRow {
	upper, _ := CaseNamed("to_upper")
	noop, _ := CaseNamed("noop")
	rows := []PipelineRow{{Name: "none"}}
	add := func(name string, c Case, impl Impl) {
		if y, err := s.ProcessorYAML(c, impl, ""); err == nil {
			rows = append(rows, PipelineRow{Name: name, Impl: impl, YAML: y})
		}
	}
	add("native_noop", noop, Native)
	add("native", upper, Native)
	add("bloblang", upper, Bloblang)
	add("rust", upper, Rust)
	add("c", upper, C)
	// One record under each ABI: its cheapest round trip and an upper-casing,
	// by WAT guests that add next to nothing of their own.
	for _, r := range []struct{ name, module, function string }{
		{"kafka_connect_passthru", "noop.wasm", "roundtrip"},
		{"data_transforms_identity", "transform_identity.wasm", ""},
		{"data_transforms_upper", "transform_upper.wasm", ""},
		{"connect_wasm_passthru", "connect_malloc.wasm", "passthru"},
		{"connect_wasm_upper", "connect_malloc.wasm", "process"},
	} {
		module := filepath.Join(s.WasmDir, r.module)
		if _, err := os.Stat(module); err == nil {
			rows = append(rows, PipelineRow{Name: r.name, Impl: WAT, YAML: WasmYAML(module, r.function, s.CacheDir, "")})
		}
	}
	return rows
}

// StartUpModules are the guests whose start-up is measured (their to_upper).
func StartUpModules() []Impl { return []Impl{Go, Rust} }
