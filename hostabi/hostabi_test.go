package hostabi_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// echo is the test host module's one function: it reads the guest's bytes
// and gives a copy back through the guest's allocator, failing the call on
// the bytes "fail".
var echo = hostabi.HostFunction{
	Name:      "echo",
	Signature: hostabi.Signature{Params: []hostabi.ValueType{hostabi.I32, hostabi.I32}, Results: []hostabi.ValueType{hostabi.I32}},
	Run: func(x *hostabi.Exchange, stack []uint64) {
		b := x.Read(uint32(stack[0]), uint32(stack[1]))
		if string(b) == "fail" {
			x.Fail(errors.New("the guest asked to fail"))
		}
		stack[0] = uint64(x.Give(append([]byte(nil), b...)))
	},
}

func compile(t *testing.T, opts ...hostabi.Option) *hostabi.Module {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("..", "testdata", "wasm", "core.wasm"))
	require.NoError(t, err, "run testdata/build.sh")
	m, err := hostabi.Compile(context.Background(), "core.wasm", wasm, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	require.NoError(t, m.DefineHostModule(context.Background(), "test", []hostabi.HostFunction{echo}))
	return m
}

func instance(t *testing.T, m *hostabi.Module) *hostabi.Instance {
	t.Helper()
	in, err := m.Instantiate(context.Background(), hostabi.InstanceConfig{Allocator: "alloc"})
	require.NoError(t, err)
	return in
}

func TestCallMovesBytesThroughTheExchangeAndCountsThem(t *testing.T) {
	in := instance(t, compile(t))
	f := in.Func("call_echo")
	f.Stack[0], f.Stack[1] = 0, 5 // "hello", from the data segment
	require.NoError(t, in.Call(context.Background(), f))
	ptr := uint32(f.Stack[0])
	assert.Equal(t, uint32(1024), ptr, "the copy is where the guest's allocator put it")
	got, err := in.Exchange().Copy(ptr, 5)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	assert.Equal(t, 1, in.Exchange().HostCalls())
	assert.Equal(t, int64(10), in.Exchange().CallBytes(), "5 bytes read, 5 given")
	assert.False(t, in.Broken())
}

func TestEachFailureBreaksTheInstanceWithItsType(t *testing.T) {
	tests := []struct {
		name   string
		opts   []hostabi.Option
		fn     string
		args   []uint64
		target any
		want   string
	}{
		{"host function", nil, "call_echo", []uint64{4096, 4}, new(*hostabi.HostFunctionError),
			"guest function call_echo: host function echo failed"},
		{"outside memory", nil, "call_echo", []uint64{65530, 10}, new(*hostabi.HostFunctionError),
			"the guest passed 10 bytes at offset 65530, outside its memory of 65536 bytes"},
		{"host calls", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{HostCalls: 0, CallBytes: 3})},
			"call_echo", []uint64{0, 5}, new(*hostabi.LimitError), "it moved more than 3 bytes between host and guest"},
		{"trap", nil, "trap", nil, new(*hostabi.TrapError), "guest function trap trapped: wasm error: unreachable"},
		{"timeout", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{Timeout: 50 * time.Millisecond})},
			"spin", nil, new(*hostabi.TimeoutError), "guest function spin stopped: it ran longer than the timeout of 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compile(t, tt.opts...)
			in := instance(t, m)
			if tt.name == "host function" {
				require.True(t, writeGuest(in, 4096, "fail"))
			}
			f := in.Func(tt.fn)
			copy(f.Stack, tt.args)
			err := in.Call(context.Background(), f)
			require.ErrorAs(t, err, tt.target)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, in.Broken())
			assert.ErrorIs(t, in.Call(context.Background(), f), hostabi.ErrBroken, "a broken instance runs nothing")
		})
	}
}

func writeGuest(in *hostabi.Instance, at uint32, s string) bool {
	return in.Unwrap().Memory().WriteString(at, s)
}

func TestLimitErrorsSayWhichLimit(t *testing.T) {
	in := instance(t, compile(t, hostabi.WithLimits(hostabi.Limits{HostCalls: 1})))
	f := in.Func("call_echo")
	f.Stack[0], f.Stack[1] = 0, 5
	require.NoError(t, in.Call(context.Background(), f), "one host call is within the limit")

	in = instance(t, compile(t, hostabi.WithLimits(hostabi.Limits{CallBytes: 7})))
	f = in.Func("call_echo")
	f.Stack[0], f.Stack[1] = 0, 5
	var limit *hostabi.LimitError
	require.ErrorAs(t, in.Call(context.Background(), f), &limit)
	assert.Equal(t, hostabi.LimitCallBytes, limit.Limit)
	assert.Equal(t, int64(7), limit.Max)
}

func TestMemoryLimitStopsGrowth(t *testing.T) {
	in := instance(t, compile(t, hostabi.WithLimits(hostabi.Limits{MemoryPages: 3})))
	f := in.Func("grow")
	f.Stack[0] = 2
	require.NoError(t, in.Call(context.Background(), f))
	assert.Equal(t, uint64(1), f.Stack[0], "grown from 1 page to 3")
	f.Stack[0] = 1
	require.NoError(t, in.Call(context.Background(), f))
	assert.Equal(t, uint32(0xffffffff), uint32(f.Stack[0]), "a grow past the limit fails in the guest")
	assert.Equal(t, uint32(3), in.MemoryPages())
}

func TestInstantiateChecksTheAllocator(t *testing.T) {
	m := compile(t)
	for _, name := range []string{"nope", "trap", "call_echo", "memory"} {
		_, err := m.Instantiate(context.Background(), hostabi.InstanceConfig{Allocator: name})
		require.ErrorContains(t, err, "allocator "+name+" is not an exported function (i32) -> (i32)")
	}
}

func TestDescribeListsImportsAndExports(t *testing.T) {
	d := compile(t).Description()
	require.Len(t, d.Imports, 1)
	assert.Equal(t, "test", d.Imports[0].Module)
	assert.Equal(t, "echo", d.Imports[0].Name)
	assert.Equal(t, "(i32, i32) -> (i32)", d.Imports[0].Type())
	mem, ok := d.Export("memory")
	require.True(t, ok)
	assert.Equal(t, "1 pages minimum", mem.Type())
	_, err := hostabi.Describe(context.Background(), []byte("\x00asm"))
	require.ErrorContains(t, err, "not a valid WebAssembly module")
}
