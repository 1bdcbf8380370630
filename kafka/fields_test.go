package kafka

import (
	"context"
	"math"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Tests of the fields that follow Redpanda Connect's kafka_franz beyond the
// original set: parsing, the franz-go options they become, and conflicts.

func TestInputFetchFieldsBecomeFranzOptions(t *testing.T) {
	in, err := parseInput(`
seed_brokers: [ "127.0.0.1:1" ]
regexp_topics_include: [ "logs_.*,metrics_.*", "a:b+" ]
regexp_topics_exclude: [ "logs_secret" ]
consumer_group: g
start_offset: committed
transaction_isolation_level: read_committed
fetch_max_bytes: 200MiB
fetch_min_bytes: 1KiB
fetch_max_partition_bytes: 2MiB
multi_header: true
request_timeout_overhead: 3s
conn_idle_timeout: 40s
`)
	require.NoError(t, err)
	assert.True(t, in.multiHeader)
	cl := optClient(t, in.opts)
	assert.ElementsMatch(t, []string{"logs_.*", "metrics_.*", "a:b+"}, cl.OptValue(kgo.ConsumeTopics), "an item splits at commas; a colon is part of an expression")
	assert.Equal(t, true, cl.OptValue(kgo.ConsumeRegex))
	assert.Equal(t, []string{"logs_secret"}, cl.OptValue(kgo.ConsumeExcludeTopics))
	assert.Equal(t, kgo.NewOffset().AtCommitted(), cl.OptValue(kgo.ConsumeResetOffset))
	assert.Equal(t, int8(1), cl.OptValue(kgo.FetchIsolationLevel), "read_committed")
	assert.Equal(t, int32(200<<20), cl.OptValue(kgo.FetchMaxBytes))
	assert.Equal(t, int32(200<<20), cl.OptValue(kgo.BrokerMaxReadBytes), "franz-go must read a response as large as a fetch")
	assert.Equal(t, int32(1<<10), cl.OptValue(kgo.FetchMinBytes))
	assert.Equal(t, int32(2<<20), cl.OptValue(kgo.FetchMaxPartitionBytes))
	assert.Equal(t, 3*time.Second, cl.OptValue(kgo.RequestTimeoutOverhead))
	assert.Equal(t, 40*time.Second, cl.OptValue(kgo.ConnIdleTimeout))
}

func TestInputFetchFieldDefaultsAreRedpandaConnects(t *testing.T) {
	in, err := parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]")
	require.NoError(t, err)
	assert.False(t, in.multiHeader)
	cl := optClient(t, in.opts)
	assert.Equal(t, int8(0), cl.OptValue(kgo.FetchIsolationLevel), "read_uncommitted")
	assert.Equal(t, int32(50<<20), cl.OptValue(kgo.FetchMaxBytes))
	assert.Equal(t, int32(1), cl.OptValue(kgo.FetchMinBytes))
	assert.Equal(t, int32(1<<20), cl.OptValue(kgo.FetchMaxPartitionBytes))
	assert.Equal(t, int32(100<<20), cl.OptValue(kgo.BrokerMaxReadBytes), "franz-go's default")
	assert.Equal(t, 10*time.Second, cl.OptValue(kgo.RequestTimeoutOverhead))
	assert.Equal(t, 20*time.Second, cl.OptValue(kgo.ConnIdleTimeout))
	assert.Empty(t, cl.OptValue(kgo.ConsumeExcludeTopics))
}

func TestInputStartOffset(t *testing.T) {
	start, end := kgo.NewOffset().AtStart(), kgo.NewOffset().AtEnd()
	for _, tt := range []struct {
		fields string
		want   kgo.Offset
	}{
		{"", start},
		{"start_from_oldest: false", end},
		{"start_offset: earliest", start},
		{"start_offset: latest", end},
		{"start_offset: latest\nstart_from_oldest: true", end}, // start_offset wins, as in Redpanda Connect
		{"start_offset: latest\nstart_from_oldest: false", end},
		{"start_offset: earliest\nstart_from_oldest: true", start},
		{"start_offset: committed\nconsumer_group: g", kgo.NewOffset().AtCommitted()},
	} {
		in, err := parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]\n" + tt.fields)
		require.NoError(t, err, tt.fields)
		assert.Equal(t, tt.want, optClient(t, in.opts).OptValue(kgo.ConsumeResetOffset), tt.fields)
	}
	// Explicit partitions without an offset start where start_offset says.
	in, err := parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ 'a:0' ]\nstart_offset: latest")
	require.NoError(t, err)
	assert.Equal(t, map[string]map[int32]kgo.Offset{"a": {0: end}}, optClient(t, in.opts).OptValue(kgo.ConsumePartitions))
}

