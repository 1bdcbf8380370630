package processor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	// The pipeline needs Benthos's own components for its plumbing.
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
)

// pipelineResult is what came out of a pipeline for one input value.
type pipelineResult struct {
	value string
	err   error
}

// runPipeline sends values through a real Benthos stream whose processors
// are given as YAML, on several threads, and returns what comes out by
// input index (each message carries its index in metadata).
func runPipeline(t *testing.T, processorYAML string, threads int, values []string) map[int]pipelineResult {
	t.Helper()
	b := service.NewStreamBuilder()
	require.NoError(t, b.SetLoggerYAML("level: none"))
	b.SetThreads(threads)
	require.NoError(t, b.AddProcessorYAML(processorYAML))
	send, err := b.AddBatchProducerFunc()
	require.NoError(t, err)

	var mu sync.Mutex
	results := map[int]pipelineResult{}
	duplicates := 0
	require.NoError(t, b.AddConsumerFunc(func(_ context.Context, msg *service.Message) error {
		idx, _ := msg.MetaGetMut("idx")
		payload, err := msg.AsBytes()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		i := idx.(int)
		if _, seen := results[i]; seen {
			duplicates++
		}
		results[i] = pipelineResult{value: string(payload), err: msg.GetError()}
		return nil
	}))
	stream, err := b.Build()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Sending stops as soon as the stream does, so a stream that fails to
	// start reports its own error instead of a timeout.
	sendCtx, stopSending := context.WithCancel(ctx)
	defer stopSending()
	done := make(chan error, 1)
	go func() {
		err := stream.Run(ctx)
		stopSending()
		done <- err
	}()

	const batchSize = 50
	for start := 0; start < len(values); start += batchSize {
		var batch service.MessageBatch
		for i := start; i < start+batchSize && i < len(values); i++ {
			msg := service.NewMessage([]byte(values[i]))
			msg.MetaSetMut("idx", i)
			batch = append(batch, msg)
		}
		if err := send(sendCtx, batch); err != nil {
			require.NoError(t, <-done, "the stream stopped")
			require.NoError(t, err)
		}
	}
	require.NoError(t, stream.StopWithin(time.Minute))
	require.NoError(t, <-done)
	assert.Zero(t, duplicates, "no message comes out twice")
	return results
}

// A guest that traps on one message in a hundred, over 10,000 messages:
// all 10,000 come out, the trapped ones flagged and unchanged, the others
// transformed.
func TestPipelineSurvivesAGuestThatTrapsOnOneMessageInAHundred(t *testing.T) {
	const n = 10_000
	values := make([]string, n)
	for i := range values {
		if i%100 == 7 {
			values[i] = fmt.Sprintf("trap %d", i)
		} else {
			values[i] = fmt.Sprintf("value %d", i)
		}
	}
	for _, lang := range guestLanguages {
		t.Run(lang, func(t *testing.T) {
			results := runPipeline(t, fmt.Sprintf(`
wasm_smt:
  module_path: %s
  function: upper_or_trap
  compilation_cache_dir: %s
`, modulePath(lang+".wasm"), testCacheDir), 4, values)

			require.Len(t, results, n, "every message comes out")
			trapped := 0
			for i, in := range values {
				got := results[i]
				if strings.HasPrefix(in, "trap") {
					trapped++
					require.Error(t, got.err, "message %d", i)
					assert.Contains(t, got.err.Error(), "guest function upper_or_trap")
					assert.Equal(t, in, got.value, "a trapped message is unchanged")
				} else {
					require.NoError(t, got.err, "message %d", i)
					assert.Equal(t, strings.ToUpper(in), got.value)
				}
			}
			assert.Equal(t, n/100, trapped)
		})
	}
}
