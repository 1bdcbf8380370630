package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/kafka"
)

func TestRunKafkaDevPrintsItsAddressAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runKafkaDev(ctx, &out, kafka.DevBrokerConfig{Topics: []string{"a", "b"}, Partitions: 2}, devSecurity{}, noRegistry)
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "listening on 127.0.0.1:") },
		10*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("runKafkaDev did not stop when its context ended")
	}
	text := out.String()
	assert.Contains(t, text, "for development and tests only, NOT for production")
	assert.Contains(t, text, "topics a, b created")
	assert.Contains(t, text, "kafka-dev: stopped")
	assert.NotContains(t, text, "schema registry", "no registry unless asked for")
}

func TestRunKafkaDevRefusesARegistryPortItCannotHave(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port

	var out testutil.SyncBuffer
	err = runKafkaDev(context.Background(), &out, kafka.DevBrokerConfig{}, devSecurity{}, port)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("starting the in-memory schema registry on 127.0.0.1:%d: ", port))
	assert.Contains(t, err.Error(), "address already in use")
	assert.Empty(t, out.String(), "nothing is announced when the registry cannot start")

	err = runKafkaDev(context.Background(), &out, kafka.DevBrokerConfig{}, devSecurity{}, -2)
	require.EqualError(t, err, "schema registry port -2 is not a TCP port (-1: no registry)")
}

func TestKafkaDevHelpSaysItIsNotForProduction(t *testing.T) {
	out, err := benthosWasm(t, "kafka-dev", "--help")
	require.NoError(t, err, out)
	assert.Contains(t, out, "development and tests only, not for production")
	assert.Contains(t, out, "NOT for production")
	for _, flag := range []string{"--port", "--topics", "--partitions", "--schema-registry-port"} {
		assert.Contains(t, out, flag)
	}
}

// process is a benthos-wasm process started by a test, killed at its end.
type process struct {
	cmd  *exec.Cmd
	out  testutil.SyncBuffer // stdout and stderr
	done chan struct{}
	err  error // Wait's result, once done is closed
}

// startProcess starts the binary with args, from the repository root, with
// env added to the environment.
func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	p.cmd.Dir = repoRoot
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	require.NoError(t, p.cmd.Start())
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("output of %v:\n%s", args, p.out.String())
		}
	})
	return p
}

// wait waits for the process to exit, at most within.
func (p *process) wait(within time.Duration) (exited bool, err error) {
	select {
	case <-p.done:
		return true, p.err
	case <-time.After(within):
		return false, nil
	}
}

// startKafkaDev runs `benthos-wasm kafka-dev` on a free loopback port with
// the given flags and returns its address.
func startKafkaDev(t *testing.T, args ...string) (string, *process) {
	t.Helper()
	p := startProcess(t, nil, append([]string{"kafka-dev", "--port", "0"}, args...)...)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, rest, ok := strings.Cut(p.out.String(), "listening on "); ok && strings.Contains(rest, " ") {
			return strings.Fields(rest)[0], p
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("kafka-dev printed no address: %s", p.out.String())
	return "", nil
}

func TestKafkaDevServesTopicsUntilSIGTERM(t *testing.T) {
	addr, dev := startKafkaDev(t, "--topics", "a,b", "--partitions", "4")

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(cl).ListTopics(ctx)
	require.NoError(t, err)
	for _, name := range []string{"a", "b"} {
		require.True(t, topics.Has(name), "topic %s", name)
		assert.Len(t, topics[name].Partitions, 4)
	}

	require.NoError(t, dev.cmd.Process.Signal(syscall.SIGTERM))
	exited, err := dev.wait(10 * time.Second)
	require.True(t, exited, "kafka-dev did not stop on SIGTERM")
	assert.NoError(t, err, "kafka-dev exits cleanly on SIGTERM")
	assert.Contains(t, dev.out.String(), "kafka-dev: stopped")
}

func TestKafkaDevServesASchemaRegistry(t *testing.T) {
	addr, dev := startKafkaDev(t, "--schema-registry-port", "0")
	_, rest, ok := strings.Cut(dev.out.String(), "kafka-dev: in-memory schema registry (Confluent REST API) at ")
	require.True(t, ok, "kafka-dev prints the registry's URL before the broker's address: %s", dev.out.String())
	url := strings.Fields(rest)[0]
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	assert.NotEqual(t, "http://"+addr, url, "the registry has its own port")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := sr.NewClient(sr.URLs(url))
	require.NoError(t, err)
	const schema = `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`
	created, err := cl.CreateSchema(ctx, "orders-value", sr.Schema{Schema: schema, Type: sr.TypeAvro})
	require.NoError(t, err)
	assert.Equal(t, 1, created.Version)

	got, err := cl.SchemaByID(ctx, created.ID)
	require.NoError(t, err)
	assert.JSONEq(t, schema, got.Schema)
	assert.Equal(t, sr.TypeAvro, got.Type)
	subjects, err := cl.Subjects(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"orders-value"}, subjects)

	require.NoError(t, dev.cmd.Process.Signal(syscall.SIGTERM))
	exited, err := dev.wait(10 * time.Second)
	require.True(t, exited, "kafka-dev did not stop on SIGTERM")
	assert.NoError(t, err)
	_, err = cl.SchemaByID(ctx, created.ID)
	assert.Error(t, err, "the registry stops with kafka-dev")
}