func TestRegexpTopicsExcludeWithRegexpTopics(t *testing.T) {
	in, err := parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ 'a.*' ]\nregexp_topics: true\nregexp_topics_exclude: [ a1 ]")
	require.NoError(t, err)
	cl := optClient(t, in.opts)
	assert.Equal(t, []string{"a.*"}, cl.OptValue(kgo.ConsumeTopics))
	assert.Equal(t, []string{"a1"}, cl.OptValue(kgo.ConsumeExcludeTopics))
}

func TestNewInputFieldErrorsNameTheField(t *testing.T) {
	const base = "seed_brokers: [x]\n"
	assertConfigErrors(t, parseInput, map[string]configError{
		"no topics":             {base, "field topics: required, unless regexp_topics_include is set"},
		"topics and include":    {base + "topics: [a]\nregexp_topics_include: [b]", "fields topics and regexp_topics_include: set one, not both"},
		"empty include":         {base + "regexp_topics_include: [ ',' ]", "field regexp_topics_include: no expression given"},
		"exclude without regex": {base + "topics: [a]\nregexp_topics_exclude: [b]", "field regexp_topics_exclude: only used with regexp_topics: true or regexp_topics_include"},
		"earliest vs oldest":    {base + "topics: [a]\nstart_from_oldest: false\nstart_offset: earliest", "field start_offset: earliest contradicts start_from_oldest: false"},
		"committed no group":    {base + "topics: [a]\nstart_offset: committed", "field start_offset: committed needs a consumer_group"},
		"bad start offset":      {base + "topics: [a]\nstart_offset: beginning", `field start_offset: unknown value "beginning"`},
		"bad isolation":         {base + "topics: [a]\ntransaction_isolation_level: serializable", `field transaction_isolation_level: unknown value "serializable"`},
		"fetch max bytes size":  {base + "topics: [a]\nfetch_max_bytes: 2GiB", "field fetch_max_bytes: 2GiB is not between 1B and 1GiB"},
		"fetch max bytes text":  {base + "topics: [a]\nfetch_max_bytes: lots", "field fetch_max_bytes:"},
		"fetch min bytes":       {base + "topics: [a]\nfetch_min_bytes: 3GB", "field fetch_min_bytes: 3GB is not between 0B and 1GiB"},
		"fetch partition bytes": {base + "topics: [a]\nfetch_max_partition_bytes: 0", "field fetch_max_partition_bytes: 0 is not between 1B and 1GiB"},
		"request overhead":      {base + "topics: [a]\nrequest_timeout_overhead: 50ms", "field request_timeout_overhead: 50ms is not between 100ms and 15m0s"},
		"conn idle":             {base + "topics: [a]\nconn_idle_timeout: 1h", "field conn_idle_timeout: 1h0m0s is not between 100ms and 15m0s"},
		"tcp user timeout":      {base + "topics: [a]\ntcp: { tcp_user_timeout: 20s, keep_alive: { idle: 10s } }", "field tcp: keep_alive.idle (10s) must be greater than tcp_user_timeout (20s)"},
		"tcp connect timeout":   {base + "topics: [a]\ntcp: { connect_timeout: -1s }", "field tcp.connect_timeout: -1s is negative"},
		"aws msk iam":           {base + "topics: [a]\nsasl: [ { mechanism: AWS_MSK_IAM } ]", "field sasl[0]: AWS_MSK_IAM is not supported by this distribution (it cannot be tested without AWS)"},
	})
}

