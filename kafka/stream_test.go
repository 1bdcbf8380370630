package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// gate holds the messages of chosen offsets in a pipeline processor until
// released, so that later messages overtake them and acks arrive out of
// order.
var gate = struct {
	sync.Mutex
	hold map[int]chan struct{}
}{hold: map[int]chan struct{}{}}

type gateProcessor struct{}

func (gateProcessor) Process(ctx context.Context, msg *service.Message) (service.MessageBatch, error) {
	v, _ := msg.MetaGetMut(kafkameta.Offset)
	offset, _ := v.(int)
	gate.Lock()
	ch := gate.hold[offset]
	gate.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return service.MessageBatch{msg}, nil
}

func (gateProcessor) Close(context.Context) error { return nil }

func init() {
	err := service.RegisterProcessor("kafka_test_gate", service.NewConfigSpec(),
		func(*service.ParsedConfig, *service.Resources) (service.Processor, error) {
			return gateProcessor{}, nil
		})
	if err != nil {
		panic(err)
	}
}

// holdOffset makes the gate hold offset until the returned func is called.
func holdOffset(t *testing.T, offset int) (release func()) {
	ch := make(chan struct{})
	gate.Lock()
	gate.hold[offset] = ch
	gate.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(ch)
			gate.Lock()
			delete(gate.hold, offset)
			gate.Unlock()
		})
	}
	t.Cleanup(release)
	return release
}

// offsets collects the kafka_offset of every message an output receives.
type offsets struct {
	sync.Mutex
	got []int
}

func (o *offsets) add(b service.MessageBatch) {
	o.Lock()
	defer o.Unlock()
	for _, m := range b {
		v, _ := m.MetaGetMut(kafkameta.Offset)
		n, _ := v.(int)
		o.got = append(o.got, n)
	}
}

func (o *offsets) len() int {
	o.Lock()
	defer o.Unlock()
	return len(o.got)
}

func (o *offsets) sorted() []int {
	o.Lock()
	defer o.Unlock()
	s := append([]int(nil), o.got...)
	sort.Ints(s)
	return s
}

func values(n int, topic string) []*kgo.Record {
	var rs []*kgo.Record
	for i := 0; i < n; i++ {
		rs = append(rs, &kgo.Record{Topic: topic, Value: []byte(strconv.Itoa(i))})
	}
	return rs
}

