package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

func TestDevBrokerDataDirKeepsRecordsOffsetsAndTopics(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	port := testutil.FreePort(t)
	b, err := StartDevBroker(DevBrokerConfig{Port: port, Topics: []string{"a"}, Partitions: 2, DataDir: dir})
	require.NoError(t, err)
	assert.False(t, b.Restored(), "a new directory")
	var records []*kgo.Record
	for i := 0; i < 6; i++ {
		records = append(records, &kgo.Record{Topic: "a", Partition: int32(i % 2), Value: []byte(fmt.Sprint(i))})
	}
	produce(t, b.Addr(), records...)
	_, err = StartDevBroker(DevBrokerConfig{DataDir: dir})
	assert.ErrorContains(t, err, "data directory "+dir+" is in use by another broker")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	adm := kadm.NewClient(newTestClient(t, b.Addr()))
	offsets := kadm.Offsets{}
	offsets.AddOffset("a", 0, 2, -1)
	offsets.AddOffset("a", 1, 1, -1)
	_, err = adm.CommitOffsets(ctx, "g", offsets)
	require.NoError(t, err)
	b.Close()

	// Started again on the same directory, with one more topic.
	b, err = StartDevBroker(DevBrokerConfig{Port: port, Topics: []string{"a", "b"}, Partitions: 3, DataDir: dir})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	assert.True(t, b.Restored())
	got := consumeN(t, b.Addr(), "a", 6)
	assert.Len(t, got, 6, "every record kept")
	assert.Equal(t, int64(2), committed(t, b.Addr(), "g", "a", 0), "committed offsets kept")
	assert.Equal(t, int64(1), committed(t, b.Addr(), "g", "a", 1))
	topics, err := kadm.NewClient(newTestClient(t, b.Addr())).ListTopics(ctx)
	require.NoError(t, err)
	assert.Len(t, topics["a"].Partitions, 2, "a kept topic keeps its partition count")
	require.True(t, topics.Has("b"), "a topic missing from the directory is created")
	assert.Len(t, topics["b"].Partitions, 3)
}

func TestDevBrokerUsersAreThoseOfEachStart(t *testing.T) {
	dir := t.TempDir()
	login := func(addr, pass string) error {
		cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.SASL(scram.Auth{User: "u", Pass: pass}.AsSha256Mechanism()))
		require.NoError(t, err)
		defer cl.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return cl.Ping(ctx)
	}
	b, err := StartDevBroker(DevBrokerConfig{DataDir: dir, Users: []DevUser{{"SCRAM-SHA-256", "u", "one"}}})
	require.NoError(t, err)
	require.NoError(t, login(b.Addr(), "one"))
	b.Close()

	b, err = StartDevBroker(DevBrokerConfig{DataDir: dir, Users: []DevUser{{"SCRAM-SHA-256", "u", "two"}}})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	assert.NoError(t, login(b.Addr(), "two"))
	assert.Error(t, login(b.Addr(), "one"), "the password of the last start, not the saved one")
}

func TestDevBrokerRejectsBadSecurityConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  DevBrokerConfig
		want string
	}{
		{DevBrokerConfig{Users: []DevUser{{"GSSAPI", "u", "p"}}}, `SASL user "u": unknown mechanism "GSSAPI"`},
		{DevBrokerConfig{Users: []DevUser{{"PLAIN", "", "p"}}}, "SASL user of PLAIN: empty user name"},
		{DevBrokerConfig{Users: []DevUser{{"PLAIN", "u", ""}}}, `SASL user "u": empty password`},
		{DevBrokerConfig{Users: []DevUser{{"PLAIN", "u", "p"}, {"PLAIN", "u", "q"}}}, `SASL user "u" of PLAIN given twice`},
		{DevBrokerConfig{SyncWrites: true}, "sync writes need a data directory"},
	} {
		_, err := StartDevBroker(c.cfg)
		assert.ErrorContains(t, err, c.want)
	}
}

func TestDevBrokerTLSWithItsSelfSignedCert(t *testing.T) {
	cert, caPEM, err := DevSelfSignedCert()
	require.NoError(t, err)
	b, err := StartDevBroker(DevBrokerConfig{TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		Users: []DevUser{{"SCRAM-SHA-512", "u", "p"}}})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, caPEM, 0o600))

	writeThenRead(t, b.Addr(), "t", fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }\nsasl: [ { mechanism: SCRAM-SHA-512, username: u, password: p } ]", caFile))

	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		_, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host})
		assert.NoError(t, err, "valid for %s", host)
	}
}

func TestConnectErrorsNameTheBrokersAndTheCause(t *testing.T) {
	cert, caPEM, err := DevSelfSignedCert()
	require.NoError(t, err)
	b, err := StartDevBroker(DevBrokerConfig{TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		Users: []DevUser{{"SCRAM-SHA-256", "u", "p"}}})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, caPEM, 0o600))

	connect := func(fields string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := parseOutput(fmt.Sprintf("seed_brokers: [ %q ]\ntopic: t\n%s", b.Addr(), fields))
		require.NoError(t, err)
		return out.Connect(ctx)
	}
	err = connect("tls: { enabled: true }\nsasl: [ { mechanism: SCRAM-SHA-256, username: u, password: p } ]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reaching the brokers "+b.Addr()+": the broker's TLS certificate is not trusted")
	assert.Contains(t, err.Error(), "x509: certificate signed by unknown authority")

	err = connect(fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }\nsasl: [ { mechanism: SCRAM-SHA-256, username: u, password: wrong } ]", caFile))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reaching the brokers "+b.Addr()+": the broker closed the connection while logging in with SASL SCRAM-SHA-256")

	assert.NoError(t, connect(fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }\nsasl: [ { mechanism: SCRAM-SHA-256, username: u, password: p } ]", caFile)))
}

func TestLoadOrMakeDevCertKeepsItsCertificate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cert.pem")
	cert, caPEM, reused, err := LoadOrMakeDevCert(path)
	require.NoError(t, err)
	assert.False(t, reused)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "it holds the private key")

	again, caPEM2, reused, err := LoadOrMakeDevCert(path)
	require.NoError(t, err)
	assert.True(t, reused)
	assert.Equal(t, caPEM, caPEM2)
	assert.Equal(t, cert.Certificate, again.Certificate)

	require.NoError(t, os.WriteFile(path, []byte("not a certificate"), 0o600))
	_, caPEM3, reused, err := LoadOrMakeDevCert(path)
	require.NoError(t, err)
	assert.False(t, reused, "an unreadable file is replaced")
	assert.NotEqual(t, caPEM, caPEM3)
}
