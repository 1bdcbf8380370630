package processor

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTripBatch is the batch size of the round-trip test and benchmark:
// bench/roundtrip.sh's, and a common Kafka batch size.
const roundTripBatch = 64

// kafkaBatch makes n messages over payload with the metadata of a Kafka
// record (not a tombstone), and returns them with the batch a processor gets:
// shallow copies, as an input hands them over while it keeps the originals to
// resend. A copy shares its bytes and, until it writes them, its metadata
// with its original.
func kafkaBatch(n int, payload []byte) (originals, batch service.MessageBatch) {
	originals = make(service.MessageBatch, n)
	for i := range originals {
		msg := message("", map[string]any{
			"kafka_key": "k", "kafka_topic": "t", "kafka_partition": 3, "kafka_tombstone_message": false, "h": "v",
		})
		msg.SetBytes(payload)
		originals[i] = msg
	}
	return originals, copies(originals)
}

func copies(msgs service.MessageBatch) service.MessageBatch {
	out := make(service.MessageBatch, len(msgs))
	for i, m := range msgs {
		out[i] = m.Copy()
	}
	return out
}

// A value round trip allocates per batch, not per message: the new values
// are carved from one chunk, and setting the value of a Kafka record (whose
// tombstone field is false) does not clone the metadata the message shares
// with the input's original.
func TestRoundTripAllocatesPerBatchNotPerMessage(t *testing.T) {
	p := processorFor(t, "noop.wasm", "roundtrip", "")
	ctx := context.Background()
	originals, batch := kafkaBatch(roundTripBatch, payload1KiB)
	copyAll := func() {
		for i, m := range originals {
			batch[i] = m.Copy()
		}
	}
	copying := testing.AllocsPerRun(50, copyAll)
	processing := testing.AllocsPerRun(50, func() {
		copyAll()
		out, err := p.ProcessBatch(ctx, batch)
		if err != nil || out[0][0].GetError() != nil {
			panic(fmt.Sprint(err, out[0][0].GetError()))
		}
	})
	// The []MessageBatch returned, and the chunks that 64 values of 1 KiB fill.
	chunks := float64(roundTripBatch * len(payload1KiB) / arenaChunk)
	assert.LessOrEqual(t, processing-copying, 1+chunks,
		"a batch of %d round trips allocates %v times", roundTripBatch, processing-copying)
}

// The values a batch's guest calls set share chunks, yet each message owns
// its bytes: appending to one, or writing into it, changes no other message,
// and the input's originals keep their bytes and metadata.
func TestValuesOfABatchAreSeparate(t *testing.T) {
	p := processorFor(t, "rust.wasm", "to_upper", "")
	originals, batch := kafkaBatch(3, []byte("abc"))
	for i, v := range []string{"abc", "def", "ghi"} {
		batch[i].SetBytes([]byte(v))
	}
	out := process(t, p, batch...)
	require.Len(t, out, 3)

	first, err := out[0].AsBytes()
	require.NoError(t, err)
	assert.Equal(t, "ABC", string(first))
	assert.Equal(t, len(first), cap(first), "spare capacity would be the next value's bytes")
	_ = append(first, "XYZ"...)
	first[0] = 'x'
	for i, want := range []string{"xBC", "DEF", "GHI"} {
		got, err := out[i].AsBytes()
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "message %d", i)
		assert.Equal(t, false, metadata(out[i])["kafka_tombstone_message"], "a value set leaves a false tombstone field as it was")
	}
	for _, orig := range originals {
		got, err := orig.AsBytes()
		require.NoError(t, err)
		assert.Equal(t, "abc", string(got))
		assert.Equal(t, false, metadata(orig)["kafka_tombstone_message"], "the input's original keeps its metadata")
	}
}

// BenchmarkRoundTrip measures a batch of 64 messages of 1 KiB with Kafka
// metadata through guests that move the value through the host: noop (no
// host call, the floor of a call), roundtrip (get_value, set_value
// unchanged) and Rust's to_upper. It reports wall time and allocations per
// message; the messages are made outside the timer. bench/roundtrip.sh
// measures the same guests in a whole process, by CPU time.
func BenchmarkRoundTrip(b *testing.B) {
	for _, guest := range []struct{ module, function string }{
		{"noop.wasm", "noop"},
		{"noop.wasm", "roundtrip"},
		{"rust.wasm", "to_upper"},
	} {
		b.Run(guest.function, func(b *testing.B) {
			p := processorFor(b, guest.module, guest.function, "")
			originals, _ := kafkaBatch(roundTripBatch, payload1KiB)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(len(payload1KiB)) * roundTripBatch)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				batch := copies(originals)
				b.StartTimer()
				if _, err := p.ProcessBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*roundTripBatch), "ns/msg")
		})
	}
}

// Messages of one batch are read downstream while later batches' values are
// copied into the same chunk, or into chunks reused once the earlier readers
// let go of them: under -race this fails if those bytes overlapped, or if a
// reuse were not ordered after the earlier reads. Odd sizes put copies on
// uneven offsets; nine values of about 900 bytes fill a chunk in four rounds.
func TestValuesOfLaterBatchesDoNotRaceWithEarlierMessages(t *testing.T) {
	p := processorFor(t, "rust.wasm", "to_upper", "max_instances: 1")
	value := func(round, i int) string {
		return fmt.Sprintf("%d-%d-", round, i) + strings.Repeat("abc", 300+(round+i)%7)
	}
	done := make(chan error)
	var pending int
	for round := range 40 {
		batch := make(service.MessageBatch, 9)
		for i := range batch {
			batch[i] = message(value(round, i), nil)
		}
		out := process(t, p, batch...)
		pending++
		go func() {
			for i, m := range out {
				got, err := m.AsBytes()
				if want := strings.ToUpper(value(round, i)); err != nil || string(got) != want {
					done <- fmt.Errorf("round %d, message %d: %.20q..., %v; want %.20q...", round, i, got, err, want)
					return
				}
			}
			done <- nil
		}()
		if round%4 == 3 {
			runtime.GC() // chunks whose readers are done come back for reuse
		}
	}
	for range pending {
		require.NoError(t, <-done)
	}
}
