package codec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// orderEnvelopeSchema is a Connect schema as JsonConverter writes it: a
// struct with a nested struct, an array, maps with string and int keys,
// optional fields, a default, and the four logical types.
const orderEnvelopeSchema = `{"type":"struct","fields":[
	{"type":"int64","optional":false,"field":"id"},
	{"type":"string","optional":true,"field":"email"},
	{"type":"struct","fields":[
		{"type":"string","optional":false,"field":"name"},
		{"type":"int8","optional":true,"field":"age"}
	],"optional":false,"name":"com.acme.Customer","field":"customer"},
	{"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"},
	{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"double","optional":false},"optional":true,"field":"prices"},
	{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"boolean","optional":true},"optional":true,"field":"flags"},
	{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"total"},
	{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},
	{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"at"},
	{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},
	{"type":"string","optional":false,"default":"new","field":"status"},
	{"type":"bytes","optional":true,"field":"blob"},
	{"type":"float","optional":true,"field":"ratio"}
],"optional":false,"name":"com.acme.Order","version":3}`

// A payload that fits it; total is 12.34 as JsonConverter's default
// decimal.format=BASE64 writes it (unscaled 1234 = 0x04d2).
const orderPayload = `{"id":7,"email":"ada@example.com","customer":{"name":"Ada","age":36},"tags":["a","b"],"prices":{"x":1.5},"flags":[[1,true],[2,null]],"total":"BNI=","day":19000,"at":3600000,"ts":1700000000000,"status":"paid","blob":"AAE=","ratio":0.5}`

func orderEnvelope(payload string) []byte {
	return []byte(`{"schema": ` + orderEnvelopeSchema + `, "payload": ` + payload + `}`)
}

func newEnvelopeConverter(t *testing.T) codec.SchemaConverter {
	return newSchemaConverter(t, codec.JSONEnvelopeName, codec.SchemaOptions{Part: "value"})
}

func TestJSONEnvelopeShowsThePayloadAndKeepsTheSchemaBytes(t *testing.T) {
	c := newEnvelopeConverter(t)
	assert.Equal(t, codec.JSONEnvelopeName, c.Name())
	assert.False(t, codec.NeedsRegistry(codec.JSONEnvelopeName))
	record := orderEnvelope(orderPayload)

	require.NoError(t, c.Prepare(context.Background(), record))
	seen, err := c.FromBytes(record)
	require.NoError(t, err)
	assert.Equal(t, orderPayload, string(seen), "the guest sees the payload only")

	stored, err := c.ToHostFor(seen, record)
	require.NoError(t, err)
	assert.False(t, stored.IsStructured())
	assert.Equal(t, `{"schema":`+orderEnvelopeSchema+`,"payload":`+orderPayload+`}`, string(stored.Bytes()),
		"the original schema object, byte for byte (newlines and tabs included), around what the guest wrote")
}

func TestJSONEnvelopeAChangedFieldArrivesChanged(t *testing.T) {
	c := newEnvelopeConverter(t)
	record := orderEnvelope(orderPayload)
	changed := strings.Replace(orderPayload, `"email":"ada@example.com"`, `"email":null`, 1)
	changed = strings.Replace(changed, `"tags":["a","b"]`, `"tags":["a","b","c"]`, 1)

	stored, err := c.ToHostFor([]byte(" "+changed+"\n"), record)
	require.NoError(t, err)
	seen, err := c.FromBytes(stored.Bytes())
	require.NoError(t, err)
	assert.Equal(t, changed, string(seen))
}

func TestJSONEnvelopeAcceptsWhatKafkaConnectReads(t *testing.T) {
	c := newEnvelopeConverter(t)
	record := orderEnvelope(orderPayload)
	base := `"id":1,"customer":{"name":"A"},"total":"BNI=","ts":0`
	for _, payload := range []string{
		`{` + base + `}`, // optional fields and the one with a default left out
		`{` + base + `,"status":null,"email":null,"tags":null,"customer":{"name":"A","age":null}}`,
		`{"id":1,"customer":{"name":"A"},"total":12.34,"ts":0}`,    // decimal.format=NUMERIC
		`{"id":1,"customer":{"name":"A"},"total":-1.5,"ts":0}`,     // fewer digits than the scale
		`{"id":1,"customer":{"name":"A"},"total":1234e-2,"ts":0}`,  // any number the scale holds exactly
		`{` + base + `,"at":0,"day":-1,"ratio":3.4e38,"flags":[]}`, // bounds
		`{` + base + `,"at":86400000,"prices":{},"tags":[]}`,
		`{"id":-9223372036854775808,"customer":{"name":"A"},"total":"/w==","ts":9223372036854775807}`,
	} {
		_, err := c.ToHostFor([]byte(payload), record)
		assert.NoError(t, err, payload)
	}
}

