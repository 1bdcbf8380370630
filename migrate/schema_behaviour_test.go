package migrate

import (
	"encoding/base64"
	"encoding/binary"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

const customerSchema = `{"type":"record","name":"Customer","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"}]}`

// customerRecord is a Customer in the Confluent wire format, schema id 7.
func customerRecord(t *testing.T, id int64, email string) string {
	t.Helper()
	data, err := avro.Marshal(avro.MustParse(customerSchema), map[string]any{"id": id, "email": email})
	require.NoError(t, err)
	return string(append(binary.BigEndian.AppendUint32([]byte{0}, 7), data...))
}

// An Avro sink with a Wasm transform, translated, run on records: the
// guest reads the value decoded through the registry the connector names,
// with its basic auth, and what it writes is encoded with the same schema.
func TestAnAvroSinkTranslationDecodesTheValueForTheGuest(t *testing.T) {
	reg := srfake.New(srfake.WithAuth("Basic " + base64.StdEncoding.EncodeToString([]byte("connect:s3cr3t"))))
	t.Cleanup(reg.Close)
	reg.SeedSchema("customers-value", 1, 7, sr.Schema{Schema: customerSchema, Type: sr.TypeAvro})
	conf := sink(
		"value.converter=io.confluent.connect.avro.AvroConverter",
		"value.converter.schema.registry.url="+reg.URL(),
		"value.converter.basic.auth.credentials.source=USER_INFO",
		"value.converter.basic.auth.user.info=connect:s3cr3t",
		"transforms=mask", "transforms.mask.type="+wasmTransformerClass,
		"transforms.mask.module.path=../testdata/wasm/mask.wasm", "transforms.mask.function.name=mask_email",
		"transforms.mask.value.converter=org.apache.kafka.connect.json.JsonConverter")
	// The password is not in the YAML: it comes from the environment.
	t.Setenv(registryPasswordEnv, "s3cr3t")
	out := one(t, conf, record{payload: customerRecord(t, 42, "bob@example.com"), meta: kafkaMeta()})
	require.Empty(t, out.err)
	assert.Equal(t, customerRecord(t, 42, "b***@example.com"), out.payload, "masked, encoded with schema id 7")

	// A record that is not Avro fails, unchanged, as Kafka Connect's
	// converter fails it.
	out = one(t, conf, record{payload: `{"id":42}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "not in the Confluent wire format")
	assert.Equal(t, `{"id":42}`, out.payload)

	// With another password the registry refuses the lookup: the
	// credentials the pipeline sends are the environment's.
	t.Setenv(registryPasswordEnv, "wrong")
	out = one(t, conf, record{payload: customerRecord(t, 43, "ann@example.com"), meta: kafkaMeta()})
	assert.Contains(t, out.err, "not permitted")
	assert.Equal(t, customerRecord(t, 43, "ann@example.com"), out.payload)
}

// JsonConverter without schemas.enable: Kafka Connect's default makes each
// value an envelope, which the translation reads with json_envelope.
func TestAJsonConverterSinkWithoutSchemasEnableReadsTheEnvelope(t *testing.T) {
	conf := sink(
		"value.converter=org.apache.kafka.connect.json.JsonConverter",
		"transforms=mask", "transforms.mask.type="+wasmTransformerClass,
		"transforms.mask.module.path=../testdata/wasm/mask.wasm", "transforms.mask.function.name=mask_email",
		"transforms.mask.value.converter=org.apache.kafka.connect.json.JsonConverter")
	const schema = `{"type":"struct","fields":[{"field":"id","type":"int64"},{"field":"email","type":"string"}],"optional":false}`
	out := one(t, conf, record{payload: `{"schema":` + schema + `,"payload":{"id":1,"email":"bob@example.com"}}`, meta: kafkaMeta()})
	require.Empty(t, out.err)
	assert.JSONEq(t, `{"schema":`+schema+`,"payload":{"id":1,"email":"b***@example.com"}}`, out.payload)

	// Plain JSON is not an envelope: it fails, as it fails Kafka Connect's
	// JsonConverter with schemas.
	out = one(t, conf, record{payload: `{"id":1,"email":"bob@example.com"}`, meta: kafkaMeta()})
	assert.Contains(t, out.err, "value.converter (JsonConverter) cannot read the value: with schemas.enable=true it must be a JSON object with exactly the fields schema and payload")
}
