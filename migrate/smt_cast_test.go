package migrate

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Java's casts, as Kafka Connect's Cast applies them to what JsonConverter
// reads from JSON (an integer is a Long, other numbers a Double).
func TestCastFollowsJavaConversions(t *testing.T) {
	conf := sink("transforms=c", "transforms.c.type=org.apache.kafka.connect.transforms.Cast$Value",
		"transforms.c.spec=a:int8,b:int8,c:int32,d:int8,e:int8,f:int32,g:int8,h:int16,i:int64,missing:int8")
	out := one(t, conf, record{payload: `{"a":300,"b":-129,"c":3000000000,"d":42.9,"e":-42.9,"f":10000000000.0,"g":10000000000.0,"h":"+42","i":"-9223372036854775808","keep":"x"}`, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.JSONEq(t, `{"a":44,"b":127,"c":-1294967296,"d":42,"e":-42,"f":2147483647,"g":-1,"h":42,"i":-9223372036854775808,"keep":"x","missing":null}`, out.payload,
		"longs wrap around; doubles truncate toward zero and saturate at int first; a missing field becomes null")

	for in, want := range map[string]string{`{"s":" 42"}`: "value ( 42) was out of range", `{"s":"4.2"}`: "value (4.2) was out of range", `{"s":"300"}`: "value (300) was out of range", `{"s":{"x":1}}`: "cannot cast from MAP"} {
		out := one(t, sink("transforms=c", "transforms.c.type=Cast$Value", "transforms.c.spec=s:int8"), record{payload: in, meta: kafkaMeta()})
		assert.Contains(t, out.err, "Cast$Value: "+want, in)
	}

	conf = sink("transforms=c", "transforms.c.type=Cast$Value", "transforms.c.spec=a:float64,b:float32,c:boolean,d:boolean,e:boolean,f:boolean,g:float64")
	out = one(t, conf, record{payload: `{"a":" 1.5f ","b":0.1,"c":"TRUE","d":"yes","e":0.5,"f":-1.5,"g":true}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"a":1.5,"b":0.1,"c":true,"d":false,"e":false,"f":true,"g":1}`, out.payload)
	out = one(t, sink("transforms=c", "transforms.c.type=Cast$Value", "transforms.c.spec=a:float64"), record{payload: `{"a":"NaN"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "value (NaN) was out of range", "NaN has no JSON number")

	// Double.toString's text.
	conf = sink("transforms=c", "transforms.c.type=Cast$Value", "transforms.c.spec=a:string,b:string,c:string,d:string,e:string,f:string,g:string,h:string,i:string")
	out = one(t, conf, record{payload: `{"a":0.00001,"b":100.0,"c":12345678.9,"d":true,"e":42,"f":-0.001,"g":1e21,"h":0.5,"i":123456.7}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"a":"1.0E-5","b":"100.0","c":"1.23456789E7","d":"true","e":"42","f":"-0.001","g":"1.0E21","h":"0.5","i":"123456.7"}`, out.payload)
}

// The golden case's chain (Flatten, Cast, TimestampConverter,
// SetSchemaMetadata$Key) on a record.
func TestGoldenSMTChainOnARecord(t *testing.T) {
	b, err := os.ReadFile("testdata/smt-cast-flatten-timestamp/connector.properties")
	require.NoError(t, err)
	outs := runRecords(t, string(b),
		record{payload: `{"sensor":"s1","reading":{"count":300,"ok":"TRUE","value":0.00001,"at":1700000000123}}`, meta: kafkaMeta("kafka_key", `{"id":1}`)},
		record{payload: `{"reading":{"count":"x"}}`, meta: kafkaMeta()})
	require.Len(t, outs[0], 1)
	assert.Empty(t, outs[0][0].err)
	assert.JSONEq(t, `{"sensor":"s1","reading_count":300,"reading_ok":true,"reading_value":"1.0E-5","reading_at":"2023-11-14T22:13:20.123Z"}`, outs[0][0].payload)
	assert.Equal(t, `{"id":1}`, outs[0][0].meta["kafka_key"])
	assert.Contains(t, outs[1][0].err, "Cast$Value: value (x) was out of range")
}
