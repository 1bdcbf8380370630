package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWasmInspectTellsEachABI(t *testing.T) {
	for _, tt := range []struct {
		module string
		want   []string
	}{
		{"testdata/wasm/transform_go.wasm", []string{
			"ABI: Redpanda Data Transforms ABI (told from its imports)",
			"redpanda_transform.read_batch_header function (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32) -> (i32)  provided by the host",
			// Its schema registry cases import Redpanda's schema registry module.
			"redpanda_schema_registry.get_schema_definition_len function (i32, i32) -> (i32)  provided by the host",
			"fits the Redpanda Data Transforms ABI (its _start loop drives it: no function)",
		}},
		// As Redpanda's Rust SDK builds them: a wasm32-wasi command, which
		// also exports main and two linker globals.
		{"testdata/wasm/transform_rust.wasm", []string{
			"ABI: Redpanda Data Transforms ABI (told from its imports)",
			"redpanda_transform.write_record_with_options function (i32, i32, i32, i32) -> (i32)  provided by the host",
			"fits the Redpanda Data Transforms ABI (its _start loop drives it: no function)",
		}},
		{"testdata/wasm/connect_rust.wasm", []string{
			"ABI: Redpanda Connect wasm ABI (told from its imports)",
			"benthos_wasm.v0_msg_as_bytes function () -> (i64)  provided by the host",
			"fits the Redpanda Connect wasm ABI, with its default function process",
		}},
		{"testdata/wasm/rust.wasm", []string{"ABI: Kafka Connect ABI (told from its imports)"}},
	} {
		out, err := benthosWasm(t, "wasm", "inspect", tt.module)
		require.NoError(t, err, out)
		for _, want := range tt.want {
			assert.Contains(t, out, want)
		}
	}
}

func TestWasmInspectRefusesAModuleThatDoesNotFitItsABI(t *testing.T) {
	out, err := benthosWasm(t, "wasm", "inspect", "testdata/wasm/transform_go.wasm", "--abi", "kafka_connect", "--function", "f")
	require.Error(t, err, out)
	assert.Contains(t, out, "ABI: Kafka Connect ABI (given with --abi)")
	assert.Contains(t, out, "redpanda_transform.write_record function (i32, i32) -> (i32)  NOT provided by the host")
	assert.Contains(t, out, "module testdata/wasm/transform_go.wasm does not fit the Kafka Connect ABI:")

	out, err = benthosWasm(t, "wasm", "inspect", "testdata/wasm/mixed_abis.wasm")
	require.Error(t, err, out)
	assert.Contains(t, out, "the module mixes ABIs: it imports from Kafka Connect ABI (env.get_value) and Redpanda Connect wasm ABI (benthos_wasm.v0_msg_as_bytes)")

	out, err = benthosWasm(t, "wasm", "inspect", "testdata/wasm/rust.wasm", "--abi", "nope")
	require.Error(t, err, out)
	assert.Contains(t, out, `unknown ABI "nope": expected one of auto, kafka_connect, connect_wasm, data_transforms`)
}

func TestWasmCheckChecksEachProcessorAgainstItsABI(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "pipeline.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(`
input:
  stdin: {}
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/transform_go.wasm }
    - wasm_smt: { module_path: ./testdata/wasm/connect_go.wasm, function: set_meta }
    - wasm_smt: { module_path: ./testdata/wasm/transform_go.wasm, function: to_upper }
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm }
    - wasm_smt: { module_path: ./testdata/wasm/connect_malloc.wasm, abi: data_transforms }
output:
  stdout: {}
`), 0o600))
	out, err := benthosWasm(t, "wasm", "check", "-c", conf)
	require.Error(t, err, out)
	assert.Contains(t, out, "pipeline.processors.0 (line 6) (module_path ./testdata/wasm/transform_go.wasm, function ): ok")
	assert.Contains(t, out, "pipeline.processors.1 (line 7) (module_path ./testdata/wasm/connect_go.wasm, function set_meta): ok")
	assert.Contains(t, out, "pipeline.processors.2 (line 8) (module_path ./testdata/wasm/transform_go.wasm, function to_upper): field function: must be empty for a module of the Redpanda Data Transforms ABI")
	assert.Contains(t, out, "pipeline.processors.3 (line 9) (module_path ./testdata/wasm/rust.wasm, function ): field function: required for a module of the Kafka Connect ABI")
	assert.Contains(t, out, "pipeline.processors.4 (line 10) (module_path ./testdata/wasm/connect_malloc.wasm, function ): module does not fit the Redpanda Data Transforms ABI")
}
