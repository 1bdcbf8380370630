package migrate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"

	_ "github.com/benthos-wasm/benthos-wasm/processor"
)

// record is a message in or out of the generated processors.
type record struct {
	payload string
	meta    map[string]any
	err     string // the error flag, out only
}

// pipelineProcessors translates a connector config and returns its
// pipeline's processors, each as YAML for StreamBuilder.AddProcessorYAML.
func pipelineProcessors(t *testing.T, properties string) []string {
	t.Helper()
	c, err := Parse("connector.properties", []byte(properties))
	require.NoError(t, err)
	res, err := Translate(c)
	require.NoError(t, err)
	var doc struct {
		Pipeline struct {
			Processors []yaml.Node `yaml:"processors"`
		} `yaml:"pipeline"`
	}
	require.NoError(t, yaml.Unmarshal(res.YAML, &doc), string(res.YAML))
	var procs []string
	for _, p := range doc.Pipeline.Processors {
		b, err := yaml.Marshal(&p)
		require.NoError(t, err)
		if strings.Contains(string(b), "- crash: ") {
			// A source's stop on the first failed record (stopOnError)
			// would end the test process; these tests look at each
			// record's error instead, and the binary's tests at the stop.
			continue
		}
		procs = append(procs, string(b))
	}
	require.NotEmpty(t, procs, string(res.YAML))
	return procs
}

// runRecords runs records one at a time through a connector's translated
// transforms chain and returns what comes out of each (nothing when dropped).
func runRecords(t *testing.T, properties string, in ...record) [][]record {
	t.Helper()
	builder := service.NewStreamBuilder()
	require.NoError(t, builder.SetLoggerYAML("level: none"))
	produce, err := builder.AddBatchProducerFunc()
	require.NoError(t, err)
	for _, p := range pipelineProcessors(t, properties) {
		require.NoError(t, builder.AddProcessorYAML(p), p)
	}
	var mu sync.Mutex
	var got []record
	require.NoError(t, builder.AddBatchConsumerFunc(func(_ context.Context, batch service.MessageBatch) error {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range batch {
			b, err := m.AsBytes()
			require.NoError(t, err)
			r := record{payload: string(b), meta: map[string]any{}}
			_ = m.MetaWalkMut(func(k string, v any) error { r.meta[k] = v; return nil })
			if e := m.GetError(); e != nil {
				r.err = e.Error()
			}
			got = append(got, r)
		}
		return nil
	}))
	stream, err := builder.Build()
	require.NoError(t, err)
	// A guard against a stuck stream, not a speed target: compiling a 3 MB Go
	// guest under -race on a loaded 2-core machine has taken over 20 s.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	go func() { _ = stream.Run(ctx) }()
	defer func() { _ = stream.Stop(context.Background()) }()

	var outs [][]record
	for _, r := range in {
		m := service.NewMessage([]byte(r.payload))
		for k, v := range r.meta {
			m.MetaSetMut(k, v)
		}
		require.NoError(t, produce(ctx, service.MessageBatch{m}))
		mu.Lock()
		outs = append(outs, got)
		got = nil
		mu.Unlock()
	}
	return outs
}

// one runs a single record and expects exactly one out.
func one(t *testing.T, properties string, in record) record {
	t.Helper()
	outs := runRecords(t, properties, in)
	require.Len(t, outs[0], 1, "expected one record out")
	return outs[0][0]
}

// sink is a file sink connector config with the given transforms lines.
func sink(lines ...string) string {
	return "name=t\nconnector.class=org.apache.kafka.connect.file.FileStreamSinkConnector\ntopics=in\nfile=/tmp/x\n" +
		strings.Join(lines, "\n") + "\n"
}

