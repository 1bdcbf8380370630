package main

// End-to-end tests, through the real binary against `benthos-wasm kafka-dev`,
// of the kafka_franz fields that follow Redpanda Connect's beyond the original
// set: multi_header, regexp_topics_include/_exclude, start_offset and
// transaction_isolation_level.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// values returns the values of records, sorted.
func values(records []*kgo.Record) []string {
	var vs []string
	for _, r := range records {
		vs = append(vs, string(r.Value))
	}
	sort.Strings(vs)
	return vs
}

// byValue indexes records by value (the last one wins).
func byValue(records []*kgo.Record) map[string]*kgo.Record {
	m := map[string]*kgo.Record{}
	for _, r := range records {
		m[string(r.Value)] = r
	}
	return m
}

func TestKafkaFieldsMultiHeaderReachesTheGuestAndOutput(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "in,out-multi,out-single")
	produceRecords(t, addr, []*kgo.Record{
		{Topic: "in", Value: []byte("repeated"), Headers: []kgo.RecordHeader{
			{Key: "the-header-in", Value: []byte("a")}, {Key: "x", Value: []byte("1")}, {Key: "the-header-in", Value: []byte("b")},
		}},
		{Topic: "in", Value: []byte("single"), Headers: []kgo.RecordHeader{{Key: "the-header-in", Value: []byte("only")}}},
	})
	pipeline := func(group, out string, multi bool) string {
		return writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ in ]
    consumer_group: %[2]s
    multi_header: %[4]v
    fetch_max_wait: 200ms
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: copy_header } # the-header-out = the-header-in
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: %[3]s
    metadata: { include_patterns: [ ".*" ] }
`, addr, group, out, multi))
	}
	runPipeline(t, pipeline("e2e-multi", "out-multi", true))
	runPipeline(t, pipeline("e2e-single", "out-single", false))
	multi, single := collect(t, addr, "out-multi"), collect(t, addr, "out-single")
	waitUntil(t, 60*time.Second, "2 records on out-multi and out-single", func() bool {
		return len(byValue(multi.snapshot())) >= 2 && len(byValue(single.snapshot())) >= 2
	})

	// multi_header: each name holds the list of its values, as text
	// `["a","b"]` for the guest's get_header and for the output's headers,
	// as in Redpanda Connect.
	got := byValue(multi.snapshot())
	for value, want := range map[string]map[string]string{
		"repeated": {"the-header-in": `["a","b"]`, "the-header-out": `["a","b"]`, "x": `["1"]`},
		"single":   {"the-header-in": `["only"]`, "the-header-out": `["only"]`},
	} {
		r := got[value]
		require.NotNil(t, r, value)
		for k, v := range want {
			h, ok := header(r, k)
			assert.True(t, ok, "record %s: header %s", value, k)
			assert.Equal(t, v, h, "record %s: header %s", value, k)
		}
	}
	// Without it, the last value wins.
	r := byValue(single.snapshot())["repeated"]
	require.NotNil(t, r)
	in, _ := header(r, "the-header-in")
	copied, _ := header(r, "the-header-out")
	assert.Equal(t, "b", in)
	assert.Equal(t, "b", copied)
}

func TestKafkaFieldsRegexpTopicsIncludeAndExclude(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "logs_a,logs_b,logs_secret,other,out")
	var records []*kgo.Record
	for _, topic := range []string{"logs_secret", "other", "logs_a", "logs_b"} {
		for i := 0; i < 3; i++ {
			records = append(records, &kgo.Record{Topic: topic, Value: []byte(fmt.Sprintf("%s-%d", topic, i))})
		}
	}
	produceRecords(t, addr, records)
	runPipeline(t, writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    regexp_topics_include: [ "logs_.*" ]
    regexp_topics_exclude: [ "logs_secret" ]
    consumer_group: e2e-regexp
    fetch_max_wait: 200ms
    metadata_max_age: 1s
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: out
`, addr)))
	out := collect(t, addr, "out")
	want := []string{"logs_a-0", "logs_a-1", "logs_a-2", "logs_b-0", "logs_b-1", "logs_b-2"}
	waitUntil(t, 60*time.Second, "the records of logs_a and logs_b on out", func() bool {
		return len(out.snapshot()) >= len(want)
	})

	// A matching topic created later is found at the next metadata refresh.
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, "logs_late")
	require.NoError(t, err)
	produceRecords(t, addr, []*kgo.Record{{Topic: "logs_late", Value: []byte("logs_late-0")}})
	want = append(want, "logs_late-0")
	waitUntil(t, 60*time.Second, "the record of logs_late, a topic created after the start", func() bool {
		return len(out.snapshot()) >= len(want)
	})
	time.Sleep(time.Second) // anything else would have come by now
	assert.Equal(t, want, values(out.snapshot()), "only topics matching logs_.*, never logs_secret or other")
}