func TestMultiHeaderKeepsEveryValueAsRedpandaConnectDoes(t *testing.T) {
	r := &kgo.Record{Topic: "t", Value: []byte("v"), Headers: []kgo.RecordHeader{
		{Key: "h", Value: []byte("1")}, {Key: "single", Value: []byte("s")}, {Key: "h", Value: []byte("2")},
		{Key: "h", Value: nil}, {Key: "kafka_offset", Value: []byte("99")},
	}}
	msg := multiHeaderMessage(r, 1)
	h, ok := msg.MetaGetMut("h")
	require.True(t, ok)
	assert.Equal(t, []any{"1", "2", ""}, h, "every value, in record order")
	single, _ := msg.MetaGetMut("single")
	assert.Equal(t, []any{"s"}, single, "a single header is a one-item list too")
	text, _ := msg.MetaGet("h")
	assert.Equal(t, `["1","2",""]`, text, "what meta(), an output header and a guest's get_header see")
	offset, _ := msg.MetaGetMut("kafka_offset")
	assert.Equal(t, 0, offset, "a header named like a bookkeeping field is still dropped")

	plain := recordToMessage(r, 1)
	last, _ := plain.MetaGet("h")
	assert.Equal(t, "", last, "without multi_header the last value wins")
}

func TestOutputLimitFieldsBecomeFranzOptions(t *testing.T) {
	out, err := parseOutput(`
seed_brokers: [ "127.0.0.1:1" ]
topic: t
rack_id: rack-a
idempotent_write: false
acks: leader
max_message_bytes: 4MiB
broker_write_max_bytes: 64MiB
max_buffered_records: 500
max_buffered_bytes: 32MiB
max_in_flight_requests: 5
record_retries: 7
record_delivery_timeout: 30s
conn_idle_timeout: 1m
tcp:
  connect_timeout: 3s
`)
	require.NoError(t, err)
	cl := optClient(t, out.opts)
	assert.Equal(t, "rack-a", cl.OptValue(kgo.Rack))
	assert.Equal(t, int32(64<<20), cl.OptValue(kgo.BrokerMaxWriteBytes))
	assert.Equal(t, int64(500), cl.OptValue(kgo.MaxBufferedRecords))
	assert.Equal(t, int64(32<<20), cl.OptValue(kgo.MaxBufferedBytes))
	assert.Equal(t, 5, cl.OptValue(kgo.MaxProduceRequestsInflightPerBroker))
	assert.Equal(t, int64(7), cl.OptValue(kgo.RecordRetries))
	assert.Equal(t, 30*time.Second, cl.OptValue(kgo.RecordDeliveryTimeout))
	assert.Equal(t, time.Minute, cl.OptValue(kgo.ConnIdleTimeout))
}

func TestOutputLimitFieldDefaultsAreRedpandaConnects(t *testing.T) {
	out, err := parseOutput("seed_brokers: [ '127.0.0.1:1' ]\ntopic: t")
	require.NoError(t, err)
	cl := optClient(t, out.opts)
	assert.Equal(t, "", cl.OptValue(kgo.Rack))
	assert.Equal(t, int32(100<<20), cl.OptValue(kgo.BrokerMaxWriteBytes))
	assert.Equal(t, int64(10000), cl.OptValue(kgo.MaxBufferedRecords))
	assert.Equal(t, int64(0), cl.OptValue(kgo.MaxBufferedBytes), "0: no byte limit")
	assert.Equal(t, 1, cl.OptValue(kgo.MaxProduceRequestsInflightPerBroker))
	assert.Equal(t, time.Duration(0), cl.OptValue(kgo.RecordDeliveryTimeout))
	assert.Equal(t, int64(math.MaxInt64), cl.OptValue(kgo.RecordRetries), "0: franz-go's unlimited default")
}

func TestNewOutputFieldErrorsNameTheField(t *testing.T) {
	const base = "seed_brokers: [x]\ntopic: t\n"
	assertConfigErrors(t, parseOutput, map[string]configError{
		"inflight idempotent":   {base + "max_in_flight_requests: 5", "field max_in_flight_requests: must be 1 with idempotent_write, got 5"},
		"inflight zero":         {base + "idempotent_write: false\nmax_in_flight_requests: 0", "field max_in_flight_requests: 0 is not at least 1"},
		"buffered records":      {base + "max_buffered_records: 0", "field max_buffered_records: 0 is not at least 1"},
		"buffered bytes":        {base + "max_buffered_bytes: some", "field max_buffered_bytes:"},
		"retries":               {base + "record_retries: -1", "field record_retries: -1 is negative"},
		"delivery timeout":      {base + "record_delivery_timeout: 500ms", "field record_delivery_timeout: 500ms is neither 0s (no limit) nor at least 1s"},
		"write max too small":   {base + "broker_write_max_bytes: 512B", "field broker_write_max_bytes: 512B is not between 1KiB and 1GiB"},
		"write max below batch": {base + "max_message_bytes: 2MiB\nbroker_write_max_bytes: 1MiB", "field broker_write_max_bytes: 1MiB is less than max_message_bytes (2MiB)"},
		"message bytes":         {base + "max_message_bytes: 2GiB", "field max_message_bytes: 2GiB is not between 512B and 1GiB"},
		"aws msk iam":           {base + "sasl: [ { mechanism: AWS_MSK_IAM } ]", "field sasl[0]: AWS_MSK_IAM is not supported"},
	})
}

