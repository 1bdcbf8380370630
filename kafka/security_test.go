package kafka

import (
	"context"
	"crypto/tls"
	"fmt"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// writeThenRead writes one record with the output component, then reads it
// back with the input component; both connect with the given fields.
func writeThenRead(t *testing.T, addr, topic, connFields string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	out, err := parseOutput(fmt.Sprintf("seed_brokers: [ %q ]\ntopic: %s\n%s", addr, topic, connFields))
	require.NoError(t, err)
	require.NoError(t, out.Connect(ctx))
	defer out.Close(ctx)
	msg := service.NewMessage([]byte("secret value"))
	msg.MetaSetMut(kafkameta.Key, "k")
	require.NoError(t, out.WriteBatch(ctx, service.MessageBatch{msg}))

	in, err := parseInput(fmt.Sprintf("seed_brokers: [ %q ]\ntopics: [ %s ]\nfetch_max_wait: 200ms\n%s", addr, topic, connFields))
	require.NoError(t, err)
	require.NoError(t, in.Connect(ctx))
	defer in.Close(ctx)
	batch, ack, err := in.ReadBatch(ctx)
	require.NoError(t, err)
	require.Len(t, batch, 1)
	b, err := batch[0].AsBytes()
	require.NoError(t, err)
	assert.Equal(t, "secret value", string(b))
	k, _ := batch[0].MetaGet(kafkameta.Key)
	assert.Equal(t, "k", k)
	require.NoError(t, ack(ctx, nil))
}

func TestSASLMechanisms(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.AllowAutoTopicCreation(),
		kfake.Superuser("PLAIN", "plain-user", "plain-pass"),
		kfake.Superuser("SCRAM-SHA-256", "scram256-user", "scram256-pass"),
		kfake.Superuser("SCRAM-SHA-512", "scram512-user", "scram512-pass"),
	)
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]

	for i, m := range []struct{ mechanism, user, pass string }{
		{"PLAIN", "plain-user", "plain-pass"},
		{"SCRAM-SHA-256", "scram256-user", "scram256-pass"},
		{"SCRAM-SHA-512", "scram512-user", "scram512-pass"},
	} {
		t.Run(m.mechanism, func(t *testing.T) {
			writeThenRead(t, addr, fmt.Sprintf("sasl-%d", i), fmt.Sprintf(
				"sasl: [ { mechanism: %s, username: %s, password: %s } ]", m.mechanism, m.user, m.pass))
		})
	}

	t.Run("wrong password fails Connect", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := parseOutput(fmt.Sprintf("seed_brokers: [ %q ]\ntopic: t\nsasl: [ { mechanism: SCRAM-SHA-256, username: scram256-user, password: wrong } ]", addr))
		require.NoError(t, err)
		err = out.Connect(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "reaching the brokers")
	})
}

func TestTLS(t *testing.T) {
	cert, caFile := testutil.SelfSignedCert(t, "kafka-dev test")
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]

	writeThenRead(t, addr, "tls", fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }", caFile))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := parseOutput(fmt.Sprintf("seed_brokers: [ %q ]\ntopic: t\ntls: { enabled: true }", addr))
	require.NoError(t, err)
	assert.Error(t, out.Connect(ctx), "a certificate the client does not trust fails Connect")
}
