package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
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
	assert.Equal(t, 10*time.Second, cl.OptValue(kgo.SessionTimeout))
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
	tests := map[string]struct{ yaml, want string }{
		"heartbeat past session": {"heartbeat_period: 10s\nsession_timeout: 10s",
			"field heartbeat_period: 10s is not shorter than session_timeout (10s)"},
		"zero session":   {"session_timeout: 0s", "field session_timeout: 0s is shorter than 1ms"},
		"zero rebalance": {"rebalance_timeout: 0s", "field rebalance_timeout: 0s is shorter than 1ms"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseInput("seed_brokers: [x]\ntopics: [a]\nconsumer_group: g\n" + tt.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
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
