package main

// End-to-end tests of kafka_franz through the real binary: a `benthos-wasm
// kafka-dev` broker process, `benthos-wasm run` processes, and franz-go or
// kcat as the independent producer and consumer.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
)

// writeConfig writes a config file for `run`, returning its path.
func writeConfig(t *testing.T, conf string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipeline.yaml")
	require.NoError(t, os.WriteFile(path, []byte(conf), 0o600))
	return path
}

// runPipeline starts `benthos-wasm run` on a config with env added.
func runPipeline(t *testing.T, config string, env ...string) *process {
	t.Helper()
	return startProcess(t, env, "run", "--log.level", "warn", config)
}

// produceRecords writes records (to their Partition: the partitioner is
// manual) and waits for every acknowledgement.
func produceRecords(t *testing.T, addr string, records []*kgo.Record) {
	t.Helper()
	produceWith(t, []kgo.Opt{kgo.SeedBrokers(addr)}, records)
}

// produceWith writes records with the given client options (the
// partitioner is manual) and waits for every acknowledgement.
func produceWith(t *testing.T, opts []kgo.Opt, records []*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	require.NoError(t, cl.ProduceSync(ctx, records...).FirstErr())
}

// collector reads topics from the start in the background, keeping every
// record, until the test ends.
type collector struct {
	mu      sync.Mutex
	records []*kgo.Record
}

func collect(t *testing.T, addr string, topics ...string) *collector {
	t.Helper()
	return collectWith(t, []kgo.Opt{kgo.SeedBrokers(addr)}, topics...)
}

// collectWith is collect with the given client options.
func collectWith(t *testing.T, opts []kgo.Opt, topics ...string) *collector {
	t.Helper()
	c := &collector{}
	pollInBackground(t, append(opts, kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond)),
		func(records []*kgo.Record) {
			c.mu.Lock()
			c.records = append(c.records, records...)
			c.mu.Unlock()
		})
	return c
}

// pollInBackground consumes with a client of opts until the test ends,
// handing each poll's records to handle.
func pollInBackground(t *testing.T, opts []kgo.Opt, handle func([]*kgo.Record)) {
	t.Helper()
	cl, err := kgo.NewClient(opts...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			handle(cl.PollFetches(ctx).Records())
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		cl.Close()
	})
}

// snapshot returns the records collected so far.
func (c *collector) snapshot() []*kgo.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*kgo.Record(nil), c.records...)
}

// waitUntil polls cond until it holds, failing the test after within.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func header(r *kgo.Record, key string) (string, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

func TestKafkaE2EGuestSetsKeysAndHeaders(t *testing.T) {
	const n = 100
	addr, _ := startKafkaDev(t, "--topics", "in,out", "--partitions", "2")
	config := writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ in ]
    consumer_group: e2e-guest
    fetch_max_wait: 200ms
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: transform }   # key = value, value = upper(value)
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: copy_header } # the-header-out = the-header-in
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: out
    metadata: { include_patterns: [ ".*" ] }
