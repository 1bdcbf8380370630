// Package abi names the ABIs the host runs, tells from a module's imports
// which one it was written for, and checks a module against one.
package abi

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/connectwasm"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
)

// Name is an ABI's name in configuration.
type Name string

// The ABIs, and Auto: tell from the module.
const (
	Auto           Name = "auto"
	KafkaConnect   Name = "kafka_connect"
	ConnectWasm    Name = "connect_wasm"
	DataTransforms Name = "data_transforms"
)

// Names lists the values of the abi field, Auto first.
func Names() []Name { return []Name{Auto, KafkaConnect, ConnectWasm, DataTransforms} }

// Parse reads an ABI's name.
func Parse(s string) (Name, error) {
	for _, n := range Names() {
		if string(n) == s {
			return n, nil
		}
	}
	names := make([]string, 0, 4)
	for _, n := range Names() {
		names = append(names, string(n))
	}
	return "", fmt.Errorf("unknown ABI %q: expected one of %s", s, strings.Join(names, ", "))
}

// Title is the ABI's name in sentences.
func (n Name) Title() string {
	switch n {
	case KafkaConnect:
		return kafkaconnect.ABIName
	case ConnectWasm:
		return connectwasm.ABIName
	case DataTransforms:
		return transform.ABIName
	}
	return string(n)
}

// markers are the import modules that tell each ABI.
var markers = []struct {
	module string
	abi    Name
}{
	{kafkaconnect.HostModule, KafkaConnect},
	{connectwasm.HostModule, ConnectWasm},
	{transform.HostModule, DataTransforms},
	{transform.SchemaRegistryModule, DataTransforms},
}

// Detect tells which ABI a module was written for: the one whose import
// module it imports from (env for Kafka Connect, benthos_wasm for Redpanda
// Connect's wasm processor, redpanda_transform or redpanda_schema_registry
// for Data Transforms). A
// module that imports from none is told by its allocator exports (alloc
// and dealloc: Kafka Connect; malloc and free, or allocate and
// deallocate: Connect wasm), else taken as Kafka Connect's. One that
// imports from two is refused.
func Detect(d hostabi.Description) (Name, error) {
	found := map[Name][]string{}
	for _, imp := range d.Imports {
		for _, m := range markers {
			if imp.Module == m.module {
				found[m.abi] = append(found[m.abi], imp.Module+"."+imp.Name)
			}
		}
	}
	switch len(found) {
	case 1:
		for n := range found {
			return n, nil
		}
	case 0:
		if _, ok := d.Export(kafkaconnect.ExportAlloc); ok {
			return KafkaConnect, nil
		}
		for _, a := range []connectwasm.Allocator{connectwasm.MallocFree, connectwasm.AllocateDeallocate} {
			if _, ok := d.Export(a.Alloc); ok {
				return ConnectWasm, nil
			}
		}
		return KafkaConnect, nil
	}
	var parts []string
	for _, n := range []Name{KafkaConnect, ConnectWasm, DataTransforms} {
		if imps := found[n]; len(imps) > 0 {
			parts = append(parts, fmt.Sprintf("%s (%s)", n.Title(), strings.Join(imps, ", ")))
		}
	}
	sort.Strings(parts)
	return "", fmt.Errorf("the module mixes ABIs: it imports from %s; a module must be written for one", strings.Join(parts, " and "))
}

// Report describes a module as the host sees it under one ABI.
type Report struct {
	ABI      Name
	Detected bool // the ABI was told from the module, not given
	Imports  []Import
	Exports  []hostabi.Item
	UsesWASI bool
	Problems []string // every way the module does not fit; empty when it fits
}

// Import is one import, and whether the host provides it under the ABI.
type Import struct {
	hostabi.Item
	Provided bool
}

// Fits reports whether the module fits the ABI.
func (r Report) Fits() bool { return len(r.Problems) == 0 }

// Inspect decodes wasm and checks it against the ABI want (Auto: the one
// Detect tells), for calling function (the ABI's default when empty; not
// checked for Kafka Connect). An error means the bytes are not a module.
func Inspect(ctx context.Context, wasm []byte, want Name, function string) (Report, error) {
	d, err := hostabi.Describe(ctx, wasm)
	if err != nil {
		return Report{}, err
	}
	rep := Report{ABI: want, Exports: d.Exports, UsesWASI: d.ImportsModule(hostabi.WASIModule)}
	if want == Auto || want == "" {
		rep.Detected = true
		if rep.ABI, err = Detect(d); err != nil {
			rep.ABI = KafkaConnect
			rep.Problems = append(rep.Problems, err.Error())
		}
	}
	rep.Problems = append(rep.Problems, Check(d, rep.ABI, function)...)
	for _, imp := range d.Imports {
		rep.Imports = append(rep.Imports, Import{Item: imp,
			Provided: imp.Kind == hostabi.KindFunction && Provides(rep.ABI, imp.Module, imp.Name)})
	}
	return rep, nil
}

// Check lists every way a module does not fit the ABI n.
func Check(d hostabi.Description, n Name, function string) []string {
	var out []string
	switch n {
	case KafkaConnect:
		_, problems := kafkaconnect.Check(d, function)
		for _, p := range problems {
			out = append(out, p.Detail)
		}
	case ConnectWasm:
		if function == "" {
			function = connectwasm.DefaultFunction
		}
		_, problems := connectwasm.Check(d, function)
		for _, p := range problems {
			out = append(out, p.Detail)
		}
	case DataTransforms:
		for _, p := range transform.Check(d) {
			out = append(out, p.Detail)
		}
	}
	return out
}

// Provides reports whether the host provides module.name under ABI n.
func Provides(n Name, module, name string) bool {
	switch n {
	case KafkaConnect:
		return kafkaconnect.Provides(module, name)
	case ConnectWasm:
		return connectwasm.Provides(module, name)
	case DataTransforms:
		return transform.Provides(module, name)
	}
	return false
}