func TestJSONEnvelopeRefusesWhatDoesNotFitNamingTheField(t *testing.T) {
	c := newEnvelopeConverter(t)
	record := orderEnvelope(orderPayload)
	base := `"id":1,"customer":{"name":"A"},"total":"BNI=","ts":0`
	for _, tc := range []struct{ payload, field, reason string }{
		{`{"id":"1","customer":{"name":"A"},"total":"BNI=","ts":0}`, "id", `expected an int64, got "1"`},
		{`{"id":1.5,"customer":{"name":"A"},"total":"BNI=","ts":0}`, "id", "not written as an integer"},
		{`{"customer":{"name":"A"},"total":"BNI=","ts":0}`, "id", "null, but the schema requires an int64 (not optional, no default)"},
		{`{"id":1,"customer":{},"total":"BNI=","ts":0}`, "customer.name", "null, but the schema requires a string"},
		{`{"id":1,"customer":{"name":"A","age":128},"total":"BNI=","ts":0}`, "customer.age", "128 is out of range for an int8"},
		{`{"id":1,"customer":"A","total":"BNI=","ts":0}`, "customer", "expected an object (a struct)"},
		{`{` + base + `,"tags":["a",2]}`, "tags[1]", "expected a string, got the number 2"},
		{`{` + base + `,"tags":{"a":1}}`, "tags", "expected an array"},
		{`{` + base + `,"prices":{"x":"cheap"}}`, "prices.x", "expected a number (double)"},
		{`{` + base + `,"prices":[["x",1]]}`, "prices", "expected an object (a map with string keys)"},
		{`{` + base + `,"flags":{"1":true}}`, "flags", "expected an array of [key, value] pairs (a map with int32 keys)"},
		{`{` + base + `,"flags":[[1]]}`, "flags[0]", "expected a [key, value] pair"},
		{`{` + base + `,"flags":[["1",true]]}`, "flags[0][0]", "expected an int32"},
		{`{` + base + `,"flags":[[null,true]]}`, "flags[0][0]", "null"},
		{`{"id":1,"customer":{"name":"A"},"total":1.234,"ts":0}`, "total", "more digits after the point than the Decimal's scale 2"},
		{`{"id":1,"customer":{"name":"A"},"total":"not base64!","ts":0}`, "total", "standard base64"},
		{`{"id":1,"customer":{"name":"A"},"total":"","ts":0}`, "total", "a Decimal's bytes are empty"},
		{`{"id":1,"customer":{"name":"A"},"total":true,"ts":0}`, "total", "expected a Decimal"},
		{`{` + base + `,"day":"2024-01-31"}`, "day", "expected a Date (int32 days since 1970-01-01)"},
		{`{` + base + `,"day":2147483648}`, "day", "out of range for a Date"},
		{`{` + base + `,"at":86400001}`, "at", "out of range for a Time"},
		{`{"id":1,"customer":{"name":"A"},"total":"BNI=","ts":"2024-01-31T00:00:00Z"}`, "ts", "expected a Timestamp"},
		{`{` + base + `,"blob":"AAE"}`, "blob", "standard base64"},
		{`{` + base + `,"ratio":3.5e38}`, "ratio", "beyond the range of a float"},
		{`{` + base + `,"nickname":"x"}`, "nickname", "the struct has no such field (its fields: id, email, customer, tags, prices, flags, total, day, at, ts, status, blob, ratio)"},
		{`{` + base + `,"customer":{"name":"A","x y":1}}`, `customer["x y"]`, "the struct has no such field (its fields: name, age)"},
		{`[]`, "", "expected an object (a struct), got an array"},
		{`null`, "", "null, but the schema requires a com.acme.Order"},
	} {
		_, err := c.ToHostFor([]byte(tc.payload), record)
		var fit *codec.FitError
		require.ErrorAs(t, err, &fit, tc.payload)
		assert.Equal(t, tc.field, fit.Field, tc.payload)
		assert.Equal(t, `Kafka Connect schema "com.acme.Order" (the record's envelope)`, fit.Schema, tc.payload)
		assert.Contains(t, fit.Reason, tc.reason, tc.payload)
	}

	_, err := c.ToHostFor([]byte(`{"customer":{"name":"A","age":128},"total":"BNI=","ts":0,"id":1}`), record)
	assert.EqualError(t, err, `field customer.age does not fit Kafka Connect schema "com.acme.Order" (the record's envelope): 128 is out of range for an int8`)

	_, err = c.ToHostFor([]byte(`{"id":`), record)
	assert.ErrorIs(t, err, codec.ErrInvalidJSON)
}

