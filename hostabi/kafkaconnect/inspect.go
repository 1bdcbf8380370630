package kafkaconnect

import (
	"context"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Report describes a module as the host sees it: what it imports and
// exports, and every way it does not fit the ABI.
type Report struct {
	Imports  []Import
	Exports  []hostabi.Item
	Shape    Shape
	Problems []Problem // empty when the module fits
}

// Import is one import of the module, and whether the host provides it.
type Import struct {
	hostabi.Item
	// Provided is set on imports the host provides (env host functions, WASI).
	Provided bool
}

// Fits reports whether the module fits the ABI.
func (r Report) Fits() bool { return len(r.Problems) == 0 }

// Inspect decodes wasm and checks it against the ABI, for calling function
// when it is not empty. An error means the bytes are not a valid module.
func Inspect(ctx context.Context, wasm []byte, function string) (Report, error) {
	d, err := hostabi.Describe(ctx, wasm)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	rep.Shape, rep.Problems = Check(d, function)
	rep.Exports = d.Exports
	for _, imp := range d.Imports {
		provided := imp.Kind == hostabi.KindFunction && Provides(imp.Module, imp.Name)
		rep.Imports = append(rep.Imports, Import{Item: imp, Provided: provided})
	}
	return rep, nil
}
