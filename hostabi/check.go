package hostabi

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
)

// Shape is what a compiled module offers the host, once it fits the ABI.
type Shape struct {
	// UsesWASI is true when the module imports wasi_snapshot_preview1.
	UsesWASI bool
	// Initialize is true when the module exports _initialize (a WASI reactor).
	Initialize bool
	// ReturnsResult is true when the function returns a packed i64 result.
	ReturnsResult bool
}

// Check compares a compiled module with the ABI for calling function, and
// returns every mismatch at once, each naming the import or export and what
// was expected.
func Check(cm wazero.CompiledModule, function string) (Shape, error) {
	if function == "" {
		return Shape{}, errors.New("no function name was given")
	}
	shape, problems := checkModule(cm, function)
	if len(problems) > 0 {
		return shape, errors.New(strings.Join(problems, "; "))
	}
	return shape, nil
}

// checkModule lists every way cm does not fit the ABI. With function empty,
// it checks everything but the function.
func checkModule(cm wazero.CompiledModule, function string) (Shape, []string) {
	var shape Shape
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, imp := range cm.ImportedFunctions() {
		module, name, _ := imp.Import()
		switch module {
		case WASIModule:
			shape.UsesWASI = true
		case HostModule:
			want, ok := hostSignatures[name]
			if !ok {
				add("import %s.%s is not a host function (expected one of %s)", module, name, hostFunctionNames())
			} else if !want.matches(imp) {
				add("import %s.%s has type %s, expected %s", module, name, signatureOf(imp), want)
			}
		default:
			add("import %s.%s is from module %q, which the host does not provide (expected %s or %s)",
				module, name, module, HostModule, WASIModule)
		}
	}
	for _, mem := range cm.ImportedMemories() {
		module, name, _ := mem.Import()
		add("import %s.%s is a memory: the guest must define and export its own memory", module, name)
	}
	if _, ok := cm.ExportedMemories()[ExportMemory]; !ok {
		add("export %q (memory) is missing", ExportMemory)
	}

	exports := cm.ExportedFunctions()
	expect := func(name string, want ...signature) (ok bool, index int) {
		def, found := exports[name]
		if !found {
			add("export %s is missing (expected a function %s)", name, alternatives(want))
			return false, 0
		}
		for i, w := range want {
			if w.matches(def) {
				return true, i
			}
		}
		add("export %s has type %s, expected %s", name, signatureOf(def), alternatives(want))
		return false, 0
	}
	expect(ExportAlloc, allocSignature)
	expect(ExportDealloc, deallocSignature)
	if function != "" {
		if ok, i := expect(function, functionSignatures...); ok {
			shape.ReturnsResult = i == 1
		}
	}

	_, shape.Initialize = exports[ExportInitialize]
	if _, start := exports[exportStart]; start && !shape.Initialize {
		add("the module exports %s but not %s: it is a WASI command, which runs main and exits; "+
			"build it as a reactor (Go: -buildmode=c-shared)", exportStart, ExportInitialize)
	}

	return shape, problems
}

func alternatives(sigs []signature) string {
	parts := make([]string, len(sigs))
	for i, s := range sigs {
		parts[i] = s.String()
	}
	return strings.Join(parts, " or ")
}

func hostFunctionNames() string {
	names := make([]string, 0, len(hostSignatures))
	for name := range hostSignatures {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
