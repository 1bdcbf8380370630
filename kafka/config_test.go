package kafka

import (
	"fmt"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

func parseInput(yaml string) (*input, error) {
	conf, err := inputSpec().ParseYAML(yaml, nil)
	if err != nil {
		return nil, err
	}
	return newInput(conf, service.MockResources())
}

// configError is a config and the text its error must contain.
type configError struct{ yaml, want string }

// assertConfigErrors checks that parse refuses every config of tests with
// an error containing its want.
func assertConfigErrors[T any](t *testing.T, parse func(string) (T, error), tests map[string]configError) {
	t.Helper()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parse(tt.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func parseOutput(yaml string) (*output, error) {
	conf, err := outputSpec().ParseYAML(yaml, nil)
	if err != nil {
		return nil, err
	}
	return newOutput(conf, nil)
}

// optClient builds (without connecting) a client from opts, to read back
// the options a config produced.
func optClient(t *testing.T, opts []kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(opts...)
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return cl
}

func mechanismNames(v any) []string {
	var names []string
	for _, m := range v.([]sasl.Mechanism) {
		names = append(names, m.Name())
	}
	return names
}

func TestInputConfigEveryField(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1,127.0.0.1:2", "127.0.0.1:3" ]
topics: [ "a,b", "c" ]
regexp_topics: true
consumer_group: g1
client_id: my-client
rack_id: rack-1
checkpoint_limit: 7
auto_replay_nacks: false
commit_period: 250ms
start_from_oldest: false
session_timeout: 6s
heartbeat_period: 1s
rebalance_timeout: 9s
fetch_max_wait: 700ms
metadata_max_age: 30s
tls:
  enabled: true
  skip_cert_verify: true
sasl:
  - mechanism: SCRAM-SHA-512
    username: u
    password: p
  - mechanism: none
  - mechanism: PLAIN
    username: u
    password: p
batching:
  count: 3
  period: 1s
`)
	require.NoError(t, err)
	assert.Equal(t, "g1", in.group)
	assert.Equal(t, 7, in.checkpointLimit)
	assert.False(t, in.replayNacks)
	assert.Equal(t, 250*time.Millisecond, in.commitPeriod)
	assert.False(t, in.batchPolicy.IsNoop())

	cl := optClient(t, in.opts)
	assert.Equal(t, []string{"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}, cl.OptValue(kgo.SeedBrokers))
	assert.Equal(t, []string{"a", "b", "c"}, cl.OptValue(kgo.ConsumeTopics))
	assert.Equal(t, true, cl.OptValue(kgo.ConsumeRegex))
	assert.Equal(t, "g1", cl.OptValue(kgo.ConsumerGroup))
	assert.Equal(t, "my-client", cl.OptValue(kgo.ClientID))
	assert.Equal(t, "rack-1", cl.OptValue(kgo.Rack))
	assert.Equal(t, kgo.NewOffset().AtEnd(), cl.OptValue(kgo.ConsumeResetOffset))
	assert.Equal(t, 6*time.Second, cl.OptValue(kgo.SessionTimeout))
	assert.Equal(t, time.Second, cl.OptValue(kgo.HeartbeatInterval))
	assert.Equal(t, 9*time.Second, cl.OptValue(kgo.RebalanceTimeout))
	assert.Equal(t, 30*time.Second, cl.OptValue(kgo.MetadataMaxAge))
	assert.Equal(t, 700*time.Millisecond, cl.OptValue(kgo.FetchMaxWait))
	assert.Equal(t, true, cl.OptValue(kgo.DisableAutoCommit), "offsets are committed by the input, after acks")
	assert.Equal(t, true, cl.OptValue(kgo.BlockRebalanceOnPoll))
	assert.NotNil(t, cl.OptValue(kgo.Dialer), "tls: TLS over the tcp block's dialer (tested in connection_fields_test.go)")
	assert.Equal(t, []string{"SCRAM-SHA-512", "PLAIN"}, mechanismNames(cl.OptValue(kgo.SASL)))
}

func TestInputConfigDefaults(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ a ]
`)
	require.NoError(t, err)
	assert.Equal(t, "", in.group)
	assert.Equal(t, 1024, in.checkpointLimit)
	assert.True(t, in.replayNacks, "auto_replay_nacks defaults to true: at least once")
	assert.Equal(t, time.Second, in.commitPeriod)
	assert.True(t, in.batchPolicy.IsNoop())

	cl := optClient(t, in.opts)
	assert.Equal(t, "benthos", cl.OptValue(kgo.ClientID))
	assert.Equal(t, kgo.NewOffset().AtStart(), cl.OptValue(kgo.ConsumeResetOffset), "start_from_oldest defaults to true")
	assert.Equal(t, "", cl.OptValue(kgo.ConsumerGroup))
	assert.Equal(t, false, cl.OptValue(kgo.ConsumeRegex))
	assert.Equal(t, 5*time.Minute, cl.OptValue(kgo.MetadataMaxAge))
	assert.Equal(t, 5*time.Second, cl.OptValue(kgo.FetchMaxWait))
	assert.Nil(t, cl.OptValue(kgo.DialTLSConfig))
	assert.Empty(t, cl.OptValue(kgo.SASL))
}

func TestInputConfigExplicitPartitions(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ "a:0-1", "b:2:40" ]
start_from_oldest: false
`)
	require.NoError(t, err)
	cl := optClient(t, in.opts)
	end := kgo.NewOffset().AtEnd()
	assert.Equal(t, map[string]map[int32]kgo.Offset{
		"a": {0: end, 1: end},
		"b": {2: kgo.NewOffset().At(40)},
	}, cl.OptValue(kgo.ConsumePartitions))
}

func TestInputConfigErrorsNameTheField(t *testing.T) {
	assertConfigErrors(t, parseInput, map[string]configError{
		"no brokers":          {"seed_brokers: [ '' ]\ntopics: [a]", "field seed_brokers: no broker address given"},
		"bad topic":           {"seed_brokers: [x]\ntopics: [ 'a:x' ]", `field topics: item "a:x": partition "x" is not a non-negative integer`},
		"partitions in group": {"seed_brokers: [x]\ntopics: [ 'a:1' ]\nconsumer_group: g", "field topics: explicit partitions (topic:partition) cannot be used with a consumer_group"},
		"partitions regexp":   {"seed_brokers: [x]\ntopics: [ 'a:1' ]\nregexp_topics: true", "field topics: explicit partitions (topic:partition) cannot be used with regexp_topics"},
		"checkpoint limit":    {"seed_brokers: [x]\ntopics: [a]\ncheckpoint_limit: 0", "field checkpoint_limit: 0 is not at least 1"},
		"commit period":       {"seed_brokers: [x]\ntopics: [a]\ncommit_period: 0s", "field commit_period: 0s is not positive"},
		"fetch max wait":      {"seed_brokers: [x]\ntopics: [a]\nfetch_max_wait: 0s", "field fetch_max_wait: 0s is shorter than 1ms"},
		"sasl mechanism":      {"seed_brokers: [x]\ntopics: [a]\nsasl: [ { mechanism: PLAIN }, { mechanism: GSSAPI } ]", `field sasl[1]: mechanism: unknown SASL mechanism "GSSAPI"`},
		"tls":                 {"seed_brokers: [x]\ntopics: [a]\ntls: { enabled: true, root_cas_file: /does/not/exist.pem }", "field tls: "},
	})
}

func TestOutputConfigEveryField(t *testing.T) {
	out, err := parseOutput(`
seed_brokers: [ "127.0.0.1:1" ]
client_id: writer
topic: '${! meta("t") }'
key: '${! meta("k") }'
partition: '${! meta("p") }'
partitioner: manual
metadata:
  include_prefixes: [ "x-" ]
  include_patterns: [ "^h[0-9]$" ]
timestamp_ms: '${! meta("ts") }'
max_in_flight: 3
batching: { count: 2 }
idempotent_write: false
acks: leader
compression: zstd
allow_auto_topic_creation: false
timeout: 3s
max_message_bytes: 2MiB
metadata_max_age: 1m
tls: { enabled: true }
sasl: [ { mechanism: SCRAM-SHA-256, username: u, password: p } ]
`)
	require.NoError(t, err)
	b := out.builder
	require.NotNil(t, b.key)
	require.NotNil(t, b.partition)
	require.NotNil(t, b.timestamp)
	assert.Equal(t, time.Millisecond, b.timestampUnit)
	assert.True(t, b.headers.Match("x-trace"))
	assert.True(t, b.headers.Match("h1"))
	assert.False(t, b.headers.Match("other"))

	cl := optClient(t, out.opts)
	assert.Equal(t, "writer", cl.OptValue(kgo.ClientID))
	assert.Equal(t, "*kgo.basicPartitioner", fmt.Sprintf("%T", cl.OptValue(kgo.RecordPartitioner)))
	assert.Equal(t, true, cl.OptValue(kgo.DisableIdempotentWrite))
	assert.Equal(t, kgo.LeaderAck(), cl.OptValue(kgo.RequiredAcks))
	assert.Equal(t, []kgo.CompressionCodec{kgo.ZstdCompression()}, cl.OptValue(kgo.ProducerBatchCompression))
	assert.Equal(t, false, cl.OptValue(kgo.AllowAutoTopicCreation))
	assert.Equal(t, 3*time.Second, cl.OptValue(kgo.ProduceRequestTimeout))
	assert.Equal(t, int32(2<<20), cl.OptValue(kgo.ProducerBatchMaxBytes))
	assert.Equal(t, time.Minute, cl.OptValue(kgo.MetadataMaxAge))
	assert.NotNil(t, cl.OptValue(kgo.Dialer), "tls: TLS over the tcp block's dialer (tested in connection_fields_test.go)")
	assert.Equal(t, []string{"SCRAM-SHA-256"}, mechanismNames(cl.OptValue(kgo.SASL)))

	// max_in_flight and batching go to Benthos through the constructor.
	conf, err := outputSpec().ParseYAML("seed_brokers: [x]\ntopic: t\nmax_in_flight: 3\nbatching: { count: 2 }", nil)
	require.NoError(t, err)
	n, err := conf.FieldInt(fieldMaxInFlight)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestOutputConfigDefaults(t *testing.T) {
	out, err := parseOutput("seed_brokers: [ '127.0.0.1:1' ]\ntopic: t")
	require.NoError(t, err)
	assert.Nil(t, out.builder.key, "no key field: the key comes from kafka_key")
	assert.Nil(t, out.builder.partition)
	assert.Nil(t, out.builder.timestamp, "no timestamp field: from kafka_timestamp_ms")
	assert.Nil(t, out.builder.headers, "no metadata filter: no headers")

	cl := optClient(t, out.opts)
	assert.Equal(t, "*kgo.keyPartitioner", fmt.Sprintf("%T", cl.OptValue(kgo.RecordPartitioner)))
	assert.Equal(t, false, cl.OptValue(kgo.DisableIdempotentWrite))
	assert.Equal(t, kgo.AllISRAcks(), cl.OptValue(kgo.RequiredAcks))
	assert.Equal(t, true, cl.OptValue(kgo.AllowAutoTopicCreation))
	assert.Equal(t, 10*time.Second, cl.OptValue(kgo.ProduceRequestTimeout))
	assert.Equal(t, int32(1<<20), cl.OptValue(kgo.ProducerBatchMaxBytes))
}

func TestOutputConfigPartitioners(t *testing.T) {
	for name, want := range map[string]string{
		"murmur2_hash": "*kgo.keyPartitioner",
		"round_robin":  "*kgo.roundRobinPartitioner",
		"least_backup": "*kgo.leastBackupPartitioner",
	} {
		out, err := parseOutput("seed_brokers: [x]\ntopic: t\npartitioner: " + name)
		require.NoError(t, err, name)
		assert.Equal(t, want, fmt.Sprintf("%T", optClient(t, out.opts).OptValue(kgo.RecordPartitioner)), name)
	}
}

func TestOutputConfigTimestampInSeconds(t *testing.T) {
	out, err := parseOutput("seed_brokers: [x]\ntopic: t\ntimestamp: '${! 5 }'")
	require.NoError(t, err)
	assert.Equal(t, time.Second, out.builder.timestampUnit)
	r, err := out.builder.build(service.NewMessage([]byte("v")))
	require.NoError(t, err)
	assert.Equal(t, time.Unix(5, 0), r.Timestamp)
}

func TestOutputConfigErrorsNameTheField(t *testing.T) {
	assertConfigErrors(t, parseOutput, map[string]configError{
		"manual without partition": {"seed_brokers: [x]\ntopic: t\npartitioner: manual", "field partition: required when partitioner is manual"},
		"partition without manual": {"seed_brokers: [x]\ntopic: t\npartition: '1'", "field partition: only used when partitioner is manual"},
		"two timestamps":           {"seed_brokers: [x]\ntopic: t\ntimestamp: '1'\ntimestamp_ms: '1'", "fields timestamp and timestamp_ms: set at most one"},
		"idempotent acks":          {"seed_brokers: [x]\ntopic: t\nacks: none", `field acks: idempotent_write requires acks: all, got "none"`},
		"max message bytes":        {"seed_brokers: [x]\ntopic: t\nmax_message_bytes: lots", "field max_message_bytes:"},
		"bad interpolation":        {"seed_brokers: [x]\ntopic: '${! nope( }'", "field topic:"},
	})
}

func TestLintRulesNameTheField(t *testing.T) {
	tests := map[string]struct {
		add  func(*service.StreamBuilder, string) error
		yaml string
		want string
	}{
		"input partitions and group": {(*service.StreamBuilder).AddInputYAML,
			"kafka_franz: { seed_brokers: [x], topics: [ 'a:0' ], consumer_group: g }",
			"field topics: explicit partitions (topic:partition) cannot be used with a consumer_group"},
		"input partitions and regexp": {(*service.StreamBuilder).AddInputYAML,
			"kafka_franz: { seed_brokers: [x], topics: [ 'a:0' ], regexp_topics: true }",
			"field topics: explicit partitions (topic:partition) cannot be used with regexp_topics"},
		"output manual": {(*service.StreamBuilder).AddOutputYAML,
			"kafka_franz: { seed_brokers: [x], topic: t, partitioner: manual }",
			"field partition: required when partitioner is manual"},
		"output acks": {(*service.StreamBuilder).AddOutputYAML,
			"kafka_franz: { seed_brokers: [x], topic: t, acks: leader }",
			"field acks: idempotent_write requires acks: all"},
		"output unknown field": {(*service.StreamBuilder).AddOutputYAML,
			"kafka_franz: { seed_brokers: [x], topic: t, multi_header: true }",
			"multi_header"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := tt.add(service.NewStreamBuilder(), tt.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	assert.NoError(t, service.NewStreamBuilder().AddInputYAML("kafka_franz: { seed_brokers: [x], topics: [ 'a:0' ] }"))
	assert.NoError(t, service.NewStreamBuilder().AddOutputYAML("kafka_franz: { seed_brokers: [x], topic: t, partitioner: manual, partition: '0' }"))
}