func TestStreamRoundTripsKeysHeadersTimestampsAndTombstones(t *testing.T) {
	addr := startBroker(t, 1, "in", "out")
	ts := func(ms int64) time.Time { return time.UnixMilli(1700000000000 + ms) }
	h := func(kv ...string) []kgo.RecordHeader {
		var hs []kgo.RecordHeader
		for i := 0; i < len(kv); i += 2 {
			hs = append(hs, kgo.RecordHeader{Key: kv[i], Value: []byte(kv[i+1])})
		}
		return hs
	}
	in := []*kgo.Record{
		{Topic: "in", Key: []byte("k1"), Value: []byte("v1"), Timestamp: ts(1), Headers: h("id", "1", "color", "red")},
		{Topic: "in", Key: nil, Value: []byte("null key"), Timestamp: ts(2), Headers: h("id", "2")},
		{Topic: "in", Key: []byte{}, Value: []byte{}, Timestamp: ts(3), Headers: h("id", "3", "empty", "")},
		{Topic: "in", Key: []byte("k4"), Value: nil, Timestamp: ts(4), Headers: h("id", "4")},
		{Topic: "in", Key: []byte{0xff, 0x00, 0x80}, Value: []byte{0x00, 0xfe}, Timestamp: ts(5), Headers: h("id", "5")},
	}
	produce(t, addr, in...)

	stream{input: inputYAML(addr, "in", "g-roundtrip"), output: fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topic: out
  metadata:
    include_patterns: [ ".*" ]
`, addr)}.run(t)

	out := consumeN(t, addr, "out", len(in))
	byID := map[string]*kgo.Record{}
	for _, r := range out {
		for _, hd := range r.Headers {
			if hd.Key == "id" {
				byID[string(hd.Value)] = r
			}
		}
	}
	require.Len(t, byID, len(in))
	for _, want := range in {
		got := byID[string(want.Headers[0].Value)]
		require.NotNil(t, got)
		id := string(want.Headers[0].Value)
		assert.Equal(t, want.Key, got.Key, "record %s key", id)
		assert.Equal(t, want.Key == nil, got.Key == nil, "record %s: null key stays null, empty stays empty", id)
		assert.Equal(t, want.Value, got.Value, "record %s value", id)
		assert.Equal(t, want.Value == nil, got.Value == nil, "record %s: a tombstone stays a tombstone", id)
		assert.True(t, want.Timestamp.Equal(got.Timestamp), "record %s timestamp %v, got %v", id, want.Timestamp, got.Timestamp)
		wantHeaders := append([]kgo.RecordHeader(nil), want.Headers...)
		sort.Slice(wantHeaders, func(i, j int) bool { return wantHeaders[i].Key < wantHeaders[j].Key })
		assert.Equal(t, wantHeaders, got.Headers, "record %s headers: the same, no kafka_* bookkeeping", id)
	}
}

func TestStreamCommitsOnlyTheAcknowledgedPrefix(t *testing.T) {
	addr := startBroker(t, 1, "acks")
	produce(t, addr, values(10, "acks")...)
	release := holdOffset(t, 3)

	var got offsets
	stream{
		input: inputYAML(addr, "acks", "g-acks"), threads: 4, processors: []string{"kafka_test_gate: {}"},
		consume: func(_ context.Context, b service.MessageBatch) error {
			got.add(b)
			return nil
		},
	}.run(t)

	waitFor(t, 10*time.Second, "every message but offset 3 delivered", func() bool { return got.len() == 9 })
	assert.Equal(t, []int{0, 1, 2, 4, 5, 6, 7, 8, 9}, got.sorted())
	waitFor(t, 5*time.Second, "offsets 0-2 committed", func() bool { return committed(t, addr, "g-acks", "acks", 0) == 3 })
	time.Sleep(300 * time.Millisecond) // six commit periods
	assert.Equal(t, int64(3), committed(t, addr, "g-acks", "acks", 0),
		"offsets 4-9 are acknowledged but 3 is not: nothing past 3 may be committed")

	release()
	waitFor(t, 5*time.Second, "offset 3 delivered", func() bool { return got.len() == 10 })
	waitFor(t, 5*time.Second, "every offset committed", func() bool { return committed(t, addr, "g-acks", "acks", 0) == 10 })
}

func TestStreamRetriesNackedMessagesBeforeCommittingThem(t *testing.T) {
	addr := startBroker(t, 1, "nacks")
	produce(t, addr, values(10, "nacks")...)

	var (
		got        offsets
		mu         sync.Mutex
		refusals   int
		seenCommit []int64 // committed offset each time offset 5 was refused
	)
	stream{input: inputYAML(addr, "nacks", "g-nacks"), threads: 1,
		consume: func(_ context.Context, b service.MessageBatch) error {
			for _, m := range b {
				if v, _ := m.MetaGetMut(kafkameta.Offset); v == 5 {
					mu.Lock()
					refuse := refusals < 3
					if refuse {
						refusals++
						c, err := fetchCommitted(addr, "g-nacks", "nacks", 0)
						if err == nil {
							seenCommit = append(seenCommit, c)
						}
					}
					mu.Unlock()
					if refuse {
						return errors.New("output refuses offset 5")
					}
				}
			}
			got.add(b)
			return nil
		}}.run(t)

	waitFor(t, 15*time.Second, "every message delivered", func() bool { return got.len() >= 10 })
	waitFor(t, 5*time.Second, "every offset committed", func() bool { return committed(t, addr, "g-nacks", "nacks", 0) == 10 })
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 3, refusals)
	for _, c := range seenCommit {
		assert.LessOrEqual(t, c, int64(5), "offset 5 was not delivered: the commit must not pass it")
	}
	assert.Contains(t, got.sorted(), 5, "the refused message was retried until delivered")
}

func TestStreamWithoutAutoReplayDropsRejectedMessages(t *testing.T) {
	addr := startBroker(t, 1, "drop")
	produce(t, addr, values(10, "drop")...)

	var got, refused offsets
	stream{
		input: inputYAML(addr, "drop", "g-drop") + "  auto_replay_nacks: false\n", threads: 1,
		consume: func(_ context.Context, b service.MessageBatch) error {
			if v, _ := b[0].MetaGetMut(kafkameta.Offset); v == 5 {
				refused.add(b)
				return errors.New("output refuses offset 5")
			}
			got.add(b)
			return nil
		},
	}.run(t)

	waitFor(t, 10*time.Second, "every offset committed", func() bool { return committed(t, addr, "g-drop", "drop", 0) == 10 })
	assert.Equal(t, []int{0, 1, 2, 3, 4, 6, 7, 8, 9}, got.sorted())
	assert.Equal(t, []int{5}, refused.sorted(), "a rejected message is dropped, not retried, as in Redpanda Connect")
}

func TestStreamRebalanceLosesNothing(t *testing.T) {
	const n = 400
	addr := startBroker(t, 4, "rb")
	var records []*kgo.Record
	for i := 0; i < n; i++ {
		records = append(records, &kgo.Record{Topic: "rb", Partition: int32(i % 4), Value: []byte(strconv.Itoa(i))})
	}
	produce(t, addr, records...)

	var mu sync.Mutex
	seen := map[string]int{}
	perMember := map[string]int{}
	consumer := func(member string) service.MessageBatchHandlerFunc {
		return func(_ context.Context, b service.MessageBatch) error {
			time.Sleep(5 * time.Millisecond) // slow enough for the second member to join mid-way
			mu.Lock()
			defer mu.Unlock()
			for _, m := range b {
				v, _ := m.AsBytes()
				seen[string(v)]++
				perMember[member]++
			}
			return nil
		}
	}
	count := func(member string) int {
		mu.Lock()
		defer mu.Unlock()
		if member == "" {
			return len(seen)
		}
		return perMember[member]
	}

	conf := inputYAML(addr, "rb", "g-rb")
	stopA := stream{input: conf, threads: 1, consume: consumer("a")}.run(t)
	waitFor(t, 10*time.Second, "member a reading", func() bool { return count("a") > 20 })
	stream{input: conf, threads: 1, consume: consumer("b")}.run(t)
	waitFor(t, 10*time.Second, "member b given partitions", func() bool { return count("b") > 0 })
	stopA() // a leaves: its partitions move to b, from what a committed
	waitFor(t, 20*time.Second, "every record delivered", func() bool { return count("") == n })

	assert.Greater(t, count("a"), 0)
	assert.Greater(t, count("b"), 0)
	waitFor(t, 5*time.Second, "every offset committed", func() bool {
		var sum int64
		for p := int32(0); p < 4; p++ {
			sum += committed(t, addr, "g-rb", "rb", p)
		}
		return sum == n
	})
}