// kafkaMeta is the metadata kafka_franz sets on a record from topic in.
func kafkaMeta(extra ...any) map[string]any {
	m := map[string]any{"kafka_topic": "orders-7", "kafka_partition": 3, "kafka_offset": 42, "kafka_timestamp_ms": int64(1700000000123)}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func TestInsertFieldAddsRecordCoordinates(t *testing.T) {
	conf := sink("transforms=i",
		"transforms.i.type=org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.i.topic.field=t", "transforms.i.partition.field=p!", "transforms.i.offset.field=o",
		"transforms.i.timestamp.field=ts?", "transforms.i.static.field=src", "transforms.i.static.value=kafka")
	out := one(t, conf, record{payload: `{"a":1,"t":"old"}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"a":1,"t":"orders-7","p":3,"o":42,"ts":1700000000123,"src":"kafka"}`, out.payload)
	assert.Empty(t, out.err)

	// A tombstone passes untouched; a value that is not an object fails.
	out = one(t, conf, record{payload: "", meta: kafkaMeta("kafka_tombstone_message", true)})
	assert.Equal(t, "", out.payload)
	assert.Empty(t, out.err)
	out = one(t, conf, record{payload: `[1]`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "InsertField$Value: Only Map objects supported in absence of schema for [field insertion], found: java.util.ArrayList")
}

func TestInsertFieldKeyWorksOnTheJSONKey(t *testing.T) {
	conf := sink("transforms=i", "transforms.i.type=InsertField$Key", "transforms.i.static.field=v", "transforms.i.static.value=1")
	out := one(t, conf, record{payload: `x`, meta: kafkaMeta("kafka_key", `{"id":5}`)})
	assert.Equal(t, `{"id":5,"v":"1"}`, out.meta["kafka_key"])
	assert.Equal(t, "x", out.payload)
	// A null key stays null.
	out = one(t, conf, record{payload: `x`, meta: kafkaMeta()})
	assert.NotContains(t, out.meta, "kafka_key")
	assert.Empty(t, out.err)
}

func TestReplaceFieldExcludesIncludesAndRenames(t *testing.T) {
	conf := sink("transforms=r", "transforms.r.type=org.apache.kafka.connect.transforms.ReplaceField$Value",
		"transforms.r.blacklist=secret", "transforms.r.renames=cust_id:customerId,amt:amount")
	out := one(t, conf, record{payload: `{"cust_id":7,"amt":9.5,"secret":"x","keep":true}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"customerId":7,"amount":9.5,"keep":true}`, out.payload)

	// include keeps only the listed fields; exclude wins over include.
	conf = sink("transforms=r", "transforms.r.type=ReplaceField$Value", "transforms.r.include=a,b", "transforms.r.exclude=b")
	out = one(t, conf, record{payload: `{"a":1,"b":2,"c":3}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"a":1}`, out.payload)
}

func TestMaskFieldMasksWithTheEmptyValueOfEachType(t *testing.T) {
	conf := sink("transforms=m", "transforms.m.type=org.apache.kafka.connect.transforms.MaskField$Value",
		"transforms.m.fields=s,i,f,b,l,o,n")
	out := one(t, conf, record{payload: `{"s":"secret","i":42,"f":1.5,"b":true,"l":[1],"o":{"x":1},"n":null,"keep":"me"}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"s":"","i":0,"f":0,"b":false,"l":[],"o":{},"n":null,"keep":"me"}`, out.payload)

	// With a replacement: strings get it, numbers get it as a number, a
	// boolean cannot be masked with one.
	conf = sink("transforms=m", "transforms.m.type=MaskField$Value", "transforms.m.fields=s,i", "transforms.m.replacement=99")
	out = one(t, conf, record{payload: `{"s":"secret","i":42}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"s":"99","i":99}`, out.payload)
	conf = sink("transforms=m", "transforms.m.type=MaskField$Value", "transforms.m.fields=b", "transforms.m.replacement=x")
	out = one(t, conf, record{payload: `{"b":true}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "MaskField$Value: Cannot mask value of type class java.lang.Boolean with custom replacement.")
}

func TestValueToKeyThenExtractFieldKey(t *testing.T) {
	conf := sink("transforms=k", "transforms.k.type=org.apache.kafka.connect.transforms.ValueToKey", "transforms.k.fields=id,region")
	out := one(t, conf, record{payload: `{"id":7,"region":"eu","name":"x<y"}`, meta: kafkaMeta()})
	assert.Equal(t, `{"id":7,"region":"eu"}`, out.meta["kafka_key"])
	assert.JSONEq(t, `{"id":7,"region":"eu","name":"x<y"}`, out.payload)

	conf = sink("transforms=k,e", "transforms.k.type=ValueToKey", "transforms.k.fields=id",
		"transforms.e.type=org.apache.kafka.connect.transforms.ExtractField$Key", "transforms.e.field=id")
	out = one(t, conf, record{payload: `{"id":"user-7"}`, meta: kafkaMeta()})
	assert.Equal(t, "user-7", out.meta["kafka_key"], "a string key is kafka_key as is")
	out = one(t, conf, record{payload: `{"id":7}`, meta: kafkaMeta()})
	assert.Equal(t, "7", out.meta["kafka_key"])
	out = one(t, conf, record{payload: `{"other":1}`, meta: kafkaMeta()})
	assert.NotContains(t, out.meta, "kafka_key", "a missing field makes a null key")
}

func TestExtractFieldValue(t *testing.T) {
	conf := sink("transforms=e", "transforms.e.type=ExtractField$Value", "transforms.e.field=after")
	out := one(t, conf, record{payload: `{"before":null,"after":{"id":1}}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"id":1}`, out.payload)
	out = one(t, conf, record{payload: `{"after":"text"}`, meta: kafkaMeta()})
	assert.Equal(t, "text", out.payload)
	out = one(t, conf, record{payload: `{"before":{"id":1},"after":null}`, meta: kafkaMeta()})
	assert.Equal(t, true, out.meta["kafka_tombstone_message"], "a null field makes a tombstone")
}

func TestHoistField(t *testing.T) {
	conf := sink("transforms=h,k", "transforms.h.type=HoistField$Value", "transforms.h.field=data",
		"transforms.k.type=HoistField$Key", "transforms.k.field=id")
	out := one(t, conf, record{payload: `{"a":1}`, meta: kafkaMeta("kafka_key", "7")})
	assert.JSONEq(t, `{"data":{"a":1}}`, out.payload)
	assert.Equal(t, `{"id":7}`, out.meta["kafka_key"])
	out = one(t, conf, record{payload: `plain text`, meta: kafkaMeta("kafka_key", "k1")})
	assert.JSONEq(t, `{"data":"plain text"}`, out.payload)
	assert.Equal(t, `{"id":"k1"}`, out.meta["kafka_key"])
}

func TestRegexRouterRewritesTheTopicWithGroups(t *testing.T) {
	conf := sink("transforms=r", "transforms.r.type=org.apache.kafka.connect.transforms.RegexRouter",
		`transforms.r.regex=(\\w+)-(\\d+)`, "transforms.r.replacement=$2x_$1")
	out := one(t, conf, record{payload: "v", meta: kafkaMeta()})
	assert.Equal(t, "7x_orders", out.meta["kafka_topic"])
	// Only a whole-name match is rewritten.
	out = one(t, conf, record{payload: "v", meta: kafkaMeta("kafka_topic", "orders-7-old")})
	assert.Equal(t, "orders-7-old", out.meta["kafka_topic"])
}

func TestTimestampRouterFormatsInUTC(t *testing.T) {
	conf := sink("transforms=r", "transforms.r.type=TimestampRouter",
		"transforms.r.topic.format=${topic}_${timestamp}", "transforms.r.timestamp.format=yyyy.MM.dd'T'HH")
	out := one(t, conf, record{payload: "v", meta: kafkaMeta()})
	assert.Equal(t, "orders-7_2023.11.14T22", out.meta["kafka_topic"])
	// The default format, yyyyMMdd; no timestamp fails the record.
	conf = sink("transforms=r", "transforms.r.type=TimestampRouter")
	out = one(t, conf, record{payload: "v", meta: kafkaMeta()})
	assert.Equal(t, "orders-7-20231114", out.meta["kafka_topic"])
	out = one(t, conf, record{payload: "v", meta: map[string]any{"kafka_topic": "t"}})
	assert.NotEmpty(t, out.err)
}

func TestHeaderTransforms(t *testing.T) {
	conf := sink("transforms=ih,dh,hf",
		"transforms.ih.type=InsertHeader", "transforms.ih.header=origin", "transforms.ih.value.literal=s3",
		"transforms.dh.type=DropHeaders", "transforms.dh.headers=secret,debug",
		"transforms.hf.type=HeaderFrom$Value", "transforms.hf.fields=tenant,n", "transforms.hf.headers=x-tenant,x-n",
		"transforms.hf.operation=move")
	out := one(t, conf, record{payload: `{"tenant":"acme","n":3,"rest":1}`, meta: kafkaMeta("secret", "pw", "keep", "me")})
	assert.JSONEq(t, `{"rest":1}`, out.payload)
	assert.Equal(t, "s3", out.meta["origin"])
	assert.Equal(t, "acme", out.meta["x-tenant"])
	assert.Equal(t, "3", fmt.Sprint(out.meta["x-n"]))
	assert.Equal(t, "me", out.meta["keep"])
	assert.NotContains(t, out.meta, "secret")

	conf = sink("transforms=hf", "transforms.hf.type=HeaderFrom$Key", "transforms.hf.fields=id",
		"transforms.hf.headers=key-id", "transforms.hf.operation=copy")
	out = one(t, conf, record{payload: `v`, meta: kafkaMeta("kafka_key", `{"id":"k9"}`)})
	assert.Equal(t, "k9", out.meta["key-id"])
	assert.Equal(t, `{"id":"k9"}`, out.meta["kafka_key"])
}

// The predicates, each on a mapping SMT (a switch case) and on the Wasm
// SMT (its check).
func TestPredicates(t *testing.T) {
	for _, c := range []struct {
		name, predicate string
		negate          bool
		in              record
		applies         bool
	}{
		{"topic matches as a whole", "TopicNameMatches\npredicates.p.pattern=orders-\\\\d+", false, record{meta: kafkaMeta()}, true},
		{"topic matches only in part", "TopicNameMatches\npredicates.p.pattern=orders", false, record{meta: kafkaMeta()}, false},
		{"topic match negated", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches\npredicates.p.pattern=orders", true, record{meta: kafkaMeta()}, true},
		{"header present", "HasHeaderKey\npredicates.p.name=trace-id", false, record{meta: kafkaMeta("trace-id", "abc")}, true},
		{"header absent", "HasHeaderKey\npredicates.p.name=trace-id", false, record{meta: kafkaMeta()}, false},
		{"tombstone", "RecordIsTombstone", false, record{meta: kafkaMeta("kafka_tombstone_message", true)}, true},
		{"tombstone as text", "RecordIsTombstone", false, record{meta: kafkaMeta("kafka_tombstone_message", "true")}, true},
		{"not a tombstone", "RecordIsTombstone", false, record{payload: "v", meta: kafkaMeta("kafka_tombstone_message", false)}, false},
		{"not a tombstone, negated", "RecordIsTombstone", true, record{payload: "v", meta: kafkaMeta()}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			predicate := "predicates=p\npredicates.p.type=" + c.predicate
			negate := ""
			if c.negate {
				negate = "transforms.x.negate=true"
			}
			// A mapping SMT under the predicate.
			out := one(t, sink("transforms=x", "transforms.x.type=InsertHeader", "transforms.x.header=applied",
				"transforms.x.value.literal=yes", "transforms.x.predicate=p", negate, predicate), c.in)
			assert.Equal(t, c.applies, out.meta["applied"] == "yes", "InsertHeader applied")
			assert.Empty(t, out.err, "the predicate evaluated without error")

			// Filter drops exactly the records the predicate selects.
			outs := runRecords(t, sink("transforms=x", "transforms.x.type=Filter", "transforms.x.predicate=p", negate, predicate), c.in)
			assert.Equal(t, c.applies, len(outs[0]) == 0, "Filter dropped")

			// The Wasm SMT under the predicate.
			in := c.in
			in.payload = "hello"
			out = one(t, sink("transforms=x", "transforms.x.type="+wasmTransformerClass,
				"transforms.x.module.path=../testdata/wasm/rust.wasm", "transforms.x.function.name=to_upper",
				"transforms.x.predicate=p", negate, predicate), in)
			// On a tombstone the guest finds no value to read: the record
			// fails, which shows the SMT ran.
			ran := out.payload == "HELLO" || strings.Contains(out.err, "value")
			assert.Equal(t, c.applies, ran, "wasm_smt applied: %q %q", out.payload, out.err)
			if !c.applies {
				assert.Empty(t, out.err, "a record the predicate passes over is not flagged")
			}
		})
	}
}

func TestAChainStopsAtTheFirstFailingTransform(t *testing.T) {
	conf := sink("transforms=e,h",
		"transforms.e.type=ExtractField$Value", "transforms.e.field=x",
		"transforms.h.type=InsertHeader", "transforms.h.header=after", "transforms.h.value.literal=yes")
	out := one(t, conf, record{payload: `not json`, meta: kafkaMeta()})
	assert.NotEmpty(t, out.err)
	assert.NotContains(t, out.meta, "after", "the transform after the failing one did not run")
}
