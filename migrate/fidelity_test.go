package migrate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The translated SMTs run on records as Kafka Connect's do, each expected
// result checked against Apache Kafka's transforms (connect/transforms),
// converters (StringConverter, JsonConverter) and java.util.regex.

// golden reads the connector config of a golden case.
func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name, "connector.properties"))
	require.NoError(t, err)
	return string(b)
}

func TestHoistFieldWrapsAStringConverterValueAsAString(t *testing.T) {
	conf := golden(t, "fidelity-hoist-string-converter")
	out := one(t, conf, record{payload: `{"a":1}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"payload":"{\"a\":1}"}`, out.payload)
	out = one(t, conf, record{payload: `42`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"payload":"42"}`, out.payload)
	out = one(t, conf, record{payload: `plain text`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"payload":"plain text"}`, out.payload)
	// HoistField wraps null too: the tombstone becomes a record.
	out = one(t, conf, tombstone())
	assert.JSONEq(t, `{"payload":null}`, out.payload)
	assert.NotContains(t, out.meta, "kafka_tombstone_message")

	// The key under StringConverter is a string as well.
	conf = sink("key.converter=StringConverter", "transforms=k", "transforms.k.type=HoistField$Key", "transforms.k.field=id")
	out = one(t, conf, record{payload: "v", meta: kafkaMeta("kafka_key", "7")})
	assert.Equal(t, `{"id":"7"}`, out.meta["kafka_key"])
}

func TestMapSMTsFailOnAString(t *testing.T) {
	conf := golden(t, "fidelity-insertfield-on-string")
	out := one(t, conf, record{payload: `{"a":1}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "InsertField$Value: Only Struct objects supported for [field insertion], found: java.lang.String")
	out = one(t, conf, tombstone())
	assert.Empty(t, out.err, "InsertField passes a null value")

	conf = sink("value.converter=StringConverter", "transforms=m", "transforms.m.type=MaskField$Value", "transforms.m.fields=a")
	out = one(t, conf, record{payload: `{"a":"x"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "MaskField$Value: Only Struct objects supported for [mask fields], found: java.lang.String")
	out = one(t, conf, tombstone())
	assert.Contains(t, out.err, "MaskField$Value: Only Struct objects supported for [mask fields], found: null")

	conf = sink("value.converter=StringConverter", "transforms=e", "transforms.e.type=ExtractField$Value", "transforms.e.field=a")
	out = one(t, conf, record{payload: `{"a":"x"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "ExtractField$Value: Only Struct objects supported for [field extraction], found: java.lang.String")

	// Kafka Connect looks the field up in the String schema first: a
	// tombstone fails too.
	out = one(t, conf, tombstone())
	assert.Contains(t, out.err, "ExtractField$Value: Cannot look up fields on non-struct type")

	conf = sink("value.converter=ByteArrayConverter", "transforms=r", "transforms.r.type=ReplaceField$Value", "transforms.r.exclude=a")
	out = one(t, conf, record{payload: `{"a":"x"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "ReplaceField$Value: Only Struct objects supported for [field replacement], found: [B")
}

// Hoisted, a String is a Struct's field: ExtractField gets it back as the
// string it was, and a field the Struct lacks fails.
func TestHoistThenExtractUnderStringConverter(t *testing.T) {
	conf := sink("value.converter=StringConverter", "transforms=h,i,e",
		"transforms.h.type=HoistField$Value", "transforms.h.field=p",
		"transforms.i.type=InsertField$Value", "transforms.i.static.field=s", "transforms.i.static.value=x",
		"transforms.e.type=ExtractField$Value", "transforms.e.field=p")
	out := one(t, conf, record{payload: `{"a":1}`, meta: kafkaMeta()})
	assert.Equal(t, `{"a":1}`, out.payload)
	assert.Empty(t, out.err)

	conf = sink("value.converter=StringConverter", "transforms=h,e",
		"transforms.h.type=HoistField$Value", "transforms.h.field=p",
		"transforms.e.type=ExtractField$Value", "transforms.e.field=q")
	out = one(t, conf, record{payload: `x`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "ExtractField$Value: Unknown field: q")
}

func TestMaskFieldReplacementFollowsJavaTypes(t *testing.T) {
	conf := golden(t, "fidelity-maskfield-number-replacement")
	out := one(t, conf, record{payload: `{"age":30,"score":9.75,"name":"n"}`, meta: kafkaMeta()})
	// age is a Long: new BigDecimal("12.5").longValue() is 12; score a
	// Double: 12.5; active, absent, is put as null.
	assert.JSONEq(t, `{"age":12,"score":12.5,"active":null,"name":"n"}`, out.payload)
	assert.Empty(t, out.err)
	out = one(t, conf, record{payload: `{"age":-3,"score":1.0}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"age":12,"score":12.5,"active":null}`, out.payload, "1.0 is a Double")
	out = one(t, conf, record{payload: `{"active":true}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "MaskField$Value: Cannot mask value of type class java.lang.Boolean with custom replacement.")
	out = one(t, conf, record{payload: `{"age":[1]}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "Cannot mask value of type class java.util.ArrayList with custom replacement.")
	// A tombstone fails: MaskField requires a Map.
	out = one(t, conf, tombstone())
	assert.Contains(t, out.err, "MaskField$Value: Only Map objects supported in absence of schema for [mask fields], found: null")
	out = one(t, conf, record{payload: `42`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "found: java.lang.Long")

	// A replacement that is not a number fails on number fields only.
	conf = sink("transforms=m", "transforms.m.type=MaskField$Value", "transforms.m.fields=n,s", "transforms.m.replacement=abc")
	out = one(t, conf, record{payload: `{"s":"secret"}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"s":"abc","n":null}`, out.payload)
	out = one(t, conf, record{payload: `{"n":5}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "MaskField$Value: Unable to convert abc (class java.lang.String) to a number")

	// Exponents and signs, as BigDecimal reads them.
	conf = sink("transforms=m", "transforms.m.type=MaskField$Value", "transforms.m.fields=i,d", "transforms.m.replacement=-1.5e1")
	out = one(t, conf, record{payload: `{"i":1,"d":2.5}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"i":-15,"d":-15}`, out.payload)
}

func TestMaskFieldEmptyReplacementIsRefused(t *testing.T) {
	c, err := Parse("connector.properties", []byte(golden(t, "fidelity-maskfield-empty-replacement")))
	require.NoError(t, err)
	_, err = Translate(c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "transforms.mask.replacement")
	assert.Contains(t, err.Error(), "non-empty")
}

// Null handling of each SMT, as upstream: InsertField, ReplaceField and
// ExtractField pass a null value, HoistField wraps it, MaskField,
// ValueToKey and HeaderFrom fail on it.
func TestTombstonesAsKafkaConnect(t *testing.T) {
	for _, c := range []struct {
		smt   string
		props []string
		fails string // "" when the tombstone passes
	}{
		{"InsertField$Value", []string{"static.field=s", "static.value=v"}, ""},
		{"ReplaceField$Value", []string{"exclude=a"}, ""},
		{"ExtractField$Value", []string{"field=a"}, ""},
		{"MaskField$Value", []string{"fields=a"}, "Only Map objects supported in absence of schema for [mask fields], found: null"},
		{"ValueToKey", []string{"fields=a"}, "Only Map objects supported in absence of schema for [copying fields from value to key], found: null"},
		{"HeaderFrom$Value", []string{"fields=a", "headers=h", "operation=copy"}, "Only Map objects supported in absence of schema for [header copy], found: null"},
	} {
		lines := []string{"value.converter=JsonConverter", "value.converter.schemas.enable=false", "transforms=x", "transforms.x.type=" + c.smt}
		for _, p := range c.props {
			lines = append(lines, "transforms.x."+p)
		}
		out := one(t, sink(lines...), tombstone())
		if c.fails == "" {
			assert.Empty(t, out.err, c.smt)
			assert.Equal(t, "", out.payload, c.smt)
			assert.Equal(t, true, out.meta["kafka_tombstone_message"], "%s: still a tombstone", c.smt)
		} else {
			assert.Contains(t, out.err, c.fails, c.smt)
		}
	}
	out := one(t, sink("transforms=h", "transforms.h.type=HoistField$Value", "transforms.h.field=f"), tombstone())
	assert.JSONEq(t, `{"f":null}`, out.payload)
}

// The FileStream source chain of the issue: four lines, all written, as
// Kafka Connect writes them (the lines are Strings; JsonConverter writes
// the Struct as a JSON object).
func TestFileStreamSourceSixSMTs(t *testing.T) {
	conf := golden(t, "fidelity-filestream-six-smts")
	in := func(line string) record {
		return record{payload: line, meta: map[string]any{"kafka_topic": "app-log", "debug": "1"}}
	}
	outs := runRecords(t, conf, in(`{"a":1}`), in(`42`), in(`plain text`), in(`[1,2]`))
	for i, out := range outs {
		require.Len(t, out, 1, "line %d", i)
		assert.Empty(t, out[0].err, "line %d", i)
		assert.JSONEq(t, `{"line":"<redacted>","host":"web-1","topic":"app-log"}`, out[0].payload, "line %d", i)
		assert.Equal(t, "logs-log", out[0].meta["kafka_topic"])
		assert.Equal(t, "file", out[0].meta["origin"])
		assert.NotContains(t, out[0].meta, "debug")
	}
}

func TestFileStreamSourceConverters(t *testing.T) {
	// JsonConverter: a line is a String, written as a JSON string.
	out := one(t, golden(t, "filestream-source-jsonconverter"), record{payload: `say "hi"\`, meta: map[string]any{"kafka_topic": "lines"}})
	assert.Equal(t, `"say \"hi\"\\"`, out.payload)
	out = one(t, golden(t, "filestream-source-jsonconverter"), record{payload: `{"a":1}`, meta: map[string]any{"kafka_topic": "lines"}})
	assert.Equal(t, `"{\"a\":1}"`, out.payload)
	// ByteArrayConverter refuses a String.
	out = one(t, golden(t, "fidelity-filestream-bytearray"), record{payload: `x`, meta: map[string]any{"kafka_topic": "lines"}})
	assert.Contains(t, out.err, "Invalid schema type for ByteArrayConverter: STRING")
}

func TestRegexRouterJavaReplacementOnRecords(t *testing.T) {
	topic := func(topic string) record { return record{payload: "v", meta: kafkaMeta("kafka_topic", topic)} }
	conf := golden(t, "fidelity-regexrouter-java-groups")
	assert.Equal(t, "a0$x", one(t, conf, topic("a.b")).meta["kafka_topic"])
	assert.Equal(t, "c.d", one(t, conf, topic("c.d")).meta["kafka_topic"])

	// $2 with one group: records whose topic matches fail; others pass.
	conf = golden(t, "fidelity-regexrouter-missing-group")
	out := one(t, conf, topic("a.b"))
	assert.Contains(t, out.err, "No group 2")
	out = one(t, conf, topic("x.c"))
	assert.Empty(t, out.err)
	assert.Equal(t, "x.c", out.meta["kafka_topic"])

	// [[:alpha:]] is Java's class of ':', 'a', 'l', 'p', 'h'.
	conf = golden(t, "fidelity-regex-posix-bracket")
	assert.Equal(t, "matched-alpha", one(t, conf, topic("alpha")).meta["kafka_topic"])
	assert.Equal(t, "orders", one(t, conf, topic("orders")).meta["kafka_topic"])
}

func TestTopicNameMatchesIntersectionOnRecords(t *testing.T) {
	conf := golden(t, "fidelity-topic-predicate-intersection")
	out := one(t, conf, record{payload: "v", meta: kafkaMeta("kafka_topic", "abc")})
	assert.Equal(t, "yes", out.meta["no-x"])
	out = one(t, conf, record{payload: "v", meta: kafkaMeta("kafka_topic", "abx")})
	assert.NotContains(t, out.meta, "no-x")
}

// ExtractField can make the value a String: the SMTs after it see a
// string, however much its text looks like JSON.
func TestExtractFieldStringThenMapSMTs(t *testing.T) {
	conf := golden(t, "fidelity-extractfield-string-then-map")
	at := func(topic, payload string) record {
		return record{payload: payload, meta: kafkaMeta("kafka_topic", topic)}
	}
	out := one(t, conf, at("audit.events", `{"body":"{\"a\":1}"}`))
	assert.Contains(t, out.err, "InsertField$Value: Only Map objects supported in absence of schema for [field insertion], found: java.lang.String")
	out = one(t, conf, at("audit.events", `{"body":{"a":1}}`))
	assert.JSONEq(t, `{"a":1,"audited":"yes"}`, out.payload)
	// Where the predicate passes over InsertField, the string is written as
	// its text, as the connector gets it.
	out = one(t, conf, at("events", `{"body":"{\"a\":1}"}`))
	assert.Empty(t, out.err)
	assert.Equal(t, `{"a":1}`, out.payload)

	conf = sink("value.converter=JsonConverter", "value.converter.schemas.enable=false", "transforms=e,h",
		"transforms.e.type=ExtractField$Value", "transforms.e.field=body",
		"transforms.h.type=HoistField$Value", "transforms.h.field=wrapped")
	out = one(t, conf, at("events", `{"body":"{\"a\":1}"}`))
	assert.JSONEq(t, `{"wrapped":"{\"a\":1}"}`, out.payload)
	out = one(t, conf, at("events", `{"body":42}`))
	assert.JSONEq(t, `{"wrapped":42}`, out.payload)

	// The same for the key.
	conf = sink("key.converter=JsonConverter", "key.converter.schemas.enable=false", "transforms=e,h",
		"transforms.e.type=ExtractField$Key", "transforms.e.field=id",
		"transforms.h.type=HoistField$Key", "transforms.h.field=k")
	out = one(t, conf, record{payload: "v", meta: kafkaMeta("kafka_key", `{"id":"[1]"}`)})
	assert.Equal(t, `{"k":"[1]"}`, out.meta["kafka_key"])
}

// With a schema (the FileStream lines hoisted into a Struct), ValueToKey
// fails on a field the Struct lacks, as Kafka Connect does.
func TestValueToKeyOnAStruct(t *testing.T) {
	conf := "name=s\nconnector.class=FileStreamSource\ntopic=t\n" +
		"transforms=h,k\ntransforms.h.type=HoistField$Value\ntransforms.h.field=line\n" +
		"transforms.k.type=ValueToKey\ntransforms.k.fields=line,other\n"
	out := one(t, conf, record{payload: "x", meta: map[string]any{"kafka_topic": "t"}})
	assert.Contains(t, out.err, "ValueToKey: Field does not exist: other")
	conf = strings.Replace(conf, "line,other", "line", 1)
	out = one(t, conf, record{payload: "x", meta: map[string]any{"kafka_topic": "t"}})
	assert.Equal(t, `{"line":"x"}`, out.meta["kafka_key"])
}

// Each row checked with java.math.BigDecimal on JDK 17.
func TestJavaBigDecimal(t *testing.T) {
	for _, c := range []struct {
		text   string
		long   int64
		double float64
		ok     bool
	}{
		{"12.5", 12, 12.5, true},
		{"-12.5", -12, -12.5, true},
		{"1e3", 1000, 1000, true},
		{"+7", 7, 7, true},
		{".5", 0, 0.5, true},
		{"5.", 5, 5, true},
		{"1E-2", 0, 0.01, true},
		{"99999999999999999999", 7766279631452241919, 1e20, true},
		{"-99999999999999999999", -7766279631452241919, -1e20, true},
		{"abc", 0, 0, false},
		{" 1", 0, 0, false},
		{"1_0", 0, 0, false},
	} {
		long, double, ok, err := javaBigDecimal(c.text)
		require.NoError(t, err)
		assert.Equal(t, c.ok, ok, c.text)
		if ok {
			assert.Equal(t, c.long, long, c.text)
			assert.Equal(t, c.double, double, c.text)
		}
	}
	_, _, _, err := javaBigDecimal("1e99999")
	assert.Error(t, err, "not computed: reported")
}

// A FileStream line hoisted, a field inserted and extracted: JsonConverter
// writes the String field as a JSON string, and the line, extracted back,
// as one too.
func TestFileStreamSourceExtractedFieldUnderJsonConverter(t *testing.T) {
	base := "name=s\nconnector.class=FileStreamSource\ntopic=t\nvalue.converter=JsonConverter\nvalue.converter.schemas.enable=false\n" +
		"transforms=h,i,e\ntransforms.h.type=HoistField$Value\ntransforms.h.field=line\n" +
		"transforms.i.type=InsertField$Value\ntransforms.i.static.field=host\ntransforms.i.static.value=web-1\n" +
		"transforms.e.type=ExtractField$Value\n"
	line := record{payload: `{"a":1}`, meta: map[string]any{"kafka_topic": "t"}}
	assert.Equal(t, `"web-1"`, one(t, base+"transforms.e.field=host\n", line).payload)
	assert.Equal(t, `"{\"a\":1}"`, one(t, base+"transforms.e.field=line\n", line).payload)
}
