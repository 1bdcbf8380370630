package hostabi

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one way a module does not fit an ABI.
type Problem struct {
	// Kind is "import" or "export"; Name the import (module.name) or the
	// export, or "" for a problem about several.
	Kind, Name string
	// Detail says what is wrong and what was expected.
	Detail string
}

// MismatchError is a module that does not fit an ABI, with every problem.
type MismatchError struct {
	Module   string
	ABI      string // the ABI's name in sentences, e.g. "Kafka Connect ABI"
	Problems []Problem
}

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Detail
	}
	return fmt.Sprintf("module %s does not fit the %s: %s", e.Module, e.ABI, strings.Join(parts, "; "))
}

// Problems collects the problems of a module check.
type Problems []Problem

// Add adds a problem about the import or export kind/name.
func (ps *Problems) Add(kind, name, format string, args ...any) {
	*ps = append(*ps, Problem{Kind: kind, Name: name, Detail: fmt.Sprintf(format, args...)})
}

// NewSignature is the function type params -> results.
func NewSignature(params []ValueType, results ...ValueType) Signature {
	return Signature{Params: params, Results: results}
}

// Types lists value types, for NewSignature's params.
func Types(ts ...ValueType) []ValueType { return ts }

// ImportTable is the functions an ABI's host module provides, by name.
type ImportTable struct {
	Module string
	Funcs  map[string]Signature
}

// Provides reports whether the host provides module.name to a module of
// the ABI: a function of its host module, or WASI.
func (t ImportTable) Provides(module, name string) bool {
	if module == WASIModule {
		return true
	}
	_, ok := t.Funcs[name]
	return module == t.Module && ok
}

// Names lists the host module's functions, sorted, for errors.
func (t ImportTable) Names() string {
	names := make([]string, 0, len(t.Funcs))
	for name := range t.Funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// CheckImports adds to problems every import of d the ABI does not provide:
// a memory (guests define their own), a function the host module lacks
// ("import m.f is <unknown> (expected one of ...)") or has with another
// type, and imports from any module but the host module, WASI and skip,
// grouped by module. The caller words the imports from skip itself.
func (t ImportTable) CheckImports(d Description, problems *Problems, unknown string, skip ...string) {
	for _, imp := range d.Imports {
		switch {
		case imp.Kind == KindMemory:
			full := imp.Module + "." + imp.Name
			problems.Add("import", full, "import %s is a memory: the guest must define and export its own memory", full)
		case imp.Module == t.Module:
			t.checkOwn(imp, problems, unknown)
		}
	}
	for _, p := range d.ForeignImports([]string{t.Module, WASIModule}, skip...) {
		problems.Add("import", "", "%s", p)
	}
}

// CheckOwnImports adds to problems every import from t.Module that the
// table lacks or has with another type, for an ABI's second host module
// (whose module the ABI's CheckImports skips). Memory imports are left to
// CheckImports, which reports them from any module.
func (t ImportTable) CheckOwnImports(d Description, problems *Problems, unknown string) {
	for _, imp := range d.Imports {
		if imp.Module == t.Module && imp.Kind != KindMemory {
			t.checkOwn(imp, problems, unknown)
		}
	}
}

// checkOwn checks one import from t.Module against the table.
func (t ImportTable) checkOwn(imp Item, problems *Problems, unknown string) {
	full := imp.Module + "." + imp.Name
	want, ok := t.Funcs[imp.Name]
	if !ok {
		problems.Add("import", full, "import %s is %s (expected one of %s)", full, unknown, t.Names())
	} else if !want.Equal(imp.Signature) {
		problems.Add("import", full, "import %s has type %s, expected %s", full, imp.Signature, want)
	}
}

// CheckMemoryExport adds a problem unless d exports a memory called name.
func CheckMemoryExport(d Description, name string, problems *Problems) {
	if mem, ok := d.Export(name); !ok || mem.Kind != KindMemory {
		problems.Add("export", name, "export %q (memory) is missing", name)
	}
}
