package kafkaconnect_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

func readWasm(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", name))
	require.NoError(t, err, "run testdata/build.sh to build the test modules")
	return b
}

func load(t testing.TB, module, function string) *kafkaconnect.Module {
	t.Helper()
	m, err := kafkaconnect.Load(context.Background(), module, readWasm(t, module), kafkaconnect.Config{Function: function})
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

func instantiate(t testing.TB, m *kafkaconnect.Module) *kafkaconnect.Instance {
	t.Helper()
	in, err := m.Instantiate(context.Background())
	require.NoError(t, err)
	return in
}

func TestLoadNamesEveryMismatch(t *testing.T) {
	tests := []struct {
		module, function string
		want             []string
	}{
		{"no_alloc.wasm", "f", []string{
			"module no_alloc.wasm does not fit the Kafka Connect ABI",
			`export "memory" (memory) is missing`,
			"export alloc is missing (expected a function (i32) -> (i32))",
			"export dealloc has type (i32) -> (), expected (i32, i32) -> ()",
		}},
		{"bad_import.wasm", "f", []string{
			"import env.get_value has type () -> (i32), expected () -> (i64)",
			"import env.launch_missiles is not a host function",
			`import other.thing is from module "other", which the host does not provide`,
		}},
		{"noop.wasm", "takes_param", []string{
			"export takes_param has type (i32) -> (), expected () -> () or () -> (i64)",
		}},
		{"noop.wasm", "returns_i32", []string{
			"export returns_i32 has type () -> (i32), expected () -> () or () -> (i64)",
		}},
		{"noop.wasm", "nope", []string{
			"export nope is missing (expected a function () -> () or () -> (i64))",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.module+"/"+tt.function, func(t *testing.T) {
			_, err := kafkaconnect.Load(context.Background(), tt.module, readWasm(t, tt.module), kafkaconnect.Config{Function: tt.function})
			var mismatch *kafkaconnect.MismatchError
			require.ErrorAs(t, err, &mismatch)
			for _, p := range mismatch.Problems {
				assert.Contains(t, p.Detail, p.Name, "each problem names its import or export")
			}
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestLoadRejectsBytesThatAreNotWasm(t *testing.T) {
	_, err := kafkaconnect.Load(context.Background(), "notes.txt", []byte("hello"), kafkaconnect.Config{Function: "f"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "module notes.txt is not a valid WebAssembly module")
}

func TestFaultyGuestsFailTheCallAndBreakTheInstance(t *testing.T) {
	tests := []struct {
		function string
		target   any
		want     string
	}{
		{"set_out_of_bounds", new(*hostabi.HostFunctionError),
			"host function set_value failed: the guest passed 10000 bytes at offset 65000, outside its memory of 65536 bytes"},
		{"garbage_alloc", new(*hostabi.HostFunctionError),
			"host function get_value failed: the guest's alloc(5) returned offset 4294967280, outside its memory of 65536 bytes"},
		{"bad_error_result", new(*hostabi.HostFunctionError),
			"the error message: 4096 bytes at offset 65520 are outside the guest's memory of 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			in := instantiate(t, load(t, "faults.wasm", tt.function))
			rec := recordtest.New(nil, recordtest.Str("hello"), nil, nil)
			err := in.Call(context.Background(), rec)
			require.Error(t, err)
			assert.True(t, errors.As(err, tt.target), "error type %T", err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, in.Broken())
			_, value, _, _ := rec.Parts()
			assert.Equal(t, "hello", *value, "the record is untouched")

			err = in.Call(context.Background(), rec)
			require.Error(t, err, "a broken instance refuses further calls")
			assert.ErrorIs(t, err, hostabi.ErrBroken)
		})
	}
}

func TestNoopCallSucceedsAndKeepsTheInstance(t *testing.T) {
	in := instantiate(t, load(t, "noop.wasm", "noop"))
	for i := 0; i < 3; i++ {
		require.NoError(t, in.Call(context.Background(), recordtest.New(nil, nil, nil, nil)))
	}
	assert.False(t, in.Broken())
	assert.Equal(t, uint32(1), in.MemoryPages())
}

func TestWASICommandModulesAreRefusedWithAHint(t *testing.T) {
	_, err := kafkaconnect.Load(context.Background(), "command.wasm", readWasm(t, "command.wasm"), kafkaconnect.Config{Function: "f"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the module exports _start but not _initialize: it is a WASI command")
	assert.Contains(t, err.Error(), "-buildmode=c-shared")
}

func TestGoGuestRunsInitializeAndItsStderrReachesTheOutput(t *testing.T) {
	var lines []string
	m, err := kafkaconnect.Load(context.Background(), "go.wasm", readWasm(t, "go.wasm"), kafkaconnect.Config{Function: "upper_or_trap"},
		hostabi.WithGuestOutput(func(stream, line string) { lines = append(lines, stream+": "+line) }))
	require.NoError(t, err)
	defer m.Close(context.Background())
	assert.True(t, m.Shape().UsesWASI)
	assert.True(t, m.Shape().Initialize)

	in := instantiate(t, m)
	rec := recordtest.New(nil, recordtest.Str("go"), nil, nil)
	require.NoError(t, in.Call(context.Background(), rec), "a Go guest works only once _initialize has run")
	_, value, _, _ := rec.Parts()
	assert.Equal(t, "GO", *value)

	rec = recordtest.New(nil, recordtest.Str("trap now"), nil, nil)
	err = in.Call(context.Background(), rec)
	var trap *hostabi.TrapError
	require.ErrorAs(t, err, &trap)
	assert.Contains(t, lines, `stderr: panic: trap: value starts with "trap"`, "the Go panic message goes to the guest output")
}
