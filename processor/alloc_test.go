package processor

import (
	"context"
	"fmt"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The host path allocates nothing per message with the bytes and string
// converters: a batch of 100 messages costs the same allocations as a batch
// of one (the one []MessageBatch that ProcessBatch must return).
func TestNoAllocationsPerMessage(t *testing.T) {
	for _, conv := range []string{"bytes", "string"} {
		for _, function := range []string{"noop", "read_parts"} {
			t.Run(conv+"/"+function, func(t *testing.T) {
				p := processorFor(t, "noop.wasm", function, fmt.Sprintf(
					"key_converter: %[1]s\nvalue_converter: %[1]s\nheader_converter: %[1]s", conv))
				perBatch := func(n int) float64 {
					batch := make(service.MessageBatch, n)
					for i := range batch {
						batch[i] = message("a value of some length", map[string]any{
							"kafka_key": "k", "kafka_topic": "t", "h": "header value",
							"kafka_partition": 3, "kafka_timestamp_ms": int64(1700000000000),
						})
					}
					ctx := context.Background()
					return testing.AllocsPerRun(200, func() {
						out, err := p.ProcessBatch(ctx, batch)
						if err != nil || out[0][0].GetError() != nil {
							panic(fmt.Sprint(err, out[0][0].GetError()))
						}
					})
				}
				one, hundred := perBatch(1), perBatch(100)
				assert.Equal(t, one, hundred, "allocations grow with the batch: %v for 1 message, %v for 100", one, hundred)
				require.LessOrEqual(t, one, 1.0, "the batch's own allocations")
			})
		}
	}
}
