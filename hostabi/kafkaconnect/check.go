package kafkaconnect

import (
	"errors"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Shape is what a module offers the host, once it fits the ABI.
type Shape struct {
	// UsesWASI is true when the module imports wasi_snapshot_preview1.
	UsesWASI bool
	// Initialize is true when the module exports _initialize (a WASI reactor).
	Initialize bool
	// ReturnsResult is true when the function returns a packed i64 result.
	ReturnsResult bool
}

// Problem is one way a module does not fit the ABI.
type Problem = hostabi.Problem

// MismatchError is a module that does not fit the ABI, with every problem.
type MismatchError = hostabi.MismatchError

// errNoFunction is the mismatch of a call without a function name.
var errNoFunction = errors.New("no function name was given")

// Check lists every way a module does not fit the ABI for calling
// function, and what it offers when it fits. With function empty, it checks
// everything but the function.
func Check(d hostabi.Description, function string) (Shape, []Problem) {
	var shape Shape
	var problems hostabi.Problems
	add := problems.Add

	shape.UsesWASI = d.ImportsModule(hostabi.WASIModule)
	imports.CheckImports(d, &problems, "not a host function")
	hostabi.CheckMemoryExport(d, ExportMemory, &problems)

	expect := func(name string, want ...hostabi.Signature) (ok bool, index int) {
		def, found := d.Export(name)
		if !found || def.Kind != hostabi.KindFunction {
			add("export", name, "export %s is missing (expected a function %s)", name, alternatives(want))
			return false, 0
		}
		for i, w := range want {
			if w.Equal(def.Signature) {
				return true, i
			}
		}
		add("export", name, "export %s has type %s, expected %s", name, def.Signature, alternatives(want))
		return false, 0
	}
	expect(ExportAlloc, allocSignature)
	expect(ExportDealloc, deallocSignature)
	if function != "" {
		if ok, i := expect(function, functionSignatures...); ok {
			shape.ReturnsResult = i == 1
		}
	}

	_, shape.Initialize = d.Export(ExportInitialize)
	if _, start := d.Export(exportStart); start && !shape.Initialize {
		add("export", exportStart, "the module exports %s but not %s: it is a WASI command, which runs main and exits; "+
			"build it as a reactor (Go: -buildmode=c-shared)", exportStart, ExportInitialize)
	}
	return shape, problems
}

func alternatives(sigs []hostabi.Signature) string {
	parts := make([]string, len(sigs))
	for i, s := range sigs {
		parts[i] = s.String()
	}
	return strings.Join(parts, " or ")
}

// Provides reports whether the host provides the function module.name to
// modules of this ABI.
func Provides(module, name string) bool { return imports.Provides(module, name) }

// imports is the ABI's host module, for checks and reports.
var imports = hostabi.ImportTable{Module: HostModule, Funcs: hostSignatures}
