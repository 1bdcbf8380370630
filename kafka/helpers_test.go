package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	// The streams under test use pure components (mapping, inproc, ...).
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
)

// startBroker starts a development broker with topics of the given
// partition count, stopped at the end of the test.
func startBroker(t *testing.T, partitions int, topics ...string) string {
	t.Helper()
	b, err := StartDevBroker(DevBrokerConfig{Port: 0, Topics: topics, Partitions: partitions})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return b.Addr()
}

// newTestClient is a franz-go client for the test's own producing and
// checking, closed at the end of the test.
func newTestClient(t *testing.T, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return cl
}

// produce writes records and waits until every one is acknowledged.
func produce(t *testing.T, addr string, records ...*kgo.Record) {
	t.Helper()
	cl := newTestClient(t, addr, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.AllowAutoTopicCreation())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, cl.ProduceSync(ctx, records...).FirstErr())
}

// consumeN reads topic from the start until n records arrived.
func consumeN(t *testing.T, addr, topic string, n int) []*kgo.Record {
	t.Helper()
	cl := newTestClient(t, addr, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []*kgo.Record
	for len(got) < n {
		fetches := cl.PollFetches(ctx)
		require.NoError(t, ctx.Err(), "got %d of %d records from %s", len(got), n, topic)
		got = append(got, fetches.Records()...)
	}
	return got
}

// committed returns the group's committed offset of a partition (-1 if none).
func committed(t *testing.T, addr, group, topic string, partition int32) int64 {
	t.Helper()
	at, err := fetchCommitted(addr, group, topic, partition)
	require.NoError(t, err)
	return at
}

// fetchCommitted asks the broker for a group's committed offset of a
// partition (-1 if none); usable outside the test goroutine.
func fetchCommitted(addr, group, topic string, partition int32) (int64, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	offsets, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return -1, nil // nothing committed yet
	}
	if err != nil {
		return 0, err
	}
	o, ok := offsets.Lookup(topic, partition)
	if !ok {
		return -1, nil
	}
	return o.At, o.Err
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stream describes a stream under test: a kafka_franz input, pipeline
// threads and processors, and either an output (YAML) or a consumer func.
type stream struct {
	input      string
	threads    int
	processors []string
	output     string
	consume    service.MessageBatchHandlerFunc
}

// run builds and runs the stream. The returned stop ends it gracefully; the
// test's cleanup stops it too.
func (s stream) run(t *testing.T) (stop func()) {
	t.Helper()
	sb := service.NewStreamBuilder()
	require.NoError(t, sb.SetLoggerYAML("level: warn"))
	require.NoError(t, sb.AddInputYAML(s.input))
	if s.threads > 0 {
		sb.SetThreads(s.threads)
	}
	for _, p := range s.processors {
		require.NoError(t, sb.AddProcessorYAML(p))
	}
	if s.consume != nil {
		require.NoError(t, sb.AddBatchConsumerFunc(s.consume))
	} else {
		require.NoError(t, sb.AddOutputYAML(s.output))
	}
	st, err := sb.Build()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- st.Run(context.Background()) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := st.Stop(ctx); err != nil {
				t.Errorf("stopping the stream: %v", err)
			}
			<-done
		})
	}
	t.Cleanup(stop)
	return stop
}

// inputYAML is a kafka_franz input reading topic as group, committing often.
func inputYAML(addr, topic, group string) string {
	return fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ %q ]
  consumer_group: %q
  commit_period: 50ms
  session_timeout: 6s
  heartbeat_period: 200ms
  fetch_max_wait: 200ms
`, addr, topic, group)
}
