package connectwasm

import (
	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// ABIName names this ABI in errors and reports.
const ABIName = "Redpanda Connect wasm ABI"

// HostModule is the import module of every host function.
const HostModule = "benthos_wasm"

// DefaultFunction is the function Redpanda Connect calls when none is named.
const DefaultFunction = "process"

// Exports the host uses.
const (
	ExportMemory     = "memory"
	ExportInitialize = "_initialize" // a reactor (standard Go -buildmode=c-shared): run once
	ExportStart      = "_start"      // a TinyGo module: main runs once and returns
)

// Allocator is a guest's pair of allocation exports, and who owns what.
//
// Every buffer the host gives the guest (the payload of v0_msg_as_bytes, a
// value of v0_msg_get_meta) comes from Alloc, and the host frees it with
// Free after the guest function returns: guests read those buffers in place
// (TinyGo's package) or copy them (the Rust example), and none frees them.
// In the allocate/deallocate style the guest also hands over every buffer
// it passes the host (the Rust example leaks each one with mem::forget), so
// the host deallocates those too after the function returns; in the
// malloc/free style they stay the guest's.
type Allocator struct {
	Alloc, Free string
	// FreeTakesSize is true for deallocate(ptr, size), false for free(ptr).
	FreeTakesSize bool
	// TakesPassed says the host owns, and frees, the buffers the guest
	// passes it.
	TakesPassed bool
}

// The allocator styles, in the order they are looked for.
var (
	MallocFree         = Allocator{Alloc: "malloc", Free: "free"}
	AllocateDeallocate = Allocator{Alloc: "allocate", Free: "deallocate", FreeTakesSize: true, TakesPassed: true}
	allocators         = []Allocator{MallocFree, AllocateDeallocate}
)

const (
	i32 = hostabi.I32
	i64 = hostabi.I64
)

var (
	sig   = hostabi.NewSignature
	types = hostabi.Types
)

var (
	allocSig    = sig(types(i32), i32)
	functionSig = sig(nil)
)

// freeSignature is the type of the allocator's Free.
func (a Allocator) freeSignature() hostabi.Signature {
	if a.FreeTakesSize {
		return sig(types(i32, i32))
	}
	return sig(types(i32))
}

// importSignatures are the ABI's imports and their types.
var importSignatures = map[string]hostabi.Signature{
	"v0_msg_as_bytes":  sig(nil, i64),
	"v0_msg_set_bytes": sig(types(i32, i32)),
	"v0_msg_get_meta":  sig(types(i32, i32), i64),
	"v0_msg_set_meta":  sig(types(i32, i32, i32, i32)),
}

// Problem is one way a module does not fit the ABI.
type Problem = hostabi.Problem

// MismatchError is a module that does not fit the ABI, with every problem.
type MismatchError = hostabi.MismatchError

// Shape is what a module that fits offers the host.
type Shape struct {
	Allocator Allocator
	Start     string // the export run once per instance, or ""
}

// Check lists every way a module does not fit the ABI for calling
// function (not checked when empty), and what it offers when it fits.
func Check(d hostabi.Description, function string) (Shape, []Problem) {
	var shape Shape
	var problems hostabi.Problems
	add := problems.Add
	imports.CheckImports(d, &problems, "not a function of the "+ABIName)
	hostabi.CheckMemoryExport(d, ExportMemory, &problems)
	if function != "" {
		if f, ok := d.Export(function); !ok || f.Kind != hostabi.KindFunction {
			add("export", function, "export %s is missing (expected a function %s)", function, functionSig)
		} else if !f.Signature.Equal(functionSig) {
			add("export", function, "export %s has type %s, expected %s", function, f.Signature, functionSig)
		}
	}
	found := false
	for _, a := range allocators {
		alloc, okAlloc := d.Export(a.Alloc)
		free, okFree := d.Export(a.Free)
		if !okAlloc && !okFree {
			continue
		}
		found = true
		switch {
		case !okAlloc || !okFree:
			add("export", a.Alloc, "the module exports only one of %s and %s: an allocator needs both", a.Alloc, a.Free)
		case !alloc.Signature.Equal(allocSig):
			add("export", a.Alloc, "export %s has type %s, expected %s", a.Alloc, alloc.Signature, allocSig)
		case !free.Signature.Equal(a.freeSignature()):
			add("export", a.Free, "export %s has type %s, expected %s", a.Free, free.Signature, a.freeSignature())
		default:
			shape.Allocator = a
		}
		break
	}
	if !found {
		add("export", MallocFree.Alloc, "no allocator is exported (expected %s %s and %s %s, or %s %s and %s %s)",
			MallocFree.Alloc, allocSig, MallocFree.Free, MallocFree.freeSignature(),
			AllocateDeallocate.Alloc, allocSig, AllocateDeallocate.Free, AllocateDeallocate.freeSignature())
	}
	if _, ok := d.Export(ExportInitialize); ok {
		shape.Start = ExportInitialize
	} else if _, ok := d.Export(ExportStart); ok {
		shape.Start = ExportStart
	}
	return shape, problems
}

// Provides reports whether the host provides the function module.name to
// modules of this ABI.
func Provides(module, name string) bool { return imports.Provides(module, name) }

// imports is the ABI's host module, for checks and reports.
var imports = hostabi.ImportTable{Module: HostModule, Funcs: importSignatures}