func TestKafkaFieldsStartOffsetLatestAndCommitted(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "late,committed,out-late,out-committed", "--partitions", "2")
	var old []*kgo.Record
	for i := 0; i < 4; i++ {
		old = append(old, &kgo.Record{Topic: "late", Partition: int32(i % 2), Value: []byte(fmt.Sprintf("old-%d", i))})
	}
	for i := 0; i < 5; i++ {
		old = append(old, &kgo.Record{Topic: "committed", Partition: 0, Value: []byte(fmt.Sprintf("p0-%d", i))})
		old = append(old, &kgo.Record{Topic: "committed", Partition: 1, Value: []byte(fmt.Sprintf("p1-%d", i))})
	}
	produceRecords(t, addr, old)

	// committed: the group has a committed offset for partition 0 only.
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var offsets kadm.Offsets
	offsets.Add(kadm.Offset{Topic: "committed", Partition: 0, At: 3, LeaderEpoch: -1})
	resp, err := kadm.NewClient(cl).CommitOffsets(ctx, "e2e-committed", offsets)
	require.NoError(t, err)
	require.NoError(t, resp.Error())

	pipeline := func(topic, group, start, out string) string {
		return writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ %[2]s ]
    consumer_group: %[3]s
    start_offset: %[4]s
    fetch_max_wait: 200ms
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: %[5]s
`, addr, topic, group, start, out))
	}
	late := runPipeline(t, pipeline("late", "e2e-latest", "latest", "out-late"))
	committed := runPipeline(t, pipeline("committed", "e2e-committed", "committed", "out-committed"))
	outLate, outCommitted := collect(t, addr, "out-late"), collect(t, addr, "out-committed")

	// latest: records written before the group got its partitions never
	// come; new ones do. Write new records until one arrives.
	for i := 0; len(outLate.snapshot()) == 0; i++ {
		require.Less(t, i, 300, "no new record reached out-late in 60s")
		produceRecords(t, addr, []*kgo.Record{{Topic: "late", Partition: int32(i % 2), Value: []byte(fmt.Sprintf("new-%d", i))}})
		time.Sleep(200 * time.Millisecond)
	}

	// committed: partition 0 resumes at its committed offset 3; partition 1,
	// without a commit, is not read.
	waitUntil(t, 60*time.Second, "2 records on out-committed", func() bool { return len(outCommitted.snapshot()) >= 2 })
	time.Sleep(2 * time.Second)
	for _, v := range values(outLate.snapshot()) {
		assert.True(t, strings.HasPrefix(v, "new-"), "start_offset latest read %q, written before it started", v)
	}
	assert.Equal(t, []string{"p0-3", "p0-4"}, values(outCommitted.snapshot()))
	logged := committed.out.String()
	assert.Contains(t, logged, "Fetching topic committed partition 1: partition has no prior committed offset", "the partition not read is named")
	assert.Less(t, strings.Count(logged, "\n"), 50, "a partition without a commit must not flood the log:\n%s", logged)
	_ = late
}

func TestKafkaFieldsReadCommittedNeverDeliversAbortedRecords(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "tx,out-committed,out-uncommitted")

	// A transactional producer commits some transactions and aborts others,
	// ending with a committed one.
	producer, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.TransactionalID("e2e-fields-tx"))
	require.NoError(t, err)
	defer producer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var committedValues, abortedValues []string
	for txn := 0; txn < 6; txn++ {
		commit := txn%2 == 0 || txn == 5
		kind := "aborted"
		if commit {
			kind = "committed"
		}
		require.NoError(t, producer.BeginTransaction())
		var records []*kgo.Record
		for i := 0; i < 5; i++ {
			v := fmt.Sprintf("%s-%d-%d", kind, txn, i)
			records = append(records, &kgo.Record{Topic: "tx", Value: []byte(v)})
			if commit {
				committedValues = append(committedValues, v)
			} else {
				abortedValues = append(abortedValues, v)
			}
		}
		require.NoError(t, producer.ProduceSync(ctx, records...).FirstErr())
		require.NoError(t, producer.EndTransaction(ctx, kgo.TransactionEndTry(commit)))
	}
	sort.Strings(committedValues)
	require.NotEmpty(t, abortedValues)

	pipeline := func(level, out string) string {
		return writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ tx ]
    transaction_isolation_level: %[2]s
    fetch_max_wait: 200ms
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: to_upper }
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: %[3]s
`, addr, level, out))
	}
	runPipeline(t, pipeline("read_committed", "out-committed"))
	runPipeline(t, pipeline("read_uncommitted", "out-uncommitted"))
	committed, uncommitted := collect(t, addr, "out-committed"), collect(t, addr, "out-uncommitted")
	total := len(committedValues) + len(abortedValues)
	waitUntil(t, 60*time.Second, "every committed record through the guest, and every record with read_uncommitted", func() bool {
		return len(committed.snapshot()) >= len(committedValues) && len(uncommitted.snapshot()) >= total
	})
	time.Sleep(time.Second)

	upper := func(vs []string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, strings.ToUpper(v))
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, upper(committedValues), values(committed.snapshot()), "read_committed: the committed records only, each once")
	// The test can fail: without read_committed the aborted records come out.
	assert.Equal(t, upper(append(append([]string{}, committedValues...), abortedValues...)), values(uncommitted.snapshot()))
}