`, addr))

	var records []*kgo.Record
	for i := 0; i < n; i++ {
		records = append(records, &kgo.Record{
			Topic: "in", Partition: int32(i % 2), Key: []byte(fmt.Sprintf("key-%d", i)), Value: []byte(fmt.Sprintf("value %d", i)),
			Headers: []kgo.RecordHeader{{Key: "the-header-in", Value: []byte(fmt.Sprintf("in-%d", i))}, {Key: "trace", Value: []byte("t")}},
		})
	}
	produceRecords(t, addr, records)
	runPipeline(t, config)
	out := collect(t, addr, "out")

	seen := map[string]*kgo.Record{}
	waitUntil(t, 60*time.Second, fmt.Sprintf("%d transformed records on topic out", n), func() bool {
		for _, r := range out.snapshot() {
			seen[string(r.Key)] = r
		}
		return len(seen) >= n
	})
	for i := 0; i < n; i++ {
		r := seen[fmt.Sprintf("value %d", i)]
		require.NotNil(t, r, "record %d: its key is its old value", i)
		assert.Equal(t, fmt.Sprintf("VALUE %d", i), string(r.Value))
		in, _ := header(r, "the-header-in")
		copied, _ := header(r, "the-header-out")
		trace, _ := header(r, "trace")
		assert.Equal(t, fmt.Sprintf("in-%d", i), in)
		assert.Equal(t, fmt.Sprintf("in-%d", i), copied, "record %d: the header the guest set", i)
		assert.Equal(t, "t", trace)
		for _, h := range r.Headers {
			assert.False(t, strings.HasPrefix(h.Key, "kafka_"), "record %d carries bookkeeping header %s", i, h.Key)
		}
	}
}

// kcat runs kcat with args and stdin, failing the test when kcat is
// missing: CI installs it.
func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatalf("kcat is required by this test (Debian package kcat): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	require.NoError(t, err, "kcat %v", args)
	return string(out)
}

func TestKafkaE2EExampleWithKcat(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "in,out")
	// -Z: an empty value is a NULL (tombstone); a line without ':' has a null key.
	kcat(t, "k1:hello\nk2:wasm world\nno key here\nk4:\n", "-P", "-b", addr, "-t", "in", "-K:", "-Z", "-H", "source=kcat", "-H", "lang=en")
	inLines := kcat(t, "", "-C", "-b", addr, "-t", "in", "-o", "beginning", "-e", "-q", "-f", "%k|%T\n")
	inTimestamps := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(inLines), "\n") {
		k, ts, _ := strings.Cut(l, "|")
		inTimestamps[k] = ts
	}

	runPipeline(t, "config/examples/kafka-to-kafka.yaml",
		"KAFKA_BROKERS="+addr, "KAFKA_INPUT_TOPIC=in", "KAFKA_OUTPUT_TOPIC=out", "KAFKA_GROUP=kcat-e2e")

	var lines []string
	waitUntil(t, 60*time.Second, "4 records on topic out", func() bool {
		out := kcat(t, "", "-C", "-b", addr, "-t", "out", "-o", "beginning", "-e", "-q",
			"-f", "key=%k keylen=%K value=%s valuelen=%S headers=%h ts=%T\n")
		lines = strings.Split(strings.TrimSpace(out), "\n")
		return len(lines) >= 4 && lines[0] != ""
	})
	assert.ElementsMatch(t, []string{
		"key=k1 keylen=2 value=HELLO valuelen=5 headers=lang=en,source=kcat ts=" + inTimestamps["k1"],
		"key=k2 keylen=2 value=WASM WORLD valuelen=10 headers=lang=en,source=kcat ts=" + inTimestamps["k2"],
		"key= keylen=-1 value=NO KEY HERE valuelen=11 headers=lang=en,source=kcat ts=" + inTimestamps[""],
		// The guest cannot read a tombstone's value: the record fails and goes on unchanged.
		"key=k4 keylen=2 value= valuelen=-1 headers=lang=en,source=kcat ts=" + inTimestamps["k4"],
	}, lines[:4])
}

func TestKafkaE2ETwoMembersSharePartitionsAndSurviveAKill(t *testing.T) {
	const n = 400
	addr, _ := startKafkaDev(t, "--topics", "work,done", "--partitions", "4")
	config := writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ work ]
    consumer_group: pair
    commit_period: 200ms
    session_timeout: 3s
    heartbeat_period: 300ms
    rebalance_timeout: 5s
    fetch_max_wait: 200ms
pipeline:
  threads: 1
  processors:
    - sleep: { duration: 10ms } # slow enough to kill a member mid-run
    - mapping: |
        meta processed_by = "${MEMBER}"
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: to_upper }
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: done
    metadata: { include_patterns: [ processed_by ] }
`, addr))

	var records []*kgo.Record
	for i := 0; i < n; i++ {
		records = append(records, &kgo.Record{Topic: "work", Partition: int32(i % 4), Value: []byte(fmt.Sprintf("r-%d", i))})
	}
	produceRecords(t, addr, records)
	out := collect(t, addr, "done")
	a := runPipeline(t, config, "MEMBER=a")
	runPipeline(t, config, "MEMBER=b")

	counts := func() (perMember map[string]int, distinct int) {
		perMember = map[string]int{}
		values := map[string]bool{}
		for _, r := range out.snapshot() {
			m, _ := header(r, "processed_by")
			perMember[m]++
			values[string(r.Value)] = true
		}
		return perMember, len(values)
	}
	waitUntil(t, 60*time.Second, "both members processing their share", func() bool {
		m, _ := counts()
		return m["a"] >= 20 && m["b"] >= 20
	})
	m, distinct := counts()
	require.Less(t, distinct, n, "the run ended before a member could be killed mid-way")
	t.Logf("before the kill: %v, %d distinct of %d", m, distinct, n)

	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	waitUntil(t, 90*time.Second, "every record on topic done", func() bool {
		_, distinct := counts()
		return distinct == n
	})
	m, _ = counts()
	t.Logf("after: %v (duplicates allowed)", m)
	assert.Greater(t, m["a"], 0)
	assert.Greater(t, m["b"], 0)
	values := map[string]bool{}
	for _, r := range out.snapshot() {
		values[string(r.Value)] = true
	}
	for i := 0; i < n; i++ {
		assert.True(t, values[fmt.Sprintf("R-%d", i)], "record %d processed", i)
	}
}

func TestKafkaE2EDeadLetterExample(t *testing.T) {
	const n = 60
	addr, _ := startKafkaDev(t, "--topics", "in,out,dlq", "--partitions", "2")
	var records []*kgo.Record
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("value %d", i)
		if i%3 == 0 {
			v = fmt.Sprintf("trap %d", i)
		}
		records = append(records, &kgo.Record{Topic: "in", Partition: int32(i % 2), Key: []byte(fmt.Sprint(i)), Value: []byte(v)})
	}
	produceRecords(t, addr, records)
	runPipeline(t, "config/examples/kafka-dead-letter.yaml", "KAFKA_BROKERS="+addr,
		"KAFKA_INPUT_TOPIC=in", "KAFKA_OUTPUT_TOPIC=out", "KAFKA_DEAD_LETTER_TOPIC=dlq", "KAFKA_GROUP=dlq-e2e")
	out := collect(t, addr, "out", "dlq")

	byKey := map[string]*kgo.Record{}
	waitUntil(t, 60*time.Second, "every record on out or dlq", func() bool {
		for _, r := range out.snapshot() {
			byKey[string(r.Key)] = r
		}
		return len(byKey) >= n
	})
	for i := 0; i < n; i++ {
		r := byKey[fmt.Sprint(i)]
		require.NotNil(t, r, "record %d", i)
		if i%3 == 0 {
			assert.Equal(t, "dlq", r.Topic, "record %d: the guest trapped", i)
			assert.Equal(t, fmt.Sprintf("trap %d", i), string(r.Value), "record %d goes on unchanged", i)
			reason, ok := header(r, "dead_letter_error")
			assert.True(t, ok)
			assert.Contains(t, reason, "trapped")
		} else {
			assert.Equal(t, "out", r.Topic, "record %d", i)
			assert.Equal(t, fmt.Sprintf("VALUE %d", i), string(r.Value))
		}
	}
}
