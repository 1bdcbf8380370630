package processor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartUpErrorsNameTheModuleAndWhatWasExpected(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"missing file", "module_path: ./nowhere.wasm\nfunction: f",
			"field module_path: reading module: open ./nowhere.wasm"},
		{"not wasm", "module_path: ../go.mod\nfunction: f",
			"module ../go.mod is not a valid WebAssembly module"},
		{"missing function", fmt.Sprintf("module_path: %s\nfunction: nope", modulePath("rust.wasm")),
			"export nope is missing (expected a function () -> () or () -> (i64))"},
		{"missing alloc", fmt.Sprintf("module_path: %s\nfunction: f", modulePath("no_alloc.wasm")),
			"export alloc is missing"},
		{"unknown import", fmt.Sprintf("module_path: %s\nfunction: f", modulePath("bad_import.wasm")),
			"import env.launch_missiles is not a host function"},
		{"bad converter", fmt.Sprintf("module_path: %s\nfunction: to_upper\nkey_converter: avrox", modulePath("rust.wasm")),
			`field key_converter: unknown converter "avrox"`},
		{"same key and topic field", fmt.Sprintf("module_path: %s\nfunction: to_upper\nkey_metadata: k\ntopic_metadata: k", modulePath("rust.wasm")),
			`fields key_metadata and topic_metadata both name metadata field "k"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, err := wasmSMTSpec().ParseYAML(tt.yaml, nil)
			require.NoError(t, err)
			_, err = newWasmSMT(conf, service.MockResources())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// Benthos shares one processor across pipeline threads and calls Close once
// per thread, possibly while other threads still have batches in flight.
func TestConcurrentBatchesAndRepeatedCloseAreSafe(t *testing.T) {
	p := processorFor(t, "c.wasm", "upper_or_trap", "max_instances: 3")
	const threads, batches, size = 8, 20, 25

	var wg sync.WaitGroup
	var processed, refused atomic.Int64
	for th := 0; th < threads; th++ {
		wg.Add(1)
		go func(th int) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				batch := make(service.MessageBatch, size)
				in := make([]string, size)
				for i := range batch {
					in[i] = fmt.Sprintf("t%d b%d m%d", th, b, i)
					if i == 3 {
						in[i] = "trap " + in[i]
					}
					batch[i] = service.NewMessage([]byte(in[i]))
				}
				out, err := p.ProcessBatch(context.Background(), batch)
				if err != nil {
					assert.ErrorIs(t, err, errPoolClosed)
					refused.Add(size)
					continue
				}
				require.Len(t, out, 1)
				require.Len(t, out[0], size, "every message comes out, in place")
				for i, msg := range out[0] {
					got, err := msg.AsBytes()
					require.NoError(t, err)
					if i == 3 {
						assert.Equal(t, in[i], string(got), "a trapped message is unchanged")
						assert.ErrorContains(t, msg.GetError(), "guest function upper_or_trap trapped")
						continue
					}
					if i > 3 && msg.GetError() != nil {
						// Closed while this batch was in flight: no fresh
						// instance after the trap, the rest flagged unchanged.
						assert.ErrorIs(t, msg.GetError(), errPoolClosed, "message %d", i)
						assert.Equal(t, in[i], string(got))
						continue
					}
					assert.NoError(t, msg.GetError(), "message %d", i)
					assert.Equal(t, strings.ToUpper(in[i]), string(got))
				}
				processed.Add(size)
			}
			_ = p.Close(context.Background()) // each "thread" closes, as Benthos does
		}(th)
	}
	wg.Wait()
	assert.Equal(t, int64(threads*batches*size), processed.Load()+refused.Load(), "every message is accounted for")
	assert.Positive(t, processed.Load())
	require.NoError(t, p.Close(context.Background()), "closing again is harmless")
	assert.Equal(t, int64(0), p.metrics.liveInstances.Load(), "every instance is closed")

	_, err := p.ProcessBatch(context.Background(), service.MessageBatch{service.NewMessage([]byte("late"))})
	assert.ErrorIs(t, err, errPoolClosed)
}

func TestPoolNeverHoldsMoreThanMaxInstances(t *testing.T) {
	p := processorFor(t, "c.wasm", "to_upper", "max_instances: 2")
	ctx := context.Background()
	a, err := p.pool.Load().get(ctx)
	require.NoError(t, err)
	b, err := p.pool.Load().get(ctx)
	require.NoError(t, err)

	waitCtx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.pool.Load().get(waitCtx)
	require.Error(t, err, "a third get waits, and gives up with its context")
	assert.Contains(t, err.Error(), "waiting for a wasm_smt instance")

	p.pool.Load().put(a)
	c, err := p.pool.Load().get(ctx)
	require.NoError(t, err)
	assert.Same(t, a, c, "an idle instance is reused")
	p.pool.Load().put(b)
	p.pool.Load().put(c)
}