func TestKafkaFieldsLintThroughTheBinary(t *testing.T) {
	good := writeConfig(t, `
input:
  kafka_franz:
    seed_brokers: [ localhost:9092 ]
    regexp_topics_include: [ "logs_.*" ]
    regexp_topics_exclude: [ "logs_secret" ]
    consumer_group: g
    start_offset: committed
    transaction_isolation_level: read_committed
    multi_header: true
    fetch_max_bytes: 10MiB
    fetch_min_bytes: 1KiB
    fetch_max_partition_bytes: 2MiB
    request_timeout_overhead: 5s
    conn_idle_timeout: 30s
    tcp: { connect_timeout: 5s, keep_alive: { idle: 30s, interval: 10s, count: 3 }, tcp_user_timeout: 20s }
output:
  kafka_franz:
    seed_brokers: [ localhost:9092 ]
    topic: out
    rack_id: rack-1
    broker_write_max_bytes: 64MiB
    max_buffered_records: 1000
    max_buffered_bytes: 64MiB
    idempotent_write: false
    max_in_flight_requests: 5
    record_retries: 10
    record_delivery_timeout: 1m
    request_timeout_overhead: 5s
    conn_idle_timeout: 30s
    tcp: { connect_timeout: 5s }
`)
	out, err := benthosWasm(t, "lint", good)
	require.NoError(t, err, out)

	bad := writeConfig(t, `
input:
  kafka_franz:
    seed_brokers: [ localhost:9092 ]
    topics: [ a ]
    start_offset: committed
    sasl: [ { mechanism: AWS_MSK_IAM } ]
output:
  kafka_franz:
    seed_brokers: [ localhost:9092 ]
    topic: out
    max_in_flight_requests: 3
`)
	out, err = benthosWasm(t, "lint", bad)
	require.Error(t, err)
	for _, want := range []string{
		"field start_offset: committed needs a consumer_group",
		"field sasl: AWS_MSK_IAM is not supported by this distribution (it cannot be tested without AWS)",
		"field max_in_flight_requests: must be 1 with idempotent_write",
	} {
		assert.Contains(t, out, want)
	}
}
