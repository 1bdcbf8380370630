package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A record the sink's converter cannot read fails before the transforms,
// as Kafka Connect's converter stage fails it; a record it can read passes
// byte for byte, whatever the chain does not touch.
func TestTheConverterStageFailsARecordTheConverterCannotRead(t *testing.T) {
	conf := sink("value.converter=org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable=false",
		"transforms=route", "transforms.route.type=RegexRouter",
		"transforms.route.regex=orders-(.*)", "transforms.route.replacement=o-$1")

	out := one(t, conf, record{payload: "not json", meta: kafkaMeta()})
	assert.Contains(t, out.err, "value.converter (JsonConverter) cannot read the value: it is not JSON")
	assert.Equal(t, "orders-7", out.meta["kafka_topic"], "the chain is skipped: the record is as consumed")
	assert.Equal(t, "not json", out.payload)

	out = one(t, conf, record{payload: `{"b": 1,  "a": [2]}`, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.Equal(t, `{"b": 1,  "a": [2]}`, out.payload, "the check does not rewrite the value")
	assert.Equal(t, "o-7", out.meta["kafka_topic"])

	out = one(t, conf, record{payload: "", meta: kafkaMeta("kafka_tombstone_message", true)})
	assert.Empty(t, out.err, "a tombstone has nothing to convert")
}

func TestTheConverterStageChecksTheKeyAndTheEnvelope(t *testing.T) {
	conf := sink("key.converter=org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable=false",
		"value.converter=org.apache.kafka.connect.json.JsonConverter")

	envelope := `{"schema":{"type":"string"},"payload":"x"}`
	out := one(t, conf, record{payload: envelope, meta: kafkaMeta("kafka_key", "user-7")})
	assert.Contains(t, out.err, "key.converter (JsonConverter) cannot read the key: it is not JSON")

	out = one(t, conf, record{payload: envelope, meta: kafkaMeta("kafka_key", `"user-7"`)})
	assert.Empty(t, out.err)
	assert.Equal(t, envelope, out.payload)

	out = one(t, conf, record{payload: `{"payload":"x"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "value.converter (JsonConverter) cannot read the value: with schemas.enable=true it must be a JSON object with exactly the fields schema and payload")
}

func TestTheConverterStageChecksTheWireFormatOfSchemaConverters(t *testing.T) {
	conf := sink("value.converter=io.confluent.connect.avro.AvroConverter",
		"value.converter.schema.registry.url=http://127.0.0.1:8081")

	out := one(t, conf, record{payload: `{"id":1}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "value.converter (AvroConverter) cannot read the value: it is not in the Confluent wire format")

	framed := "\x00\x00\x00\x00\x07\x02\x06bob"
	out = one(t, conf, record{payload: framed, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.Equal(t, framed, out.payload)
}

// Converters that read any bytes, and the worker's (unknown here), add no
// check.
func TestNoConverterStageWhereNothingCanFail(t *testing.T) {
	for _, conf := range []string{
		sink("value.converter=org.apache.kafka.connect.storage.StringConverter", "transforms=f", "transforms.f.type=InsertHeader",
			"transforms.f.header=h", "transforms.f.value.literal=v"),
		sink("transforms=f", "transforms.f.type=InsertHeader", "transforms.f.header=h", "transforms.f.value.literal=v"),
	} {
		procs := pipelineProcessors(t, conf)
		require.Len(t, procs, 1)
		assert.NotContains(t, procs[0], "converter stage")
	}
}
