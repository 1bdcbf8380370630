package codec_test

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// orderSchema has every Avro type and the logical types a guest meets.
const orderSchema = `{
  "type": "record", "name": "Order", "namespace": "shop",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "email", "type": ["null", "string"], "default": null},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SENT"]}},
    {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
    {"name": "placed", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "blob", "type": "bytes"},
    {"name": "code", "type": {"type": "fixed", "name": "Code", "size": 2}},
    {"name": "ratio", "type": "double"},
    {"name": "paid", "type": "boolean"},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "counts", "type": {"type": "map", "values": "int"}},
    {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
      {"name": "city", "type": "string"},
      {"name": "zip", "type": ["null", "int"]}
    ]}},
    {"name": "contact", "type": ["string", "long", "Address"]}
  ]
}`

func orderValue() map[string]any {
	total, _ := new(big.Rat).SetString("1234.50")
	return map[string]any{
		"id": int64(9007199254740993), "email": "bob@example.com", "status": "PAID",
		"total": total, "placed": time.UnixMilli(1706708730123).UTC(), "day": time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		"ref": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "blob": []byte{0, 1, 0xfe}, "code": [2]byte{'A', 'Z'},
		"ratio": 0.25, "paid": true, "tags": []any{"a", "b"}, "counts": map[string]any{"x": 1},
		"address": map[string]any{"city": "Oslo", "zip": nil},
		"contact": map[string]any{"long": int64(42)},
	}
}

const orderJSON = `{"id":9007199254740993,"email":"bob@example.com","status":"PAID","total":1234.50,` +
	`"placed":"2024-01-31T13:45:30.123Z","day":"2024-01-31","ref":"6ba7b810-9dad-11d1-80b4-00c04fd430c8",` +
	`"blob":"AAH+","code":"QVo=","ratio":0.25,"paid":true,"tags":["a","b"],"counts":{"x":1},` +
	`"address":{"city":"Oslo","zip":null},"contact":42}`

func avroOrder(t *testing.T, value map[string]any) []byte {
	t.Helper()
	data, err := avro.Marshal(avro.MustParse(orderSchema), value)
	require.NoError(t, err)
	return wire(t, 7, nil, data)
}

func orderRegistry(t *testing.T) *testRegistry {
	reg := newTestRegistry(t)
	reg.seed("orders-value", 7, sr.Schema{Schema: orderSchema, Type: sr.TypeAvro})
	return reg
}

func TestAvroGuestSeesPlainJSON(t *testing.T) {
	c := orderRegistry(t).converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := avroOrder(t, orderValue())
	require.NoError(t, c.Prepare(context.Background(), raw))
	view, err := c.FromBytes(raw)
	require.NoError(t, err)
	assert.Equal(t, orderJSON, string(view))
}

func TestAvroUnchangedJSONEncodesToTheSameBytes(t *testing.T) {
	c := orderRegistry(t).converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := avroOrder(t, orderValue())
	view, err := c.FromBytes(raw)
	require.NoError(t, err)
	stored, err := c.ToHostFor(view, raw)
	require.NoError(t, err)
	assert.Equal(t, raw, stored.Bytes(), "same schema id, same data")
}

func TestAvroGuestChangesReachTheRecord(t *testing.T) {
	c := orderRegistry(t).converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := avroOrder(t, orderValue())
	changed := []byte(`{"id":1,"email":null,"status":"SENT","total":"0.10","placed":1706708730000,"day":19753,` +
		`"ref":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","blob":"","code":"QVo=","ratio":"NaN","paid":false,` +
		`"tags":[],"counts":{},"address":{"city":"Bergen","zip":5003},"contact":{"city":"Rome","zip":null}}`)
	stored, err := c.ToHostFor(changed, raw)
	require.NoError(t, err)
	assert.Equal(t, raw[:5], stored.Bytes()[:5], "encoded with the record's schema id")

	var got map[string]any
	require.NoError(t, avro.Unmarshal(avro.MustParse(orderSchema), stored.Bytes()[5:], &got))
	assert.Equal(t, int64(1), got["id"])
	assert.Nil(t, got["email"])
	assert.Equal(t, "SENT", got["status"])
	assert.Equal(t, "0.10", got["total"].(*big.Rat).FloatString(2))
	assert.Equal(t, time.UnixMilli(1706708730000).UTC(), got["placed"])
	assert.Equal(t, time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), got["day"])
	assert.Equal(t, map[string]any{"city": "Bergen", "zip": 5003}, got["address"])
	assert.Equal(t, map[string]any{"shop.Address": map[string]any{"city": "Rome", "zip": nil}}, got["contact"])
}

