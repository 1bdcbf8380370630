package migrate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"

	"github.com/benthos-wasm/benthos-wasm/kafka"
)

// envFrom is an environment for StreamBuilder: every variable the
// translation refers to is set (to its value in vars, else a stand-in).
func envFrom(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		return "set-by-the-test", true
	}
}

// translateText translates a connector config given as text.
func translateText(t *testing.T, name, text string) *Result {
	t.Helper()
	c, err := Parse(name, []byte(text))
	require.NoError(t, err)
	res, err := Translate(c)
	require.NoError(t, err)
	return res
}

// buildStream lints and builds a translated pipeline with the environment
// vars, logging warnings only.
func buildStream(t *testing.T, yamlText string, vars map[string]string) *service.Stream {
	t.Helper()
	b := service.NewStreamBuilder()
	b.SetEnvVarLookupFunc(envFrom(vars))
	require.NoError(t, b.SetYAML(yamlText), yamlText)
	require.NoError(t, b.SetLoggerYAML("level: warn"))
	stream, err := b.Build()
	require.NoError(t, err, yamlText)
	return stream
}

// runStream runs a stream until the test ends.
func runStream(t *testing.T, stream *service.Stream) {
	t.Helper()
	runCtx, cancelRun := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stream.Run(runCtx) }()
	t.Cleanup(func() {
		// A stream redelivering a refused record forever (a tombstone an
		// HTTP sink fails on) does not stop gracefully; Run then returns
		// once its context ends, as benthos-wasm run gives up after its
		// shutdown timeout.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = stream.Stop(ctx)
		cancelRun()
		<-done
	})
}

// Every connector golden case whose output is a pipeline lints, with the
// components of this distribution (kafka_franz, http_client).
func TestConnectorGoldenPipelinesLint(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "conn-*"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			status, err := os.ReadFile(filepath.Join(dir, "want.status"))
			require.NoError(t, err)
			if strings.TrimSpace(string(status)) == "1" {
				return // invalid config: no pipeline
			}
			want, err := os.ReadFile(filepath.Join(dir, "want.yaml"))
			require.NoError(t, err)
			buildStream(t, string(want), nil)
		})
	}
}

// The copy of a secret value never reaches the YAML.
func TestConnectorSecretsAreNeverCopied(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "conn-*"))
	require.NoError(t, err)
	for _, dir := range dirs {
		for _, f := range []string{"want.yaml", "want.stderr"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if os.IsNotExist(err) {
				continue
			}
			require.NoError(t, err)
			for _, secret := range []string{"do-not-copy", "hunter2", "s3cr3t", `pa\"ss`, `pa"ss`} {
				assert.NotContains(t, string(b), secret, "%s/%s", dir, f)
			}
		}
	}
}

func TestSinkOrSourceByClass(t *testing.T) {
	for class, sink := range map[string]bool{
		mirrorSourceClass:                            false, // has a topics property, still a source
		mirrorCheckpointCls:                          false,
		"MirrorSourceConnector":                      false,
		"FileStreamSink":                             true,
		"JdbcSinkConnector":                          true,
		"io.debezium.connector.mysql.MySqlConnector": false,
		"com.example.SomethingSinkConnector":         true,
		"com.example.SomethingSourceConnector":       false,
	} {
		c, err := Parse("c.properties", []byte("topics=a\n"))
		require.NoError(t, err)
		assert.Equal(t, sink, isSink(c, canonicalConnector(class)), class)
	}
	// Both HTTP sinks are named HttpSinkConnector: like Kafka Connect, no alias.
	assert.Equal(t, "HttpSinkConnector", canonicalConnector("HttpSinkConnector"))
}

func TestConfigProviderReferences(t *testing.T) {
	for in, want := range map[string]string{
		"${env:SOURCE_TOPIC}":         "${SOURCE_TOPIC}",
		"pre-${env:A}-${env:B_2}":     "pre-${A}-${B_2}",
		"${file:/etc/x.properties:k}": "",
		"${env:/path:X}":              "",
		"${directory:/run/secrets:k}": "",
		"${vault:secret/db:password}": "",
	} {
		out, ok, refs := benthosEnv(in)
		assert.NotEmpty(t, refs, in)
		if want == "" {
			assert.False(t, ok, in)
			assert.Equal(t, in, out)
			continue
		}
		assert.True(t, ok, in)
		assert.Equal(t, want, out)
	}
	assert.False(t, hasProviderRef("no reference"))
	assert.False(t, hasProviderRef("${NOT_A_PROVIDER}"), "no colon: not a provider reference")
}

