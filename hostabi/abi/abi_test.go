package abi_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/abi"
)

func fn(module, name string, params int, results ...hostabi.ValueType) hostabi.Item {
	ps := make([]hostabi.ValueType, params)
	for i := range ps {
		ps[i] = hostabi.I32
	}
	return hostabi.Item{Module: module, Name: name, Kind: hostabi.KindFunction, Signature: hostabi.NewSignature(ps, results...)}
}

// command is a WASI command exporting _start and memory, importing imps.
func command(imps ...hostabi.Item) hostabi.Description {
	return hostabi.Description{Imports: imps, Exports: []hostabi.Item{
		{Name: "_start", Kind: hostabi.KindFunction},
		{Name: "memory", Kind: hostabi.KindMemory, MinPages: 1},
	}}
}

const srModule = "redpanda_schema_registry"

var (
	header   = fn("redpanda_transform", "read_batch_header", 10, hostabi.I32)
	srCheck  = fn(srModule, "check_abi_version_0", 0)
	srLookup = fn(srModule, "get_schema_definition_len", 2, hostabi.I32)
	srCreate = fn(srModule, "create_subject_schema", 5, hostabi.I32)
)

func TestSchemaRegistryImportsAreDataTransforms(t *testing.T) {
	for _, d := range []hostabi.Description{
		command(header, srCheck, srLookup, srCreate),
		command(srCheck, srLookup), // only the registry module: still a transform
	} {
		n, err := abi.Detect(d)
		require.NoError(t, err)
		assert.Equal(t, abi.DataTransforms, n)
		assert.Empty(t, abi.Check(d, abi.DataTransforms, ""))
	}
	for _, name := range []string{"check_abi_version_0", "get_schema_definition_len", "get_schema_definition",
		"get_subject_schema_len", "get_subject_schema", "create_subject_schema"} {
		assert.True(t, abi.Provides(abi.DataTransforms, srModule, name), name)
		assert.False(t, abi.Provides(abi.KafkaConnect, srModule, name), name)
		assert.False(t, abi.Provides(abi.ConnectWasm, srModule, name), name)
	}
	assert.False(t, abi.Provides(abi.DataTransforms, srModule, "check_abi_version_1"))
}

func TestSchemaRegistryImportsThatDoNotFitAreRefusedByName(t *testing.T) {
	problems := abi.Check(command(header,
		fn(srModule, "check_abi_version_1", 0),                    // only version 0 exists
		fn(srModule, "get_schema_definition_len", 3, hostabi.I32), // wrong type
		fn(srModule, "get_schema_definition", 3, hostabi.I64),     // wrong result
	), abi.DataTransforms, "")
	joined := strings.Join(problems, "\n")
	assert.Len(t, problems, 3, joined)
	assert.Contains(t, joined, "import redpanda_schema_registry.check_abi_version_1 is not a function of Redpanda's schema registry module (expected one of check_abi_version_0, create_subject_schema, get_schema_definition, get_schema_definition_len, get_subject_schema, get_subject_schema_len)")
	assert.Contains(t, joined, "import redpanda_schema_registry.get_schema_definition_len has type (i32, i32, i32) -> (i32), expected (i32, i32) -> (i32)")
	assert.Contains(t, joined, "import redpanda_schema_registry.get_schema_definition has type (i32, i32, i32) -> (i64), expected (i32, i32, i32) -> (i32)")

	// Another ABI's module that imports the registry module mixes ABIs.
	_, err := abi.Detect(command(fn("env", "get_value", 0, hostabi.I64), srLookup))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the module mixes ABIs")
	assert.Contains(t, err.Error(), "Redpanda Data Transforms ABI (redpanda_schema_registry.get_schema_definition_len)")
	// Under another ABI, the registry module is foreign.
	problems = abi.Check(command(fn("env", "get_value", 0, hostabi.I64), srLookup), abi.KafkaConnect, "f")
	assert.Contains(t, strings.Join(problems, "\n"), `import redpanda_schema_registry.get_schema_definition_len is from module "redpanda_schema_registry", which the host does not provide`)
}

// The Go conformance guest imports the registry module (its schema_*
// cases); it is told and fits as Data Transforms.
func TestTheGoTransformGuestFits(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", "transform_go.wasm"))
	require.NoError(t, err)
	rep, err := abi.Inspect(context.Background(), wasm, abi.Auto, "")
	require.NoError(t, err)
	assert.Equal(t, abi.DataTransforms, rep.ABI)
	assert.True(t, rep.Fits(), "%v", rep.Problems)
	registry := 0
	for _, imp := range rep.Imports {
		if imp.Module == srModule {
			registry++
			assert.True(t, imp.Provided, imp.Name)
		}
	}
	assert.Equal(t, 6, registry)
}