func TestAvroWritesThatDoNotFitNameTheFieldAndSchema(t *testing.T) {
	c := orderRegistry(t).converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := avroOrder(t, orderValue())
	view, err := c.FromBytes(raw)
	require.NoError(t, err)
	for _, tc := range []struct {
		field, from, to, want string
	}{
		{"email", `"email":"bob@example.com"`, `"email":5`, `field email does not fit schema id 7 (subject "orders-value" version 1): expected a string, got the number 5`},
		{"contact", `"contact":42`, `"contact":true`, `a boolean fits no branch of the union [string, long, shop.Address]`},
		{"status", `"status":"PAID"`, `"status":"LOST"`, `"LOST" is not a symbol of enum shop.Status (NEW, PAID, SENT)`},
		{"total", `"total":1234.50`, `"total":1.234`, `more than 2 digits after the point`},
		{"id", `"id":9007199254740993`, `"id":"x"`, `expected a long (64 bits), got "x"`},
		{"address.city", `"city":"Oslo"`, `"city":null`, `expected a string, got null`},
		{"tags[1]", `"tags":["a","b"]`, `"tags":["a",2]`, `expected a string, got the number 2`},
		{"code", `"code":"QVo="`, `"code":"QQ=="`, `fixed shop.Code holds exactly 2 bytes, got 1`},
		{"nickname", `"paid":true`, `"paid":true,"nickname":"b"`, `record shop.Order has no such field`},
	} {
		t.Run(tc.field, func(t *testing.T) {
			guest := []byte(replaceOnce(t, string(view), tc.from, tc.to))
			_, err := c.ToHostFor(guest, raw)
			var fit *codec.FitError
			require.True(t, errors.As(err, &fit), "%v", err)
			assert.Equal(t, tc.field, fit.Field)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err = c.ToHostFor([]byte(`{"id":`), raw)
	assert.ErrorIs(t, err, codec.ErrInvalidJSON)
}

func TestAvroUnionOfRecordsTriesEachBranchAfresh(t *testing.T) {
	reg := newTestRegistry(t)
	// The object fits A's first field, then fails A's second: B must still
	// see the JSON as the guest wrote it.
	const schema = `{"type":"record","name":"R","fields":[{"name":"u","type":[
	  {"type":"record","name":"A","fields":[{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"a","type":"int"}]},
	  {"type":"record","name":"B","fields":[{"name":"t","type":"string"},{"name":"b","type":"string"}]}]}]}`
	reg.seed("r-value", 3, sr.Schema{Schema: schema, Type: sr.TypeAvro})
	c := reg.converter(t, codec.AvroName, codec.SchemaOptions{Subject: "r-value"})
	stored, err := c.ToHost([]byte(`{"u":{"t":"2024-01-31T00:00:00Z","b":"x"}}`))
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, avro.Unmarshal(avro.MustParse(schema), stored.Bytes()[5:], &got))
	assert.Equal(t, map[string]any{"B": map[string]any{"t": "2024-01-31T00:00:00Z", "b": "x"}}, got["u"])
}

func TestAvroSchemaIsFetchedOncePerID(t *testing.T) {
	reg := orderRegistry(t)
	c := reg.converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := avroOrder(t, orderValue())
	for range 100 {
		require.NoError(t, c.Prepare(context.Background(), raw))
		view, err := c.FromBytes(raw)
		require.NoError(t, err)
		_, err = c.ToHostFor(view, raw)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), reg.requests.Load(), "one request for schema id 7, none per record")
}

func TestAvroRefusesWhatItCannotRead(t *testing.T) {
	reg := orderRegistry(t)
	reg.seed("notes-value", 8, sr.Schema{Schema: `{"type":"object"}`, Type: sr.TypeJSON})
	c := reg.converter(t, codec.AvroName, codec.SchemaOptions{})
	ctx := context.Background()

	err := c.Prepare(ctx, []byte(`{"id":1}`))
	assert.ErrorContains(t, err, "avro: not in the Confluent wire format")

	err = c.Prepare(ctx, wire(t, 99, nil, []byte{2}))
	assert.ErrorContains(t, err, "schema id 99: not found in schema registry")

	err = c.Prepare(ctx, wire(t, 8, nil, []byte{2}))
	assert.ErrorContains(t, err, "schema id 8 is a JSON schema, not Avro")

	_, err = c.FromBytes(wire(t, 7, nil, []byte{0xff}))
	assert.ErrorContains(t, err, `the data does not decode with schema id 7 (subject "orders-value" version 1)`)

	_, err = c.ToHost([]byte(`{}`))
	assert.ErrorContains(t, err, "no schema to encode it with")
}

func TestAvroSubjectEncodesWithItsLatestSchema(t *testing.T) {
	reg := orderRegistry(t)
	v2 := `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}`
	reg.fake.SeedSchema("orders-v2-value", 1, 20, sr.Schema{Schema: v2, Type: sr.TypeAvro})
	c := reg.converter(t, codec.AvroName, codec.SchemaOptions{Subject: "orders-v2-value"})

	stored, err := c.ToHostFor([]byte(`{"id":5,"note":"hi"}`), avroOrder(t, orderValue()))
	require.NoError(t, err)
	assert.Equal(t, wire(t, 20, nil, []byte{10, 4, 'h', 'i'}), stored.Bytes())

	stored, err = c.ToHost([]byte(`{"id":5}`))
	require.NoError(t, err, "a part the record did not have is encoded with the subject's schema, defaults filled in")
	assert.Equal(t, wire(t, 20, nil, []byte{10, 0}), stored.Bytes())
}

func TestAvroReferencesToOtherSubjects(t *testing.T) {
	reg := newTestRegistry(t)
	reg.seed("address", 3, sr.Schema{Schema: `{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"city","type":"string"}]}`, Type: sr.TypeAvro})
	reg.seed("customers-value", 4, sr.Schema{
		Schema:     `{"type":"record","name":"Customer","namespace":"shop","fields":[{"name":"home","type":"shop.Address"}]}`,
		Type:       sr.TypeAvro,
		References: []sr.SchemaReference{{Name: "shop.Address", Subject: "address", Version: 1}},
	})
	c := reg.converter(t, codec.AvroName, codec.SchemaOptions{})
	raw := wire(t, 4, nil, []byte{8, 'O', 's', 'l', 'o'})
	require.NoError(t, c.Prepare(context.Background(), raw))
	view, err := c.FromBytes(raw)
	require.NoError(t, err)
	assert.Equal(t, `{"home":{"city":"Oslo"}}`, string(view))
}

func replaceOnce(t *testing.T, s, from, to string) string {
	t.Helper()
	i := indexOf(s, from)
	require.GreaterOrEqual(t, i, 0, "%q in %s", from, s)
	return s[:i] + to + s[i+len(from):]
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