// The translated MirrorMaker 2 pipeline copies records between two brokers:
// the topics it selects, renamed by the replication policy, with their
// keys, values, headers, timestamps and partitions.
func TestMirrorMakerPipelineReplicatesBetweenTwoBrokers(t *testing.T) {
	source, err := kafka.StartDevBroker(kafka.DevBrokerConfig{Partitions: 3, Topics: []string{"orders.eu", "payments", "orders.tmp", "audit", "__internal", "us-east.orders"}})
	require.NoError(t, err)
	t.Cleanup(source.Close)
	target, err := kafka.StartDevBroker(kafka.DevBrokerConfig{Partitions: 3})
	require.NoError(t, err)
	t.Cleanup(target.Close)

	res := translateText(t, "mm2.properties", fmt.Sprintf(`
name=mm2-e2e
connector.class=org.apache.kafka.connect.mirror.MirrorSourceConnector
source.cluster.alias=us-west
target.cluster.alias=us-east
source.cluster.bootstrap.servers=%s
target.cluster.bootstrap.servers=%s
topics=orders.*, payments
topics.exclude=.*\\.tmp
`, source.Addr(), target.Addr()))

	ts := time.UnixMilli(1_700_000_000_123)
	var records []*kgo.Record
	for i, topic := range []string{"orders.eu", "payments", "orders.tmp", "audit", "__internal", "us-east.orders"} {
		for p := int32(0); p < 3; p++ {
			records = append(records, &kgo.Record{
				Topic: topic, Partition: p, Key: []byte(fmt.Sprintf("k-%s-%d", topic, p)), Value: []byte(fmt.Sprintf("v-%d-%d", i, p)),
				Timestamp: ts, Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t-" + topic)}, {Key: "empty", Value: nil}},
			})
		}
	}
	records = append(records, &kgo.Record{Topic: "payments", Partition: 1, Value: []byte("no key")})
	produceTo(t, source.Addr(), records)

	runStream(t, buildStream(t, string(res.YAML), nil))

	got := collectFrom(t, target.Addr(), 7, "us-west.orders.eu", "us-west.payments")
	byValue := map[string]*kgo.Record{}
	for _, r := range got {
		byValue[string(r.Value)] = r
	}
	for i, topic := range []string{"orders.eu", "payments"} {
		for p := int32(0); p < 3; p++ {
			r := byValue[fmt.Sprintf("v-%d-%d", i, p)]
			require.NotNil(t, r, "%s partition %d copied", topic, p)
			assert.Equal(t, "us-west."+topic, r.Topic)
			assert.Equal(t, p, r.Partition, "the partition is kept")
			assert.Equal(t, fmt.Sprintf("k-%s-%d", topic, p), string(r.Key))
			assert.Equal(t, ts.UnixMilli(), r.Timestamp.UnixMilli(), "the timestamp is kept")
			headers := map[string]string{}
			for _, h := range r.Headers {
				headers[h.Key] = string(h.Value)
			}
			assert.Equal(t, map[string]string{"trace": "t-" + topic, "empty": ""}, headers)
		}
	}
	noKey := byValue["no key"]
	require.NotNil(t, noKey)
	assert.Nil(t, noKey.Key, "a null key stays null")

	// Nothing else reached the target: excluded, internal and cyclic topics
	// (us-east.orders came from the target cluster) are not copied.
	time.Sleep(2 * time.Second)
	topics := listTopics(t, target.Addr())
	assert.Equal(t, []string{"us-west.orders.eu", "us-west.payments"}, topics)
}

func produceTo(t *testing.T, addr string, records []*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	require.NoError(t, cl.ProduceSync(ctx, records...).FirstErr())
}