func TestNewFieldLintRulesNameTheField(t *testing.T) {
	in := (*service.StreamBuilder).AddInputYAML
	out := (*service.StreamBuilder).AddOutputYAML
	tests := map[string]struct {
		add  func(*service.StreamBuilder, string) error
		yaml string
		want string
	}{
		"no topics":             {in, "kafka_franz: { seed_brokers: [x] }", "field topics: required, unless regexp_topics_include is set"},
		"topics and include":    {in, "kafka_franz: { seed_brokers: [x], topics: [a], regexp_topics_include: [b] }", "fields topics and regexp_topics_include: set one, not both"},
		"exclude without regex": {in, "kafka_franz: { seed_brokers: [x], topics: [a], regexp_topics_exclude: [b] }", "field regexp_topics_exclude: only used with"},
		"earliest vs oldest":    {in, "kafka_franz: { seed_brokers: [x], topics: [a], start_from_oldest: false, start_offset: earliest }", "field start_offset: earliest contradicts start_from_oldest: false"},
		"committed no group":    {in, "kafka_franz: { seed_brokers: [x], topics: [a], start_offset: committed }", "field start_offset: committed needs a consumer_group"},
		"aws input":             {in, "kafka_franz: { seed_brokers: [x], topics: [a], sasl: [ { mechanism: AWS_MSK_IAM } ] }", "field sasl: AWS_MSK_IAM is not supported by this distribution"},
		"partitions and group":  {in, "kafka_franz: { seed_brokers: [x], topics: [ 'a:0' ], consumer_group: g }", "field topics: explicit partitions"},
		"inflight idempotent":   {out, "kafka_franz: { seed_brokers: [x], topic: t, max_in_flight_requests: 2 }", "field max_in_flight_requests: must be 1 with idempotent_write"},
		"retries negative":      {out, "kafka_franz: { seed_brokers: [x], topic: t, record_retries: -2 }", "field record_retries: must not be negative"},
		"buffered records":      {out, "kafka_franz: { seed_brokers: [x], topic: t, max_buffered_records: 0 }", "field max_buffered_records: must be at least 1"},
		"aws output":            {out, "kafka_franz: { seed_brokers: [x], topic: t, sasl: [ { mechanism: AWS_MSK_IAM } ] }", "field sasl: AWS_MSK_IAM is not supported"},
		"output manual":         {out, "kafka_franz: { seed_brokers: [x], topic: t, partitioner: manual }", "field partition: required when partitioner is manual"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := tt.add(service.NewStreamBuilder(), tt.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, ok := range []struct {
		add  func(*service.StreamBuilder, string) error
		yaml string
	}{
		{in, "kafka_franz: { seed_brokers: [x], regexp_topics_include: [ 'a.*' ], regexp_topics_exclude: [ a1 ] }"},
		{in, "kafka_franz: { seed_brokers: [x], topics: [ 'a.*' ], regexp_topics: true, regexp_topics_exclude: [ a1 ] }"},
		{in, "kafka_franz: { seed_brokers: [x], topics: [a], start_from_oldest: false }"},
		{in, "kafka_franz: { seed_brokers: [x], topics: [a], start_offset: committed, consumer_group: g, multi_header: true, transaction_isolation_level: read_committed }"},
		{in, "kafka_franz: { seed_brokers: [x], topics: [a], tcp: { connect_timeout: 1s, keep_alive: { idle: 30s, interval: 5s, count: 3 }, tcp_user_timeout: 20s } }"},
		{out, "kafka_franz: { seed_brokers: [x], topic: t, idempotent_write: false, max_in_flight_requests: 5, rack_id: r }"},
	} {
		assert.NoError(t, ok.add(service.NewStreamBuilder(), ok.yaml), ok.yaml)
	}
}

// TestTCPBlockDialsEveryConnection checks that the tcp block's dialer is the
// one connections use: a connect_timeout against an address that never
// answers gives up in about that time.
func TestTCPBlockDialsEveryConnection(t *testing.T) {
	conf, err := inputSpec().ParseYAML(`
seed_brokers: [ "127.0.0.1:1" ]
topics: [ a ]
tcp:
  connect_timeout: 2s
  keep_alive: { idle: 30s, interval: 10s, count: 4 }
  tcp_user_timeout: 5s
`, nil)
	require.NoError(t, err)
	c, err := parseConnection(conf)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Second, c.dialer.Timeout)
	assert.Equal(t, net.KeepAliveConfig{Enable: true, Idle: 30 * time.Second, Interval: 10 * time.Second, Count: 4}, c.dialer.KeepAliveConfig)
	assert.NotNil(t, c.dialer.ControlContext, "tcp_user_timeout is set on the socket")

	def, err := inputSpec().ParseYAML("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]", nil)
	require.NoError(t, err)
	dc, err := parseConnection(def)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, dc.dialer.Timeout, "franz-go's dial timeout, not Redpanda Connect's 0s (none)")
	assert.Nil(t, dc.tls)

	// The dialer reaches a real listener (plain TCP: no tls).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan struct{})
	go func() {
		if conn, err := ln.Accept(); err == nil {
			conn.Close()
			close(accepted)
		}
	}()
	cl := optClient(t, c.opts(nil))
	dial := cl.OptValue(kgo.Dialer).(func(context.Context, string, string) (net.Conn, error))
	conn, err := dial(context.Background(), "tcp", ln.Addr().String())
	require.NoError(t, err)
	conn.Close()
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the listener saw no connection")
	}

	tlsConf, err := inputSpec().ParseYAML("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]\ntls: { enabled: true }", nil)
	require.NoError(t, err)
	tc, err := parseConnection(tlsConf)
	require.NoError(t, err)
	assert.NotNil(t, tc.tls, "tls on: connections are dialled through a tls.Dialer over the tcp dialer")
}

