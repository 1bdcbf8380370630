package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

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

// selfSignedCert makes a certificate for 127.0.0.1 and writes its PEM to a
// file, for root_cas_file.
func selfSignedCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kafka-dev test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, path
}

func TestTLS(t *testing.T) {
	cert, caFile := selfSignedCert(t)
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
