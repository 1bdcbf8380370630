package kafka

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

func TestDevBrokerCreatesTopicsWithPartitions(t *testing.T) {
	b, err := StartDevBroker(DevBrokerConfig{Topics: []string{"a", "b"}, Partitions: 3})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	host, _, err := net.SplitHostPort(b.Addr())
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", host, "loopback only")

	adm := kadm.NewClient(newTestClient(t, b.Addr()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics, err := adm.ListTopics(ctx)
	require.NoError(t, err)
	for _, name := range []string{"a", "b"} {
		require.True(t, topics.Has(name), "topic %s", name)
		assert.Len(t, topics[name].Partitions, 3, "topic %s", name)
	}

	// Topics not listed are created on first use, with the same partitions.
	produce(t, b.Addr(), &kgo.Record{Topic: "c", Value: []byte("x")})
	topics, err = adm.ListTopics(ctx, "c")
	require.NoError(t, err)
	assert.Len(t, topics["c"].Partitions, 3)
	assert.Len(t, consumeN(t, b.Addr(), "c", 1), 1)
}

func TestDevBrokerDefaultsToOnePartition(t *testing.T) {
	b, err := StartDevBroker(DevBrokerConfig{Topics: []string{"a"}})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(newTestClient(t, b.Addr())).ListTopics(ctx, "a")
	require.NoError(t, err)
	assert.Len(t, topics["a"].Partitions, 1)
}

func TestDevBrokerListensOnTheGivenPort(t *testing.T) {
	port := testutil.FreePort(t)
	b, err := StartDevBroker(DevBrokerConfig{Port: port})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port), b.Addr())

	_, err = StartDevBroker(DevBrokerConfig{Port: port})
	assert.ErrorContains(t, err, "starting the broker on 127.0.0.1:"+strconv.Itoa(port))
}

func TestDevBrokerRejectsBadConfig(t *testing.T) {
	_, err := StartDevBroker(DevBrokerConfig{Port: 70000})
	assert.ErrorContains(t, err, "port 70000 is not a TCP port")
	_, err = StartDevBroker(DevBrokerConfig{Partitions: -1})
	assert.ErrorContains(t, err, "partitions: -1 is not a partition count")
	_, err = StartDevBroker(DevBrokerConfig{Topics: []string{"a", ""}})
	assert.ErrorContains(t, err, "topics: empty topic name")
}
