package hostabi

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// WASIModule is the import module of WASI preview 1, which Go and other
// toolchains' modules import. The host provides it to every module that
// imports it.
const WASIModule = "wasi_snapshot_preview1"

// Kinds of imports and exports.
const (
	KindFunction = "function"
	KindMemory   = "memory"
)

// Item is one import or export of a module.
type Item struct {
	Module string // the import module; empty for exports
	Name   string
	Kind   string // KindFunction or KindMemory
	// Signature is a function's type.
	Signature Signature
	// MinPages and MaxPages are a memory's limits; HasMax is false when it
	// declares no maximum.
	MinPages, MaxPages uint32
	HasMax             bool
}

// Type renders a function's signature or a memory's page limits.
func (it Item) Type() string {
	switch {
	case it.Kind == KindFunction:
		return it.Signature.String()
	case it.HasMax:
		return fmt.Sprintf("%d to %d pages", it.MinPages, it.MaxPages)
	}
	return fmt.Sprintf("%d pages minimum", it.MinPages)
}

// Description is what a module imports and exports: the facts an ABI's
// module check and `wasm inspect` work from.
type Description struct {
	Imports []Item // in the module's order
	Exports []Item // by name
}

// Export returns the export called name, and whether there is one.
func (d Description) Export(name string) (Item, bool) {
	for _, e := range d.Exports {
		if e.Name == name {
			return e, true
		}
	}
	return Item{}, false
}

// ImportsModule reports whether the module imports anything from module.
func (d Description) ImportsModule(module string) bool {
	for _, imp := range d.Imports {
		if imp.Module == module {
			return true
		}
	}
	return false
}

// Describe decodes wasm and lists its imports and exports, without the
// cost of compiling it to machine code (it uses wazero's interpreter). An
// error means the bytes are not a valid module.
func Describe(ctx context.Context, wasm []byte) (Description, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return Description{}, fmt.Errorf("not a valid WebAssembly module: %s", firstLine(err.Error()))
	}
	return describe(cm), nil
}

func describe(cm wazero.CompiledModule) Description {
	var d Description
	for _, f := range cm.ImportedFunctions() {
		module, name, _ := f.Import()
		d.Imports = append(d.Imports, Item{Module: module, Name: name, Kind: KindFunction, Signature: signatureOf(f)})
	}
	for _, m := range cm.ImportedMemories() {
		module, name, _ := m.Import()
		d.Imports = append(d.Imports, memoryItem(module, name, m))
	}
	for name, f := range cm.ExportedFunctions() {
		d.Exports = append(d.Exports, Item{Name: name, Kind: KindFunction, Signature: signatureOf(f)})
	}
	for name, m := range cm.ExportedMemories() {
		d.Exports = append(d.Exports, memoryItem("", name, m))
	}
	sort.Slice(d.Exports, func(i, j int) bool { return d.Exports[i].Name < d.Exports[j].Name })
	return d
}

func memoryItem(module, name string, m api.MemoryDefinition) Item {
	max, hasMax := m.Max()
	return Item{Module: module, Name: name, Kind: KindMemory, MinPages: m.Min(), MaxPages: max, HasMax: hasMax}
}

// ForeignImports groups the function imports that come from none of the
// known modules (nor the skipped ones, which the caller words itself) by
// their module, modules in the order they first appear, and words each
// group as one problem, e.g. `imports env.a, env.b and 3 more are from
// module "env", which the host does not provide (expected x or y)`.
func (d Description) ForeignImports(known []string, skip ...string) []string {
	var order []string
	names := map[string][]string{}
	for _, imp := range d.Imports {
		if imp.Kind != KindFunction || slices.Contains(known, imp.Module) || slices.Contains(skip, imp.Module) {
			continue
		}
		if _, seen := names[imp.Module]; !seen {
			order = append(order, imp.Module)
		}
		names[imp.Module] = append(names[imp.Module], imp.Module+"."+imp.Name)
	}
	expected := strings.Join(known, " or ")
	var problems []string
	for _, module := range order {
		list := names[module]
		if len(list) == 1 {
			problems = append(problems, fmt.Sprintf("import %s is from module %q, which the host does not provide (expected %s)", list[0], module, expected))
			continue
		}
		shown := strings.Join(list[:min(len(list), 3)], ", ")
		if len(list) > 3 {
			shown += fmt.Sprintf(" and %d more", len(list)-3)
		}
		problems = append(problems, fmt.Sprintf("imports %s are from module %q, which the host does not provide (expected %s)", shown, module, expected))
	}
	return problems
}
