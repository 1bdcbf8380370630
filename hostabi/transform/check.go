package transform

import (
	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Problem is one way a module does not fit the ABI.
type Problem = hostabi.Problem

// MismatchError is a module that does not fit the ABI, with every problem.
type MismatchError = hostabi.MismatchError

// Check lists every way a module does not fit the ABI: a WASI command
// exporting _start and memory that imports only this ABI's functions (of
// redpanda_transform and, optionally, redpanda_schema_registry) and WASI.
func Check(d hostabi.Description) []Problem {
	var problems hostabi.Problems
	add := problems.Add
	imports.CheckImports(d, &problems, "not a function of the "+ABIName, SchemaRegistryModule)
	registryImports.CheckOwnImports(d, &problems, "not a function of Redpanda's schema registry module")
	hostabi.CheckMemoryExport(d, ExportMemory, &problems)
	want := sig(nil)
	if start, ok := d.Export(ExportStart); !ok || start.Kind != hostabi.KindFunction {
		add("export", ExportStart, "export %s is missing (expected a function %s: a transform is a WASI command whose main runs the SDK's loop)", ExportStart, want)
	} else if !start.Signature.Equal(want) {
		add("export", ExportStart, "export %s has type %s, expected %s", ExportStart, start.Signature, want)
	}
	return problems
}

// Provides reports whether the host provides the function module.name to
// modules of this ABI.
func Provides(module, name string) bool {
	return imports.Provides(module, name) || registryImports.Provides(module, name)
}

// imports and registryImports are the ABI's host modules, for checks and
// reports.
var (
	imports         = hostabi.ImportTable{Module: HostModule, Funcs: importSignatures}
	registryImports = hostabi.ImportTable{Module: SchemaRegistryModule, Funcs: registrySignatures}
)
