package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

func TestMembershipDefaults(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ a ]
consumer_group: g
`)
	require.NoError(t, err)
	assert.Equal(t, time.Second, in.commitPeriod)
	cl := optClient(t, in.opts)
	assert.Equal(t, 8*time.Second, cl.OptValue(kgo.SessionTimeout))
	assert.Equal(t, time.Second, cl.OptValue(kgo.HeartbeatInterval))
	assert.Equal(t, 30*time.Second, cl.OptValue(kgo.RebalanceTimeout))
	assert.Equal(t, "", cl.OptValue(kgo.InstanceID), "dynamic membership unless instance_id is set")
	balancers := cl.OptValue(kgo.Balancers).([]kgo.GroupBalancer)
	require.Len(t, balancers, 1)
	assert.Equal(t, "cooperative-sticky", balancers[0].ProtocolName())
}

func TestMembershipInstanceID(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ a ]
consumer_group: g
instance_id: transform-0
`)
	require.NoError(t, err)
	assert.Equal(t, "transform-0", optClient(t, in.opts).OptValue(kgo.InstanceID))

	// An empty instance_id (e.g. ${POD_NAME:} with the variable unset) is
	// dynamic membership.
	in, err = parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ a ]
consumer_group: g
instance_id: ""
`)
	require.NoError(t, err)
	assert.Equal(t, "", optClient(t, in.opts).OptValue(kgo.InstanceID))
}

func TestMembershipErrorsNameTheField(t *testing.T) {
	assertConfigErrors(t, func(yaml string) (*input, error) {
		return parseInput("seed_brokers: [x]\ntopics: [a]\nconsumer_group: g\n" + yaml)
	}, map[string]configError{
		"heartbeat past session": {"heartbeat_period: 10s\nsession_timeout: 10s",
			"field heartbeat_period: 10s is not shorter than session_timeout (10s)"},
		"zero session":   {"session_timeout: 0s", "field session_timeout: 0s is shorter than 1ms"},
		"zero rebalance": {"rebalance_timeout: 0s", "field rebalance_timeout: 0s is shorter than 1ms"},
	})
}

func TestMembershipLogsFencing(t *testing.T) {
	// Only the fencing error is logged by the hook; with a nil logger it
	// must not panic.
	fencingLogger{id: "x"}.OnGroupManageError(kerr.FencedInstanceID)
	fencingLogger{log: service.MockResources().Logger(), id: "x"}.OnGroupManageError(kerr.FencedInstanceID)
	fencingLogger{log: service.MockResources().Logger(), id: "x"}.OnGroupManageError(kerr.UnknownMemberID)
}

// A static member that stops without leaving (as a crash does) and comes
// back with its instance_id gets its partitions back well within its
// session timeout: kfake replaces the old member on the rejoin instead of
// waiting for its session to expire.
func TestMembershipStaticMemberRejoinsWithoutWaitingForItsSession(t *testing.T) {
	addr := startBroker(t, 2, "static")
	produce(t, addr, &kgo.Record{Topic: "static", Partition: 0, Value: []byte("a")},
		&kgo.Record{Topic: "static", Partition: 1, Value: []byte("b")})
	conf := func() string {
		return fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ static ]
  consumer_group: g-static
  instance_id: member-0
  session_timeout: 30s
  heartbeat_period: 200ms
  fetch_max_wait: 200ms
`, addr)
	}
	got := make(chan string, 16)
	consume := func(_ context.Context, b service.MessageBatch) error {
		for _, m := range b {
			v, _ := m.AsBytes()
			got <- string(v)
		}
		return nil
	}
	stop := stream{input: conf(), consume: consume}.run(t)
	for i := 0; i < 2; i++ {
		select {
		case <-got:
		case <-time.After(15 * time.Second):
			t.Fatal("the first member read nothing")
		}
	}
	stop() // a static member does not leave the group when it stops
	described, err := kadm.NewClient(newTestClient(t, addr)).DescribeGroups(context.Background(), "g-static")
	require.NoError(t, err)
	members := described["g-static"].Members
	require.Len(t, members, 1, "the stopped static member is still in the group, as after a crash")
	require.NotNil(t, members[0].InstanceID)
	assert.Equal(t, "member-0", *members[0].InstanceID)

	produce(t, addr, &kgo.Record{Topic: "static", Partition: 0, Value: []byte("c")},
		&kgo.Record{Topic: "static", Partition: 1, Value: []byte("d")})
	restarted := time.Now()
	stream{input: conf(), consume: consume}.run(t)
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case v := <-got:
			seen[v] = true
		case <-time.After(20 * time.Second):
			t.Fatalf("after 20s the restarted member has %v", seen)
		}
	}
	took := time.Since(restarted)
	t.Logf("the restarted static member read both partitions after %v (session_timeout 30s)", took)
	assert.Less(t, took, 15*time.Second, "it did not wait for its old session to expire")
	assert.Equal(t, map[string]bool{"c": true, "d": true}, seen, "the records committed before the stop are not read again")
}