func TestJSONEnvelopeRefusesBytesThatAreNoEnvelope(t *testing.T) {
	c := newEnvelopeConverter(t)
	const prefix = `json_envelope: not a Kafka Connect JSON envelope (JsonConverter with schemas.enable=true: an object with exactly the fields "schema" and "payload"): `
	for raw, want := range map[string]string{
		`{"id":1}`:                              `the record's object has the fields "id"`,
		`{"payload":1}`:                         `the record's object has the fields "payload"`,
		`{"schema":null,"payload":1,"extra":2}`: `the record's object has the fields "extra", "payload", "schema"`,
		`{}`:                                    `the record's object has no fields`,
		`[1]`:                                   `the record is a JSON array`,
		`"text"`:                                `the record is a JSON string`,
		`null`:                                  `the record is JSON null`,
		"\x00\x00\x00\x00\x01{}":                `the record is not JSON: invalid character '\x00' looking for beginning of value`,
	} {
		err := c.Prepare(context.Background(), []byte(raw))
		assert.EqualError(t, err, prefix+want, raw)
		_, err = c.FromBytes([]byte(raw))
		assert.EqualError(t, err, prefix+want, raw)
		_, err = c.ToHostFor([]byte(`1`), []byte(raw))
		assert.EqualError(t, err, "the part as it came in: "+prefix+want, raw)
	}
}

func TestJSONEnvelopeRefusesSchemasKafkaConnectCannotRead(t *testing.T) {
	c := newEnvelopeConverter(t)
	const prefix = "json_envelope: the envelope's schema is not a Kafka Connect schema: "
	for schema, want := range map[string]string{
		`{"type":"float32"}`:                             `unknown type "float32" (Kafka Connect's are boolean, int8, int16, int32, int64, float, double, bytes, string, array, map, struct)`,
		`{"optional":true}`:                              `has no "type" string`,
		`{"type":"array"}`:                               `an array schema needs "items"`,
		`{"type":"map","keys":{"type":"string"}}`:        `a map schema needs "keys" and "values"`,
		`{"type":"struct"}`:                              `a struct schema needs a "fields" array`,
		`{"type":"struct","fields":[{"type":"string"}]}`: `at fields[0]: a struct field needs its name in "field"`,
		`{"type":"struct","fields":[{"type":"string","field":"a"},{"type":"int8","field":"a"}]}`:     `at fields[1]: field "a" is defined twice`,
		`{"type":"array","items":{"type":"map","keys":{"type":"string"},"values":{"type":"x"}}}`:     `at items.values: unknown type "x"`,
		`{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"}`:                            `a Decimal needs parameters.scale`,
		`{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"x"}}`: `a Decimal needs parameters.scale, an integer in a string`,
		`{"type":"string","parameters":{"n":1}}`:                                                     `parameter "n" must be a string, as Kafka Connect writes them`,
		`{"type":"int8","default":300}`:                                                              `its default does not fit it: 300 is out of range for an int8`,
		`[]`:                                                                                         `expected an object, got an array`,
	} {
		err := c.Prepare(context.Background(), []byte(`{"schema":`+schema+`,"payload":null}`))
		require.Error(t, err, schema)
		assert.Contains(t, err.Error(), prefix+want, schema)
	}
}

