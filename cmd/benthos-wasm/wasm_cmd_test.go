package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWasmInspectShowsAModuleThatFits(t *testing.T) {
	out, err := benthosWasm(t, "wasm", "inspect", "testdata/wasm/c.wasm", "--function", "to_upper")
	require.NoError(t, err, out)
	assert.Contains(t, out, "env.get_value function () -> (i64)  provided by the host")
	assert.Contains(t, out, "alloc function (i32) -> (i32)")
	assert.Contains(t, out, "WASI: no")
	assert.Contains(t, out, "fits the Kafka Connect ABI, with function to_upper")

	out, err = benthosWasm(t, "wasm", "inspect", "testdata/wasm/go.wasm")
	require.NoError(t, err, out)
	assert.Contains(t, out, "WASI: imports wasi_snapshot_preview1")
}

func TestWasmInspectFailsClearly(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing alloc", []string{"testdata/wasm/no_alloc.wasm"}, []string{
			"module testdata/wasm/no_alloc.wasm does not fit the Kafka Connect ABI:",
			"- export alloc is missing (expected a function (i32) -> (i32))",
			`- export "memory" (memory) is missing`,
		}},
		{"wrong function signature", []string{"testdata/wasm/noop.wasm", "--function", "takes_param"}, []string{
			"- export takes_param has type (i32) -> (), expected () -> () or () -> (i64)",
		}},
		{"unknown imports", []string{"--function=f", "testdata/wasm/bad_import.wasm"}, []string{
			"env.launch_missiles function () -> ()  NOT provided by the host",
			"- import env.get_value has type () -> (i32), expected () -> (i64)",
		}},
		{"missing file", []string{"testdata/wasm/nope.wasm"}, []string{
			"module testdata/wasm/nope.wasm: open testdata/wasm/nope.wasm: no such file or directory",
		}},
		{"not wasm", []string{"go.mod"}, []string{"module go.mod: not a valid WebAssembly module"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := benthosWasm(t, append([]string{"wasm", "inspect"}, tt.args...)...)
			require.Error(t, err, out)
			for _, want := range tt.want {
				assert.Contains(t, out, want)
			}
		})
	}
}

func TestWasmCheckFindsEveryWasmSMTInConfigs(t *testing.T) {
	out, err := benthosWasm(t, "wasm", "check", "-c", "config/examples/converter-json.yaml", "-c", "config/examples/quickstart.yaml")
	require.NoError(t, err, out)
	assert.Contains(t, out, "config/examples/converter-json.yaml: pipeline.processors.1 (line 11) (module_path ./testdata/wasm/rust.wasm, function to_upper): ok")
	assert.Contains(t, out, "config/examples/converter-json.yaml: pipeline.processors.2 (line 15) (module_path ./testdata/wasm/rust.wasm, function copy_header): ok")
	assert.Contains(t, out, "config/examples/quickstart.yaml: pipeline.processors.0")
}

func TestWasmCheckFailsOnEveryBadModule(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "pipeline.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(`
input:
  stdin: {}
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/missing.wasm, function: to_upper }
    - switch:
        - check: 'this.x == 1'
          processors:
            - wasm_smt: { module_path: ./testdata/wasm/no_alloc.wasm, function: f }
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: no_such_function }
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: to_upper }
output:
  stdout: {}
`), 0o600))
	out, err := benthosWasm(t, "wasm", "check", "-c", conf)
	require.Error(t, err, out)
	assert.Contains(t, out, "pipeline.processors.0 (line 6) (module_path ./testdata/wasm/missing.wasm, function to_upper): module ./testdata/wasm/missing.wasm: open ./testdata/wasm/missing.wasm: no such file or directory")
	assert.Contains(t, out, "pipeline.processors.1.switch.0.processors.0")
	assert.Contains(t, out, "module does not fit the Kafka Connect ABI: export \"memory\" (memory) is missing; export alloc is missing")
	assert.Contains(t, out, "(module_path ./testdata/wasm/rust.wasm, function no_such_function): module does not fit the Kafka Connect ABI: export no_such_function is missing")
	assert.Contains(t, out, "(module_path ./testdata/wasm/rust.wasm, function to_upper): ok")
}