// Under cooperative rebalancing a member gives up only some partitions: it
// commits and forgets those, and keeps tracking the others across the
// rebalance, so their in-flight records are committed when acknowledged
// and nothing of them is read twice.
func TestMembershipCooperativeRebalanceKeepsTheOtherPartitions(t *testing.T) {
	addr := startBroker(t, 4, "coop")
	var records []*kgo.Record
	for i := 0; i < 40; i++ {
		records = append(records, &kgo.Record{Topic: "coop", Partition: int32(i % 4), Value: []byte(fmt.Sprint(i))})
	}
	produce(t, addr, records...)
	release := holdOffset(t, 3) // offset 3 of every partition waits: 0-2 committable, 4-9 delivered but not

	type delivery struct {
		member    string
		partition int32
		offset    int
	}
	var mu sync.Mutex
	var got []delivery
	consumer := func(member string) service.MessageBatchHandlerFunc {
		return func(_ context.Context, b service.MessageBatch) error {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range b {
				p, _ := m.MetaGetMut(kafkameta.Partition)
				o, _ := m.MetaGetMut(kafkameta.Offset)
				got = append(got, delivery{member, int32(p.(int)), o.(int)})
			}
			return nil
		}
	}
	partitionsOf := func(member string) map[int32]int {
		mu.Lock()
		defer mu.Unlock()
		ps := map[int32]int{}
		for _, d := range got {
			if d.member == member {
				ps[d.partition]++
			}
		}
		return ps
	}
	conf := inputYAML(addr, "coop", "g-coop")
	stream{input: conf, threads: 8, processors: []string{"kafka_test_gate: {}"}, consume: consumer("a")}.run(t)
	waitFor(t, 10*time.Second, "member a delivering all but offset 3 of each partition", func() bool {
		ps := partitionsOf("a")
		return len(ps) == 4 && ps[0] == 9 && ps[1] == 9 && ps[2] == 9 && ps[3] == 9
	})
	waitFor(t, 5*time.Second, "offset 3 committed everywhere", func() bool {
		for p := int32(0); p < 4; p++ {
			if committed(t, addr, "g-coop", "coop", p) != 3 {
				return false
			}
		}
		return true
	})

	stream{input: conf, threads: 8, processors: []string{"kafka_test_gate: {}"}, consume: consumer("b")}.run(t)
	waitFor(t, 15*time.Second, "member b reading two partitions", func() bool { return len(partitionsOf("b")) == 2 })
	time.Sleep(500 * time.Millisecond)
	release()
	waitFor(t, 15*time.Second, "every partition committed to its end", func() bool {
		for p := int32(0); p < 4; p++ {
			if committed(t, addr, "g-coop", "coop", p) != 10 {
				return false
			}
		}
		return true
	})

	moved := partitionsOf("b")
	mu.Lock()
	defer mu.Unlock()
	count := map[delivery]int{}
	for _, d := range got {
		count[delivery{partition: d.partition, offset: d.offset}]++
	}
	for p := int32(0); p < 4; p++ {
		for o := 0; o < 10; o++ {
			n := count[delivery{partition: p, offset: o}]
			switch {
			case moved[p] > 0 && o >= 3:
				// Read again by b from the committed offset 3 (a's
				// offset 3 was still held when a gave the partition up).
				assert.GreaterOrEqual(t, n, 1, "partition %d offset %d", p, o)
			default:
				assert.Equal(t, 1, n, "partition %d offset %d: kept by a (or before the commit), delivered once", p, o)
			}
		}
	}
}

// Two processes with one instance_id fence each other; the fenced one says
// so as an error naming the field.
func TestMembershipFencedInstanceLogsAnError(t *testing.T) {
	addr := startBroker(t, 2, "fenced")
	produce(t, addr, &kgo.Record{Topic: "fenced", Partition: 0, Value: []byte("a")})
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	start := func() {
		sb := service.NewStreamBuilder()
		sb.SetLogger(logger)
		require.NoError(t, sb.AddInputYAML(fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ fenced ]
  consumer_group: g-fenced
  instance_id: same
  heartbeat_period: 200ms
  fetch_max_wait: 200ms
`, addr)))
		require.NoError(t, sb.AddBatchConsumerFunc(func(context.Context, service.MessageBatch) error { return nil }))
		st, err := sb.Build()
		require.NoError(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = st.Run(context.Background())
		}()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			_ = st.Stop(ctx)
			<-done
		})
	}
	start()
	waitFor(t, 10*time.Second, "the first member committing", func() bool { return committed(t, addr, "g-fenced", "fenced", 0) == 1 })
	start()
	waitFor(t, 15*time.Second, "an error about the shared instance_id", func() bool {
		return strings.Contains(logs.String(), `Field instance_id: another consumer joined the group with instance_id \"same\"`)
	})
}

// A batch of a partition revoked while it waited for the pipeline is not
// handed on: the partition's next owner reads it again.
func TestMembershipRevokedBatchesAreNotDelivered(t *testing.T) {
	in := &input{parts: map[topicPartition]*partitionState{}, log: service.MockResources().Logger()}
	in.batches, in.done = make(chan ackableBatch, 2), make(chan struct{})
	tp := topicPartition{"t", 0}
	in.mu.Lock()
	before := in.partitionLocked(tp)
	in.mu.Unlock()
	in.batches <- in.ackable(tp, before, service.MessageBatch{service.NewMessage([]byte("read before the revoke"))}, []int64{0})
	in.onRevoked(context.Background(), nil, map[string][]int32{"t": {0}}) // nothing acknowledged: nothing to commit
	in.mu.Lock()
	after := in.partitionLocked(tp) // assigned again
	in.mu.Unlock()
	in.batches <- in.ackable(tp, after, service.MessageBatch{service.NewMessage([]byte("read after"))}, []int64{0})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	batch, _, err := in.ReadBatch(ctx)
	require.NoError(t, err)
	require.Len(t, batch, 1)
	v, _ := batch[0].AsBytes()
	assert.Equal(t, "read after", string(v))
}
