package kafkaconnect_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

// Every option out of its range is refused with an error naming it; none
// panics (wazero itself panics on a memory limit over 65536 pages).
func TestOutOfRangeOptionsAreRefusedByName(t *testing.T) {
	wasm := readWasm(t, "noop.wasm")
	tests := []struct {
		limits hostabi.Limits
		option string
	}{
		{hostabi.Limits{MemoryPages: 70000}, "Limits.MemoryPages"},
		{hostabi.Limits{MemoryPages: hostabi.MaxMemoryPages + 1}, "Limits.MemoryPages"},
		{hostabi.Limits{Timeout: -time.Second}, "Limits.Timeout"},
		{hostabi.Limits{HostCalls: -1}, "Limits.HostCalls"},
		{hostabi.Limits{CallBytes: -1}, "Limits.CallBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.option, func(t *testing.T) {
			for name, load := range map[string]func() error{
				"hostabi.Compile": func() error {
					_, err := hostabi.Compile(context.Background(), "noop.wasm", wasm, hostabi.WithLimits(tt.limits))
					return err
				},
				"kafkaconnect.Load": func() error {
					_, err := kafkaconnect.Load(context.Background(), "noop.wasm", wasm,
						kafkaconnect.Config{Function: "noop"}, hostabi.WithLimits(tt.limits))
					return err
				},
			} {
				err := load()
				var optErr *hostabi.OptionError
				require.ErrorAs(t, err, &optErr, name)
				assert.Equal(t, tt.option, optErr.Option, name)
				assert.Contains(t, err.Error(), "expected", name)
			}
		})
	}
	_, err := hostabi.Compile(context.Background(), "noop.wasm", wasm,
		hostabi.WithEnvironment(map[string]string{"A=B": "c"}))
	var optErr *hostabi.OptionError
	require.ErrorAs(t, err, &optErr)
	assert.Equal(t, "WithEnvironment", optErr.Option)
}

// The largest limits are accepted.
func TestLimitsAtTheirBoundsLoad(t *testing.T) {
	m, err := kafkaconnect.Load(context.Background(), "noop.wasm", readWasm(t, "noop.wasm"),
		kafkaconnect.Config{Function: "noop"}, hostabi.WithLimits(hostabi.Limits{MemoryPages: hostabi.MaxMemoryPages}))
	require.NoError(t, err)
	require.NoError(t, m.Close(context.Background()))
}

// A module declaring more memory than the limit gets a typed limit error,
// told apart from an invalid module without reading wazero's error text.
func TestModuleOverTheMemoryLimitIsALimitError(t *testing.T) {
	_, err := kafkaconnect.Load(context.Background(), "rust.wasm", readWasm(t, "rust.wasm"),
		kafkaconnect.Config{Function: "to_upper"}, hostabi.WithLimits(hostabi.Limits{MemoryPages: 2}))
	var limit *hostabi.LimitError
	require.ErrorAs(t, err, &limit)
	assert.Equal(t, hostabi.LimitMemoryPages, limit.Limit)
	assert.Equal(t, int64(2), limit.Max)
	assert.Regexp(t, `module rust.wasm declares memory "memory" of at least \d+ pages, more than the limit of 2 pages`, err.Error())

	// The same bytes, cut short, are an invalid module, not a limit error.
	wasm := readWasm(t, "rust.wasm")
	_, err = kafkaconnect.Load(context.Background(), "cut.wasm", wasm[:len(wasm)/2],
		kafkaconnect.Config{Function: "to_upper"}, hostabi.WithLimits(hostabi.Limits{MemoryPages: 2}))
	require.Error(t, err)
	assert.NotErrorAs(t, err, &limit)
	assert.Contains(t, err.Error(), "module cut.wasm is not a valid WebAssembly module")
}

// Nil arguments get errors, not panics.
func TestNilArgumentsAreErrors(t *testing.T) {
	//nolint:staticcheck // a nil context is what this test feeds
	m, err := kafkaconnect.Load(nil, "noop.wasm", readWasm(t, "noop.wasm"), kafkaconnect.Config{Function: "noop"})
	require.NoError(t, err, "a nil context is taken as context.Background()")
	defer m.Close(context.Background())

	_, err = kafkaconnect.Load(context.Background(), "noop.wasm", readWasm(t, "noop.wasm"), kafkaconnect.Config{})
	require.ErrorContains(t, err, "no function name was given")

	_, err = kafkaconnect.Load(context.Background(), "empty.wasm", nil, kafkaconnect.Config{Function: "f"})
	require.ErrorContains(t, err, "module empty.wasm is not a valid WebAssembly module")

	in := instantiate(t, m)
	require.ErrorContains(t, in.Call(context.Background(), nil), "Call needs a record")
	//nolint:staticcheck // a nil context is what this test feeds
	require.NoError(t, in.Call(nil, recordtest.New(nil, nil, nil, nil)))

	_, err = kafkaconnect.Inspect(context.Background(), nil, "f")
	require.ErrorContains(t, err, "not a valid WebAssembly module")
}

// get_record fails on a header name that JSON cannot carry, as
// get_header_names does, instead of renaming it: a guest that sets the
// record back must never rename a header.
func TestRecordJSONNeverRenamesAHeader(t *testing.T) {
	for _, module := range []string{"rust.wasm", "c.wasm", "go.wasm", "assemblyscript.wasm"} {
		t.Run(module, func(t *testing.T) {
			in := instantiate(t, load(t, module, "transform"))
			headers := map[string]string{"\xff-raw": "v", "ok": "w"}
			rec := recordtest.New(recordtest.Str("k"), recordtest.Str("value"), recordtest.Str("t"), headers)
			err := in.Call(context.Background(), rec)
			var hfe *hostabi.HostFunctionError
			require.ErrorAs(t, err, &hfe)
			assert.Equal(t, "get_record", hfe.Import)
			assert.Contains(t, err.Error(), `header name "\xff-raw" is not valid UTF-8`)
			key, value, topic, got := rec.Parts()
			assert.Equal(t, "k", *key)
			assert.Equal(t, "value", *value)
			assert.Equal(t, "t", *topic)
			assert.Equal(t, map[string]string{"\xff-raw": "v", "ok": "w"}, got, "no header renamed or lost")

			in = instantiate(t, load(t, module, "transform"))
			rec = recordtest.New(nil, recordtest.Str("v"), recordtest.Str("t\xfe"), nil)
			require.ErrorContains(t, in.Call(context.Background(), rec), "the topic is not valid UTF-8")
			_, _, topic, _ = rec.Parts()
			assert.Equal(t, "t\xfe", *topic)
		})
	}
}