func TestJSONEnvelopeWithASchemaOfNullTakesAnyPayload(t *testing.T) {
	c := newEnvelopeConverter(t)
	record := []byte(`{"payload":{"a":1},"schema":null}`)
	require.NoError(t, c.Prepare(context.Background(), record))
	seen, err := c.FromBytes(record)
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(seen))
	stored, err := c.ToHostFor([]byte(`[1,"x",null]`), record)
	require.NoError(t, err)
	assert.Equal(t, `{"schema":null,"payload":[1,"x",null]}`, string(stored.Bytes()))
}

func TestJSONEnvelopeTopLevelPrimitivesAndOptional(t *testing.T) {
	c := newEnvelopeConverter(t)
	record := []byte(`{"schema":{"type":"string","optional":true},"payload":"hi"}`)
	for _, ok := range []string{`"bye"`, `null`} {
		_, err := c.ToHostFor([]byte(ok), record)
		assert.NoError(t, err, ok)
	}
	_, err := c.ToHostFor([]byte(`1`), record)
	var fit *codec.FitError
	require.ErrorAs(t, err, &fit)
	assert.Equal(t, "", fit.Field)
	assert.Equal(t, "the Kafka Connect string schema of the record's envelope", fit.Schema)
	assert.EqualError(t, err, "the value does not fit the Kafka Connect string schema of the record's envelope: expected a string, got the number 1")
}

func TestJSONEnvelopeCannotWriteAPartTheRecordDidNotHave(t *testing.T) {
	c := newSchemaConverter(t, codec.JSONEnvelopeName, codec.SchemaOptions{Part: "key"})
	_, err := c.ToHostFor([]byte(`1`), nil)
	assert.EqualError(t, err, "json_envelope: the record had no key before the call, so there is no envelope to copy a Kafka Connect schema from (json_envelope writes a part back with the schema it came with)")
	_, err = c.ToHost([]byte(`1`))
	assert.Error(t, err)
}

func TestJSONEnvelopeReadsKeysAndHeadersFromMetadataAsStoredBytes(t *testing.T) {
	c := newSchemaConverter(t, codec.JSONEnvelopeName, codec.SchemaOptions{Part: "headers"})
	record := orderEnvelope(orderPayload)
	for _, v := range []any{record, string(record)} {
		seen, err := c.FromValue(v)
		require.NoError(t, err)
		assert.Equal(t, orderPayload, string(seen))
	}
}

func TestJSONEnvelopeTakesNoSubject(t *testing.T) {
	_, err := codec.New(codec.JSONEnvelopeName, codec.SchemaOptions{Subject: "orders-value"})
	assert.EqualError(t, err, `converter json_envelope takes each record's schema from its envelope: a schema subject ("orders-value") does not apply`)
}

func TestJSONEnvelopeDecimalNumbersAtAnyScale(t *testing.T) {
	c := newEnvelopeConverter(t)
	decimal := func(scale string) []byte {
		return []byte(`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"` + scale + `"}},"payload":"AA=="}`)
	}
	for _, tc := range []struct {
		scale, number string
		fits          bool
	}{
		{"2", "12.34", true}, {"2", "12.340000", true}, {"2", "12.345", false}, {"2", "-0.01", true},
		{"2", "0.000", true}, {"0", "5", true}, {"0", "5.5", false}, {"0", "55e-1", false}, {"0", "550e-2", false},
		{"0", "5500e-2", true}, {"2", "1e-2", true}, {"2", "1e-3", false}, {"2", "1E+5", true},
		{"-2", "1500", true}, {"-2", "150", false}, {"-2", "2e2", true},
		{"2", "1e999999999999", true}, {"2", "1e-99999999999999999999", false}, {"2", "1e99999999999999999999", true},
		// A huge scale in a record's schema costs nothing: no 10^scale is computed.
		{"1000000000", "1.5", true}, {"-1000000000", "1.5", false},
	} {
		_, err := c.ToHostFor([]byte(tc.number), decimal(tc.scale))
		if tc.fits {
			assert.NoError(t, err, "%s at scale %s", tc.number, tc.scale)
		} else {
			assert.ErrorContains(t, err, "has more digits after the point than the Decimal's scale "+tc.scale, "%s at scale %s", tc.number, tc.scale)
		}
	}
}
