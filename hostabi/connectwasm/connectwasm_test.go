package connectwasm_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/connectwasm"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

// The Connect wasm guests, each with its allocator style.
var guests = []struct {
	module string
	style  connectwasm.Allocator
}{
	{"connect_malloc.wasm", connectwasm.MallocFree},
	{"connect_allocate.wasm", connectwasm.AllocateDeallocate},
	{"connect_rust.wasm", connectwasm.AllocateDeallocate},
	{"connect_go.wasm", connectwasm.MallocFree},
}

func load(t *testing.T, module, function string) *connectwasm.Module {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", module))
	require.NoError(t, err, "run testdata/build.sh")
	m, err := connectwasm.Load(context.Background(), module, wasm, function,
		hostabi.WithCompilationCacheDir(filepath.Join(os.TempDir(), "benthos-wasm-connectwasm-test-cache")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

func instance(t *testing.T, m *connectwasm.Module) *connectwasm.Instance {
	t.Helper()
	in, err := m.Instantiate(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = in.Close(context.Background()) })
	return in
}

// live reads the guest's own count of allocated bytes and blocks.
func live(t *testing.T, m *connectwasm.Module, in *connectwasm.Instance) (bytes, blocks int32) {
	t.Helper()
	return connectwasm.GuestCounter(in, "live_bytes"), connectwasm.GuestCounter(in, "live_blocks")
}

func TestEveryGuestRunsWithItsAllocator(t *testing.T) {
	for _, g := range guests {
		t.Run(g.module, func(t *testing.T) {
			m := load(t, g.module, "") // the default function, process
			assert.Equal(t, g.style, m.Shape().Allocator)
			in := instance(t, m)
			for _, payload := range []string{"hello", "", "\x00binary\xff", string(make([]byte, 100_000))} {
				msg := recordtest.NewMessage(payload, nil)
				require.NoError(t, in.Call(context.Background(), msg))
				got, _ := msg.Parts()
				want := []byte(payload)
				for i, c := range want {
					if 'a' <= c && c <= 'z' {
						want[i] = c - 32
					}
				}
				assert.Equal(t, string(want), got)
				b, n := live(t, m, in)
				assert.Zero(t, b, "bytes left allocated in the guest after the call")
				assert.Zero(t, n, "blocks left allocated in the guest after the call")
			}
		})
	}
}

func TestMetadataReadsAndWrites(t *testing.T) {
	for _, g := range guests {
		t.Run(g.module, func(t *testing.T) {
			m := load(t, g.module, "set_meta")
			in := instance(t, m)
			msg := recordtest.NewMessage("payload", map[string]string{"in": "the value"})
			require.NoError(t, in.Call(context.Background(), msg))
			payload, meta := msg.Parts()
			assert.Equal(t, "payload", payload)
			assert.Equal(t, map[string]string{"in": "the value", "out": "the value"}, meta)

			msg = recordtest.NewMessage("payload", nil)
			require.NoError(t, in.Call(context.Background(), msg))
			_, meta = msg.Parts()
			assert.Equal(t, map[string]string{"out": ""}, meta, "an absent field reads as empty")
			b, n := live(t, m, in)
			assert.Zero(t, b)
			assert.Zero(t, n)
		})
	}
}

func TestATrapFailsTheCallAndBreaksTheInstance(t *testing.T) {
	for _, g := range guests {
		t.Run(g.module, func(t *testing.T) {
			in := instance(t, load(t, g.module, "trap_if"))
			msg := recordtest.NewMessage("trap me", nil)
			err := in.Call(context.Background(), msg)
			var trap *hostabi.TrapError
			require.ErrorAs(t, err, &trap)
			assert.True(t, in.Broken())
			got, _ := msg.Parts()
			assert.Equal(t, "trap me", got, "nothing written")
			assert.ErrorIs(t, in.Call(context.Background(), recordtest.NewMessage("ok", nil)), hostabi.ErrBroken)
		})
	}
}

// A million calls leave nothing allocated, with either allocator: the host
// frees what it gives, and in the allocate style what it is passed.
func TestNoLeakOverAMillionCalls(t *testing.T) {
	for _, g := range guests[:2] { // the WAT guests count every block exactly
		t.Run(g.module, func(t *testing.T) {
			m := load(t, g.module, "process")
			in := instance(t, m)
			pages := in.MemoryPages()
			msg := recordtest.NewMessage("a message of some length", nil)
			for i := 0; i < 1_000_000; i++ {
				if err := in.Call(context.Background(), msg); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			b, n := live(t, m, in)
			assert.Zero(t, b)
			assert.Zero(t, n)
			assert.Equal(t, pages, in.MemoryPages(), "memory did not grow")
		})
	}
}

func TestModulesThatDoNotFitAreRefusedByName(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", "rust.wasm"))
	require.NoError(t, err)
	_, err = connectwasm.Load(context.Background(), "rust.wasm", wasm, "")
	var mismatch *connectwasm.MismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Contains(t, err.Error(), "module rust.wasm does not fit the Redpanda Connect wasm ABI")
	assert.Contains(t, err.Error(), "imports env.get_value, env.set_value, env.set_key and 15 more are from module \"env\", which the host does not provide")
	assert.Contains(t, err.Error(), "export process is missing (expected a function () -> ())")
	assert.Contains(t, err.Error(), "no allocator is exported")
}
