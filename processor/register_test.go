package processor_test

import (
	"context"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/processor"
)

// Register alone is enough: in an environment with no plugins at all (not
// even the global registration this package's init makes, which
// ExampleRegister's service.NewEnvironment inherits), wasm_smt is unknown
// until Register adds it, and then runs.
func TestRegisterAddsWasmSMTToAnEmptyEnvironment(t *testing.T) {
	const conf = `
p:
  wasm_smt:
    module_path: ../testdata/wasm/rust.wasm
    function: to_upper
    compilation_cache: false
`
	spec := service.NewConfigSpec().Field(service.NewProcessorField("p"))
	build := func(env *service.Environment) (*service.OwnedProcessor, error) {
		parsed, err := spec.ParseYAML(conf, env)
		if err != nil {
			return nil, err
		}
		return parsed.FieldProcessor("p")
	}

	env := service.NewEmptyEnvironment()
	_, err := build(env)
	require.Error(t, err, "wasm_smt is not in an empty environment")
	assert.Contains(t, err.Error(), "wasm_smt")

	require.NoError(t, processor.Register(env))
	proc, err := build(env)
	require.NoError(t, err)
	t.Cleanup(func() { _ = proc.Close(context.Background()) })
	out, err := proc.ProcessBatch(context.Background(), service.MessageBatch{service.NewMessage([]byte("a")), service.NewMessage([]byte("b"))})
	require.NoError(t, err)
	require.Len(t, out, 1)
	var got []string
	for _, msg := range out[0] {
		b, err := msg.AsBytes()
		require.NoError(t, err)
		got = append(got, string(b))
	}
	assert.Equal(t, []string{"A", "B"}, got)
}