// collectFrom reads topics from the start until n records arrived.
func collectFrom(t *testing.T, addr string, n int, topics ...string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond), kgo.MetadataMinAge(100*time.Millisecond))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got []*kgo.Record
	for len(got) < n {
		fetches := cl.PollFetches(ctx)
		require.NoError(t, ctx.Err(), "waiting for %d records on %v, got %d", n, topics, len(got))
		got = append(got, fetches.Records()...)
	}
	return got
}

func listTopics(t *testing.T, addr string) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	resp, err := req.RequestWith(ctx, cl)
	require.NoError(t, err)
	var names []string
	for _, tp := range resp.Topics {
		if tp.Topic != nil {
			names = append(names, *tp.Topic)
		}
	}
	sort.Strings(names)
	return names
}

// httpRequest is a request the test server received.
type httpRequest struct {
	method, path, query, body string
	header                    http.Header
}

// recordingServer is a loopback HTTP server that keeps every request it
// gets; requests returns those so far.
func recordingServer(t *testing.T) (srv *httptest.Server, requests func() []httpRequest) {
	t.Helper()
	var mu sync.Mutex
	var reqs []httpRequest
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, httpRequest{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Clone()})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []httpRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]httpRequest(nil), reqs...)
	}
}

// The translated Confluent HTTP sink sends each batch of records as one
// request: the method, the URL with the record's topic, the headers and
// basic auth, the body built from batch.prefix, separator and suffix.
func TestConfluentHTTPSinkSendsRequests(t *testing.T) {
	srv, requests := recordingServer(t)
	broker, err := kafka.StartDevBroker(kafka.DevBrokerConfig{Topics: []string{"orders"}})
	require.NoError(t, err)
	t.Cleanup(broker.Close)

	res := translateText(t, "http.properties", fmt.Sprintf(`
name=orders-to-api
connector.class=io.confluent.connect.http.HttpSinkConnector
topics=orders
http.api.url=%s/ingest/${topic}
request.method=PUT
headers=Content-Type:application/json|X-Api-Key:literal-never-copied
auth.type=BASIC
connection.user=svc
connection.password=literal-never-copied
batch.max.size=2
batch.prefix=[
batch.suffix=]
batch.separator=,
`, srv.URL))
	assert.NotContains(t, string(res.YAML), "literal-never-copied")

	var records []*kgo.Record
	for i := 0; i < 4; i++ {
		records = append(records, &kgo.Record{Topic: "orders", Key: []byte(strconv.Itoa(i)), Value: []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	records = append(records[:2], append([]*kgo.Record{{Topic: "orders", Key: []byte("gone")}}, records[2:]...)...) // a tombstone: skipped
	produceTo(t, broker.Addr(), records)

	runStream(t, buildStream(t, string(res.YAML), map[string]string{
		"KAFKA_BROKERS":              broker.Addr(),
		"HTTP_SINK_PASSWORD":         "pw-from-env",
		"HTTP_SINK_HEADER_X_API_KEY": "key-from-env",
	}))

	deadline := time.Now().Add(30 * time.Second)
	var bodies []string
	for {
		got := requests()
		bodies = bodies[:0]
		for _, r := range got {
			bodies = append(bodies, r.body)
		}
		if strings.Join(bodies, "") == `[{"n":0},{"n":1}][{"n":2},{"n":3}]` {
			for _, r := range got {
				assert.Equal(t, http.MethodPut, r.method)
				assert.Equal(t, "/ingest/orders", r.path)
				assert.Equal(t, "application/json", r.header.Get("Content-Type"))
				assert.Equal(t, "key-from-env", r.header.Get("X-Api-Key"))
				user, pass, ok := (&http.Request{Header: r.header}).BasicAuth()
				assert.True(t, ok)
				assert.Equal(t, "svc", user)
				assert.Equal(t, "pw-from-env", pass)
			}
			assert.Len(t, got, 2, "two batches of two records")
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests received: %q", bodies)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The translated Aiven HTTP sink POSTs batches of records, each value on
// its own line (the connector's default separator and suffix), with the
// static Authorization header from the environment; a tombstone is refused.
func TestAivenHTTPSinkSendsRequests(t *testing.T) {
	srv, requests := recordingServer(t)
	broker, err := kafka.StartDevBroker(kafka.DevBrokerConfig{Topics: []string{"domain_a.events"}})
	require.NoError(t, err)
	t.Cleanup(broker.Close)

	res := translateText(t, "aiven.json", fmt.Sprintf(`{"name": "aiven", "config": {
  "connector.class": "io.aiven.kafka.connect.http.HttpSinkConnector",
  "topics.regex": "domain_a.*",
  "http.url": %q,
  "http.authorization.type": "static",
  "http.headers.authorization": "Bearer literal-never-copied",
  "http.headers.content.type": "application/x-ndjson",
  "batching.enabled": true,
  "batch.max.size": 3}}`, srv.URL+"/events"))
	require.Empty(t, res.Omissions)
	assert.NotContains(t, string(res.YAML), "literal-never-copied")

	var records []*kgo.Record
	for i := 0; i < 3; i++ {
		records = append(records, &kgo.Record{Topic: "domain_a.events", Value: []byte(fmt.Sprintf("e%d", i))})
	}
	// A tombstone, which Aiven's connector fails on: refused, never sent.
	records = append(records, &kgo.Record{Topic: "domain_a.events", Key: []byte("gone")})
	produceTo(t, broker.Addr(), records)
	runStream(t, buildStream(t, string(res.YAML), map[string]string{
		"KAFKA_BROKERS":           broker.Addr(),
		"HTTP_SINK_AUTHORIZATION": "Bearer from-env",
	}))

	deadline := time.Now().Add(30 * time.Second)
	for {
		got := requests()
		if len(got) > 0 {
			time.Sleep(2 * time.Second) // the tombstone, delivered again and again, is never sent
			got = requests()
			require.Len(t, got, 1, "one request for the batch of three")
			r := got[0]
			assert.Equal(t, http.MethodPost, r.method)
			assert.Equal(t, "/events", r.path)
			assert.Equal(t, "e0\ne1\ne2\n", r.body)
			assert.Equal(t, "Bearer from-env", r.header.Get("Authorization"))
			assert.Equal(t, "application/x-ndjson", r.header.Get("Content-Type"))
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no request received")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Client settings Kafka's clients would refuse are refused, naming the
// property and what was expected.
func TestInvalidClientSettingsAreRefused(t *testing.T) {
	for props, want := range map[string]string{
		"consumer.override.session.timeout.ms=soon":  `consumer.override.session.timeout.ms (line 4): "soon" is not a number of milliseconds`,
		"consumer.override.auto.offset.reset=oldest": `consumer.override.auto.offset.reset (line 4): "oldest" is not one of earliest, latest, none`,
		"consumer.override.security.protocol=TLS":    `consumer.override.security.protocol (line 4): "TLS" is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL`,
		"producer.override.acks=1\nproducer.override.enable.idempotence=true\nerrors.tolerance=all\nerrors.deadletterqueue.topic.name=dlq": `producer.override.enable.idempotence (line 5): idempotence needs acks=all`,
	} {
		c, err := Parse("c.properties", []byte("name=x\nconnector.class=FileStreamSink\ntopics=a\n"+props+"\n"))
		require.NoError(t, err)
		_, err = Translate(c)
		require.Error(t, err, props)
		assert.Contains(t, err.Error(), want)
	}
}

// MirrorMaker 2's own consumer.* settings are not taken for client settings.
func TestMirrorMakerOwnSettingsAreNotClientSettings(t *testing.T) {
	res := translateText(t, "mm2.properties", `
name=mm2
connector.class=MirrorSourceConnector
source.cluster.bootstrap.servers=a:9092
target.cluster.bootstrap.servers=b:9092
consumer.poll.timeout.ms=500
consumer.max.poll.records=10
consumer.fetch.min.bytes=2048
emit.offset-syncs.enabled=false
sync.topic.configs.enabled=false
sync.topic.acls.enabled=false
`)
	var props []string
	for _, o := range res.Omissions {
		props = append(props, o.Property)
	}
	assert.ElementsMatch(t, []string{"consumer.max.poll.records", "connector.class"}, props)
	assert.Contains(t, string(res.YAML), "fetch_min_bytes: 2048B")
}
