package hostabi

import (
	"context"
	"fmt"
	"sort"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Report describes a module as the host sees it: what it imports and
// exports, and every way it does not fit the ABI.
type Report struct {
	Imports  []Item
	Exports  []Item
	Shape    Shape
	Problems []string // empty when the module fits
}

// Item is one import or export.
type Item struct {
	Module string // import module; empty for exports
	Name   string
	Kind   string // function, memory, ...
	Type   string // a function's signature, a memory's page limits
	// Provided is set on imports the host provides (env host functions, WASI).
	Provided bool
}

// Fits reports whether the module fits the ABI.
func (r Report) Fits() bool { return len(r.Problems) == 0 }

// Inspect decodes wasm and checks it against the ABI, for calling function
// when it is not empty. An error means the bytes are not a valid module.
// It compiles with wazero's interpreter, which is quick and needs no cache.
func Inspect(ctx context.Context, wasm []byte, function string) (Report, error) {
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return Report{}, fmt.Errorf("not a valid WebAssembly module: %w", err)
	}
	var rep Report
	rep.Shape, rep.Problems = checkModule(cm, function)

	for _, f := range cm.ImportedFunctions() {
		module, name, _ := f.Import()
		_, known := hostSignatures[name]
		rep.Imports = append(rep.Imports, Item{
			Module: module, Name: name, Kind: "function", Type: signatureOf(f).String(),
			Provided: module == WASIModule || (module == HostModule && known),
		})
	}
	for _, m := range cm.ImportedMemories() {
		module, name, _ := m.Import()
		rep.Imports = append(rep.Imports, Item{Module: module, Name: name, Kind: "memory", Type: pages(m)})
	}
	for name, f := range cm.ExportedFunctions() {
		rep.Exports = append(rep.Exports, Item{Name: name, Kind: "function", Type: signatureOf(f).String()})
	}
	for name, m := range cm.ExportedMemories() {
		rep.Exports = append(rep.Exports, Item{Name: name, Kind: "memory", Type: pages(m)})
	}
	sort.Slice(rep.Exports, func(i, j int) bool { return rep.Exports[i].Name < rep.Exports[j].Name })
	return rep, nil
}

func pages(m api.MemoryDefinition) string {
	if max, ok := m.Max(); ok {
		return fmt.Sprintf("%d to %d pages", m.Min(), max)
	}
	return fmt.Sprintf("%d pages minimum", m.Min())
}
