package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// binary is the benthos-wasm binary built once for these tests.
var binary string

// repoRoot is where example configs resolve their relative paths from.
const repoRoot = "../.."

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "benthos-wasm-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "benthos-wasm")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		panic("building benthos-wasm: " + err.Error())
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// benthosWasm runs the binary from the repository root.
func benthosWasm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// benthosWasmEnv runs the binary from the repository root with env added.
func benthosWasmEnv(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// exampleRegistry serves the schemas the examples' tests expect, on
// loopback, and returns its URL: config/examples/schemas/orders-value.avsc
// as id 1 of subject orders-value.
func exampleRegistry(t *testing.T) string {
	t.Helper()
	schema, err := os.ReadFile(filepath.Join(repoRoot, "config", "examples", "schemas", "orders-value.avsc"))
	require.NoError(t, err)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("orders-value", 1, 1, sr.Schema{Schema: string(schema), Type: sr.TypeAvro})
	return reg.URL()
}

func examples(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "config", "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for i, p := range paths {
		paths[i], err = filepath.Rel(repoRoot, p)
		require.NoError(t, err)
	}
	return paths
}

func TestExamplesPassLint(t *testing.T) {
	out, err := benthosWasm(t, append([]string{"lint"}, examples(t)...)...)
	assert.NoError(t, err, out)
}

func TestExamplesPassTheirUnitTests(t *testing.T) {
	registry := exampleRegistry(t)
	for _, example := range examples(t) {
		out, err := benthosWasmEnv(t, []string{"SCHEMA_REGISTRY_URL=" + registry}, "test", example)
		assert.NoError(t, err, out)
		assert.Contains(t, out, "Test '"+example+"' succeeded")
	}
}

func TestQuickstartPrintsUpperCasedMessages(t *testing.T) {
	cmd := exec.Command(binary, "run", "--log.level", "none", "config/examples/quickstart.yaml")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t,
		"HELLO FROM WASM, MESSAGE 1\nHELLO FROM WASM, MESSAGE 2\nHELLO FROM WASM, MESSAGE 3\n",
		string(out))
}

func TestListShowsTheProcessor(t *testing.T) {
	out, err := benthosWasm(t, "list", "processors")
	require.NoError(t, err, out)
	assert.Contains(t, out, "wasm_smt")
}

func TestLintRejectsABadConverterNamingTheField(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(`
pipeline:
  processors:
    - wasm_smt:
        module_path: ./x.wasm
        function: f
        value_converter: xml
`), 0o600))
	out, err := benthosWasm(t, "lint", conf)
	require.Error(t, err)
	assert.Contains(t, out, `value_converter: value "xml" is not a converter`)
}

func TestRunFailsClearlyOnAMissingModule(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "missing.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(`
input:
  generate: { count: 1, interval: "", mapping: 'root = "x"' }
pipeline:
  processors:
    - wasm_smt:
        module_path: ./does/not/exist.wasm
        function: to_upper
output:
  drop: {}
`), 0o600))
	out, err := benthosWasm(t, "run", conf)
	require.Error(t, err)
	assert.True(t, strings.Contains(out, "field module_path: reading module: open ./does/not/exist.wasm"), out)
}