func TestMetadataMaxAgeUnderFranzMinimumWorks(t *testing.T) {
	in, err := parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]\nmetadata_max_age: 1s")
	require.NoError(t, err)
	cl := optClient(t, in.opts) // franz-go refuses a max age under its min age
	assert.Equal(t, time.Second, cl.OptValue(kgo.MetadataMaxAge))
	assert.Equal(t, time.Second, cl.OptValue(kgo.MetadataMinAge))

	in, err = parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]")
	require.NoError(t, err)
	assert.Equal(t, 5*time.Second, optClient(t, in.opts).OptValue(kgo.MetadataMinAge), "franz-go's default")

	_, err = parseInput("seed_brokers: [ '127.0.0.1:1' ]\ntopics: [ a ]\nmetadata_max_age: 2h")
	require.ErrorContains(t, err, "field metadata_max_age: 2h0m0s is not between 10ms and 1h")
}

// TestEveryFieldIsInTheReadme keeps kafka/README.md's field tables complete:
// every top-level field of the input and the output is named there.
func TestEveryFieldIsInTheReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	check := func(kind string, view *service.ConfigView) {
		data, err := view.TemplateData()
		require.NoError(t, err)
		require.Greater(t, len(data.Fields), 20, kind)
		for _, f := range data.Fields {
			if strings.Contains(f.FullName, ".") {
				continue // sub-fields are described with their block
			}
			assert.Contains(t, string(readme), "`"+f.FullName+"`", "%s field %s is not in kafka/README.md", kind, f.FullName)
		}
	}
	env := service.GlobalEnvironment()
	checked := 0
	env.WalkInputs(func(name string, view *service.ConfigView) {
		if name == "kafka_franz" {
			check("input", view)
			checked++
		}
	})
	env.WalkOutputs(func(name string, view *service.ConfigView) {
		if name == "kafka_franz" {
			check("output", view)
			checked++
		}
	})
	require.Equal(t, 2, checked)
	notSupported := string(readme)[strings.Index(string(readme), "### Redpanda Connect fields not supported"):]
	for _, f := range []string{"multi_header", "regexp_topics_include", "start_offset", "transaction_isolation_level", "fetch_max_bytes",
		"broker_write_max_bytes", "max_buffered_records", "record_retries", "request_timeout_overhead", "conn_idle_timeout", "`tcp`"} {
		assert.NotContains(t, notSupported, f, "%s is supported now", f)
	}
}
