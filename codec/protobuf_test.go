package codec_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// orderProto has a message of every shape the converter shows: nested,
// repeated, maps (string and integer keys), an enum, a oneof numbered before
// plain fields, bytes, 64-bit integers, proto3 optional, well-known types.
// Its messages' indexes: Order [0], Order.Line [0 0], Customer [1].
const orderProto = `syntax = "proto3";
package shop;

import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message Order {
  message Line {
    string sku = 1;
    uint32 qty = 2;
  }
  enum Status {
    STATUS_UNKNOWN = 0;
    PAID = 1;
    SHIPPED = 2;
  }
  string id = 1;
  int64 big = 2;
  uint64 ubig = 3;
  Status status = 4;
  bytes blob = 5;
  repeated Line lines = 6;
  map<string, int32> counts = 7;
  google.protobuf.Timestamp at = 8;
  oneof payment {
    string card = 9;
    int64 voucher = 10;
  }
  Customer customer = 11;
  double ratio = 12;
  float weight = 13;
  bool paid = 14;
  optional int32 priority = 15;
  google.protobuf.Int64Value note_id = 16;
  map<int64, Line> by_id = 17;
  repeated string tags = 18;
  google.protobuf.Struct attrs = 19;
  google.protobuf.Duration ttl = 20;
}

message Customer {
  string name = 1;
  sint32 age = 2;
  fixed64 since = 3;
}
`

// A full Order in protojson (the test's producer side), and the JSON the
// guest must see for it.
const (
	fullOrderProtojson = `{
  "id": "o-1", "big": "9007199254740993", "ubig": "18446744073709551615", "status": "PAID",
  "blob": "AAEC/w==", "lines": [{"sku": "a", "qty": 2}, {"sku": "b"}], "counts": {"y": 2, "x": 1},
  "at": "2024-01-31T13:45:30.123Z", "voucher": "12", "customer": {"name": "ada", "age": -36, "since": "5"},
  "ratio": 0.5, "weight": 1.25, "paid": true, "noteId": "9223372036854775807",
  "byId": {"10": {"sku": "t"}, "-1": {"sku": "m"}, "3": {"sku": "th", "qty": 3}},
  "tags": ["x", "y\"z"], "attrs": {"k": "v", "n": 1.5, "l": [true, null]}, "ttl": "1.500s"
}`
	fullOrderGuest = `{"id":"o-1","big":9007199254740993,"ubig":18446744073709551615,"status":"PAID",` +
		`"blob":"AAEC/w==","lines":[{"sku":"a","qty":2},{"sku":"b","qty":0}],"counts":{"x":1,"y":2},` +
		`"at":"2024-01-31T13:45:30.123Z","card":null,"voucher":12,"customer":{"name":"ada","age":-36,"since":5},` +
		`"ratio":0.5,"weight":1.25,"paid":true,"priority":null,"note_id":9223372036854775807,` +
		`"by_id":{"-1":{"sku":"m","qty":0},"3":{"sku":"th","qty":3},"10":{"sku":"t","qty":0}},` +
		`"tags":["x","y\"z"],"attrs":{"k":"v","l":[true,null],"n":1.5},"ttl":"1.500s"}`
	emptyOrderGuest = `{"id":"","big":0,"ubig":0,"status":"STATUS_UNKNOWN","blob":"","lines":[],"counts":{},` +
		`"at":null,"card":null,"voucher":null,"customer":null,"ratio":0,"weight":0,"paid":false,"priority":null,` +
		`"note_id":null,"by_id":{},"tags":[],"attrs":null,"ttl":null}`
)

// A schema with a reference to another subject, which itself references a
// third: imports resolve through the registry, recursively.
const (
	currencyProto = `syntax = "proto3";
package money;
enum Currency { CURRENCY_UNKNOWN = 0; EUR = 1; USD = 2; }
`
	moneyProto = `syntax = "proto3";
package money;
import "money/currency.proto";
message Money { Currency currency = 1; int64 units = 2; sint32 nanos = 3; }
`
	invoiceProto = `syntax = "proto3";
package billing;
import "money/money.proto";
message Invoice { string number = 1; money.Money total = 2; repeated money.Money parts = 3; }
`
	legacyProto = `syntax = "proto2";
package legacy;
message Legacy { required string name = 1; optional int32 n = 2 [default = 5]; repeated int32 packed = 3 [packed = true]; }
`
)

// Schema ids in protoRegistry.
const (
	orderID   = 1
	invoiceID = 2
	legacyID  = 3
	avroID    = 4
)

// protoRegistry is an in-memory registry holding the test schemas, and a
// client of it.
func protoRegistry(t testing.TB) *testRegistry {
	t.Helper()
	reg := newTestRegistry(t)
	reg.seed("orders-value", orderID, sr.Schema{Type: sr.TypeProtobuf, Schema: orderProto})
	reg.seed("currency", 10, sr.Schema{Type: sr.TypeProtobuf, Schema: currencyProto})
	reg.seed("money", 11, sr.Schema{Type: sr.TypeProtobuf, Schema: moneyProto, References: []sr.SchemaReference{
		{Name: "money/currency.proto", Subject: "currency", Version: 1},
	}})
	reg.seed("invoices-value", invoiceID, sr.Schema{Type: sr.TypeProtobuf, Schema: invoiceProto, References: []sr.SchemaReference{
		{Name: "money/money.proto", Subject: "money", Version: 1},
	}})
	reg.seed("legacy-value", legacyID, sr.Schema{Type: sr.TypeProtobuf, Schema: legacyProto})
	reg.seed("avro-value", avroID, sr.Schema{Type: sr.TypeAvro, Schema: `"string"`})
	return reg
}

func newProtobuf(t testing.TB, reg *testRegistry, subject string) codec.SchemaConverter {
	t.Helper()
	return reg.converter(t, codec.ProtobufName, codec.SchemaOptions{Subject: subject, Part: "value"})
}

// testMessage compiles sources on the producer side (as a producer has its
// own copy of the .proto) and returns the message named name.
func testMessage(t testing.TB, sources map[string]string, file string, name protoreflect.FullName) protoreflect.MessageDescriptor {
	t.Helper()
	compiler := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(sources),
	})}
	files, err := compiler.Compile(context.Background(), file)
	require.NoError(t, err)
	md, ok := files[0].FindDescriptorByName(name).(protoreflect.MessageDescriptor)
	require.True(t, ok, "message %s", name)
	return md
}

func orderMessage(t testing.TB, name protoreflect.FullName) protoreflect.MessageDescriptor {
	return testMessage(t, map[string]string{"order.proto": orderProto}, "order.proto", name)
}

// produce encodes the message given in protojson text as franz-go's Serde
// does for a Protobuf producer: the wire header with id and indexes, then
// the message, deterministically marshalled.
func produce(t testing.TB, md protoreflect.MessageDescriptor, id int, indexes []int, text string) []byte {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	require.NoError(t, protojson.Unmarshal([]byte(text), m))
	var serde sr.Serde
	serde.Register(id, &dynamicpb.Message{}, sr.EncodeFn(func(v any) ([]byte, error) {
		return proto.MarshalOptions{Deterministic: true}.Marshal(v.(*dynamicpb.Message))
	}), sr.Index(indexes...))
	b, err := serde.Encode(m)
	require.NoError(t, err)
	return b
}

// consume decodes a record the converter wrote, as a consumer would.
func consume(t testing.TB, md protoreflect.MessageDescriptor, record []byte) (id int, indexes []int, m *dynamicpb.Message) {
	t.Helper()
	id, rest, err := schemaregistry.SplitWire(record)
	require.NoError(t, err)
	indexes, data, err := schemaregistry.SplitMessageIndexes(rest)
	require.NoError(t, err)
	m = dynamicpb.NewMessage(md)
	require.NoError(t, proto.Unmarshal(data, m))
	return id, indexes, m
}

func TestProtobufShowsTheMessageAsPlainJSON(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	md := orderMessage(t, "shop.Order")

	for name, tc := range map[string]struct{ producer, guest string }{
		"every field set": {fullOrderProtojson, fullOrderGuest},
		"nothing set":     {`{}`, emptyOrderGuest},
		"a oneof member set to its default, an optional set to 0, NaN and infinities": {
			`{"card": "", "priority": 0, "ratio": "NaN", "weight": "-Infinity", "noteId": "0"}`,
			strings.NewReplacer(`"card":null`, `"card":""`, `"priority":null`, `"priority":0`, `"ratio":0`, `"ratio":"NaN"`,
				`"weight":0`, `"weight":"-Infinity"`, `"note_id":null`, `"note_id":0`).Replace(emptyOrderGuest),
		},
	} {
		t.Run(name, func(t *testing.T) {
			record := produce(t, md, orderID, []int{0}, tc.producer)
			require.NoError(t, c.Prepare(context.Background(), record))
			got, err := c.FromBytes(record)
			require.NoError(t, err)
			assert.Equal(t, tc.guest, string(got))
			assert.True(t, json.Valid(got))

			fromValue, err := c.FromValue(string(record))
			require.NoError(t, err)
			assert.Equal(t, tc.guest, string(fromValue), "a header held as a string is the wire bytes")
			fromValue, err = c.FromValue(record)
			require.NoError(t, err)
			assert.Equal(t, tc.guest, string(fromValue), "a header held as []byte is the wire bytes")
		})
	}
}

func TestProtobufRoundTripGivesTheSameBytes(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	order := map[string]string{"order.proto": orderProto}
	invoice := map[string]string{"invoice.proto": invoiceProto, "money/money.proto": moneyProto, "money/currency.proto": currencyProto}
	legacy := map[string]string{"legacy.proto": legacyProto}

	for name, tc := range map[string]struct {
		md      protoreflect.MessageDescriptor
		id      int
		indexes []int
		text    string
	}{
		"full order":                   {testMessage(t, order, "order.proto", "shop.Order"), orderID, []int{0}, fullOrderProtojson},
		"empty order":                  {testMessage(t, order, "order.proto", "shop.Order"), orderID, []int{0}, `{}`},
		"second message, index [1]":    {testMessage(t, order, "order.proto", "shop.Customer"), orderID, []int{1}, `{"name": "bo", "age": 7, "since": "18446744073709551615"}`},
		"nested message, index [0 0]":  {testMessage(t, order, "order.proto", "shop.Order.Line"), orderID, []int{0, 0}, `{"sku": "s", "qty": 4294967295}`},
		"references to other subjects": {testMessage(t, invoice, "invoice.proto", "billing.Invoice"), invoiceID, []int{0}, `{"number": "7", "total": {"currency": "EUR", "units": "-5", "nanos": -1}, "parts": [{"currency": "USD"}, {}]}`},
		"proto2":                       {testMessage(t, legacy, "legacy.proto", "legacy.Legacy"), legacyID, []int{0}, `{"name": "x", "n": 0, "packed": [1, -2]}`},
	} {
		t.Run(name, func(t *testing.T) {
			record := produce(t, tc.md, tc.id, tc.indexes, tc.text)
			require.NoError(t, c.Prepare(context.Background(), record))
			guest, err := c.FromBytes(record)
			require.NoError(t, err)
			stored, err := c.ToHostFor(guest, record)
			require.NoError(t, err)
			assert.False(t, stored.IsStructured())
			assert.Equal(t, record, stored.Bytes(), "a guest that changes nothing gets the record back byte for byte (guest saw %s)", guest)
		})
	}
}

func TestProtobufShowsNestedSecondAndReferencedMessages(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	invoice := map[string]string{"invoice.proto": invoiceProto, "money/money.proto": moneyProto, "money/currency.proto": currencyProto}

	for _, tc := range []struct {
		md      protoreflect.MessageDescriptor
		id      int
		indexes []int
		text    string
		guest   string
	}{
		{orderMessage(t, "shop.Customer"), orderID, []int{1}, `{"name": "bo"}`, `{"name":"bo","age":0,"since":0}`},
		{orderMessage(t, "shop.Order.Line"), orderID, []int{0, 0}, `{"sku": "s", "qty": 3}`, `{"sku":"s","qty":3}`},
		{
			testMessage(t, invoice, "invoice.proto", "billing.Invoice"), invoiceID, []int{0},
			`{"number": "7", "total": {"currency": "EUR", "units": "-9223372036854775808"}}`,
			`{"number":"7","total":{"currency":"EUR","units":-9223372036854775808,"nanos":0},"parts":[]}`,
		},
		{
			testMessage(t, map[string]string{"legacy.proto": legacyProto}, "legacy.proto", "legacy.Legacy"), legacyID, []int{0},
			`{"name": "x"}`, `{"name":"x","n":null,"packed":[]}`,
		},
	} {
		got, err := c.FromBytes(produce(t, tc.md, tc.id, tc.indexes, tc.text))
		require.NoError(t, err, tc.md.FullName())
		assert.Equal(t, tc.guest, string(got), tc.md.FullName())
	}
}

func TestProtobufEncodesWhatTheGuestChanged(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	md := orderMessage(t, "shop.Order")
	record := produce(t, md, orderID, []int{0}, fullOrderProtojson)
	guest, err := c.FromBytes(record)
	require.NoError(t, err)

	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(string(guest)))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v))
	v["status"] = "SHIPPED"
	v["big"] = json.Number("1152921504606846977") // 2^60+1: beyond a float64's exact integers
	v["lines"] = append(v["lines"].([]any), map[string]any{"sku": "new", "qty": json.Number("5")})
	v["voucher"], v["card"] = nil, "4111"
	v["at"] = "2024-02-01T00:00:00+01:00"
	v["note_id"] = "42"  // a 64-bit integer as protojson writes it is accepted too
	v["blob"] = "AAEC_w" // URL-safe, unpadded
	changed, err := json.Marshal(v)
	require.NoError(t, err)

	stored, err := c.ToHostFor(changed, record)
	require.NoError(t, err)
	id, indexes, m := consume(t, md, stored.Bytes())
	assert.Equal(t, orderID, id)
	assert.Equal(t, []int{0}, indexes)
	fields := md.Fields()
	assert.Equal(t, protoreflect.EnumNumber(2), m.Get(fields.ByName("status")).Enum())
	assert.Equal(t, int64(1<<60+1), m.Get(fields.ByName("big")).Int())
	assert.Equal(t, 3, m.Get(fields.ByName("lines")).List().Len())
	assert.Equal(t, "4111", m.Get(fields.ByName("card")).String())
	assert.False(t, m.Has(fields.ByName("voucher")))
	assert.Equal(t, []byte{0, 1, 2, 0xff}, m.Get(fields.ByName("blob")).Bytes())
	at := m.Get(fields.ByName("at")).Message()
	assert.Equal(t, int64(1706742000), at.Get(at.Descriptor().Fields().ByName("seconds")).Int(), "2024-01-31T23:00:00Z")
	noteID := m.Get(fields.ByName("note_id")).Message()
	assert.Equal(t, int64(42), noteID.Get(noteID.Descriptor().Fields().ByName("value")).Int())
	assert.Equal(t, "ada", m.Get(fields.ByName("customer")).Message().Get(md.Fields().ByName("customer").Message().Fields().ByName("name")).String(), "what the guest left alone stays")

	// A guest may leave fields out: they are unset.
	stored, err = c.ToHostFor([]byte(`{"id":"only"}`), record)
	require.NoError(t, err)
	want := produce(t, md, orderID, []int{0}, `{"id":"only"}`)
	assert.Equal(t, want, stored.Bytes())
}

func TestProtobufRefusesWhatDoesNotFitNamingTheFieldAndSchema(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	record := produce(t, orderMessage(t, "shop.Order"), orderID, []int{0}, `{"id": "o-1"}`)
	const schema = `schema id 1 (subject "orders-value" version 1) message shop.Order`

	for _, tc := range []struct {
		guest, field, reason string
	}{
		{`{"idd":"x","id":"y"}`, "idd", "message shop.Order has no such field"},
		{`{"":1}`, `[""]`, "message shop.Order has no such field"},
		{`{"customer":{"a.b":1}}`, `customer["a.b"]`, "message shop.Customer has no such field"},
		{`{"noteId":1}`, "noteId", "message shop.Order has no such field (fields are named as in the .proto)"},
		{`{"big":"abc"}`, "big", `expected an int64 (a whole number from -9223372036854775808 to 9223372036854775807), got "abc"`},
		{`{"big":9223372036854775808}`, "big", "got the number 9223372036854775808"},
		{`{"big":1.5}`, "big", "got the number 1.5"},
		{`{"ubig":-1}`, "ubig", "expected a uint64 (a whole number from 0 to 18446744073709551615), got the number -1"},
		{`{"id":7}`, "id", "expected a string, got the number 7"},
		{`{"paid":"yes"}`, "paid", `expected a boolean, got "yes"`},
		{`{"weight":1e39}`, "weight", "expected a float"},
		{`{"lines":[{"sku":"a"},{"qty":-1}]}`, "lines[1].qty", "expected a uint32 (a whole number from 0 to 4294967295), got the number -1"},
		{`{"lines":{"sku":"a"}}`, "lines", "expected an array, got an object"},
		{`{"lines":[null]}`, "lines[0]", "expected message shop.Order.Line, got null"},
		{`{"status":"LOST"}`, "status", "expected a name of enum shop.Order.Status (STATUS_UNKNOWN, PAID, SHIPPED) or its number, got \"LOST\""},
		{`{"customer":{"age":3000000000}}`, "customer.age", "expected an sint32 (a whole number from -2147483648 to 2147483647), got the number 3000000000"},
		{`{"customer":[]}`, "customer", "expected an object (message shop.Customer), got an array"},
		{`{"card":"4111","voucher":12}`, "voucher", "oneof payment has card set already"},
		{`{"counts":{"x":"a"}}`, `counts["x"]`, `expected an int32`},
		{`{"by_id":{"abc":{}}}`, `by_id["abc"]`, "the map's keys are int64: expected an int64"},
		{`{"by_id":{"1":{"sku":1}}}`, `by_id["1"].sku`, "expected a string"},
		{`{"at":"yesterday"}`, "at", `expected a google.protobuf.Timestamp (an RFC 3339 string like "2024-01-31T13:45:30.123Z"), got "yesterday"`},
		{`{"at":"10000-01-01T00:00:00Z"}`, "at", "expected a google.protobuf.Timestamp"},
		{`{"note_id":"x"}`, "note_id", `expected an int64`},
		{`{"ttl":"forever"}`, "ttl", "expected google.protobuf.Duration in protojson's form"},
		{`{"blob":"!!"}`, "blob", "expected bytes in base64 (a string), got \"!!\""},
		{`[1]`, "", "expected an object (message shop.Order), got an array"},
	} {
		_, err := c.ToHostFor([]byte(tc.guest), record)
		var fit *codec.FitError
		require.ErrorAs(t, err, &fit, tc.guest)
		assert.Equal(t, tc.field, fit.Field, tc.guest)
		assert.Equal(t, schema, fit.Schema, tc.guest)
		assert.Contains(t, fit.Reason, tc.reason, tc.guest)
		if tc.field != "" {
			assert.Contains(t, err.Error(), "field "+tc.field+" does not fit "+schema, tc.guest)
		}
	}

	_, err := c.ToHostFor([]byte(`{"id":`), record)
	assert.ErrorIs(t, err, codec.ErrInvalidJSON)
	_, err = c.ToHostFor([]byte(`{} {}`), record)
	assert.ErrorIs(t, err, codec.ErrInvalidJSON)

	legacy := produce(t, testMessage(t, map[string]string{"legacy.proto": legacyProto}, "legacy.proto", "legacy.Legacy"), legacyID, []int{0}, `{"name": "x"}`)
	_, err = c.ToHostFor([]byte(`{"n":1}`), legacy)
	assert.EqualError(t, err, `field name does not fit schema id 3 (subject "legacy-value" version 1) message legacy.Legacy: the field is required (proto2), got null or nothing`)
	_, err = c.ToHostFor([]byte(`{"name":"x","packed":[1e2, 3.0]}`), legacy)
	require.NoError(t, err, "whole numbers written with an exponent or a fraction fit an integer")
}

func TestProtobufRefusesWhatIsNotAProtobufRecord(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	ctx := context.Background()

	_, err := c.FromBytes([]byte(`{"id":"x"}`))
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	assert.EqualError(t, err, "protobuf: not in the Confluent wire format: first byte is 0x7b, expected 0x00 (the record looks like JSON text)")
	assert.ErrorIs(t, c.Prepare(ctx, []byte{0, 0, 0}), schemaregistry.ErrNotWireFormat)
	assert.ErrorIs(t, c.Prepare(ctx, []byte{0, 0, 0, 0, 1}), schemaregistry.ErrNotWireFormat, "no message indexes")

	unknown := []byte{0, 0, 0, 0, 99, 0, 0x0a, 0x01, 'x'}
	err = c.Prepare(ctx, unknown)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "protobuf: schema id 99: not found in schema registry "+reg.fake.URL())
	_, err = c.FromBytes(unknown)
	assert.Contains(t, err.Error(), "schema id 99: not found in schema registry "+reg.fake.URL())

	err = c.Prepare(ctx, []byte{0, 0, 0, 0, avroID, 0})
	assert.EqualError(t, err, "protobuf: schema id 4 has type AVRO, not PROTOBUF (converter protobuf)")

	err = c.Prepare(ctx, []byte{0, 0, 0, 0, orderID, 2, 10})
	assert.EqualError(t, err, `protobuf: schema id 1 (subject "orders-value" version 1): message indexes [5] name no message: the schema has 2`)
	// Order's nested messages: Line, and the entries of its two maps.
	err = c.Prepare(ctx, []byte{0, 0, 0, 0, orderID, 4, 0, 6})
	assert.EqualError(t, err, `protobuf: schema id 1 (subject "orders-value" version 1): message indexes [0 3] name no message: message shop.Order has 3`)

	_, err = c.FromBytes([]byte{0, 0, 0, 0, orderID, 0, 0xff})
	assert.ErrorContains(t, err, `protobuf: the data does not decode as message shop.Order of schema id 1 (subject "orders-value" version 1)`)

	// Malformed data on which protobuf-go's reflective decoder panics.
	_, err = c.FromBytes(append([]byte{0, 0, 0, 0, orderID, 0}, 0x3a, 0x05, 0x0a, 0x01, 0x30, 0x08, 0x30))
	assert.ErrorContains(t, err, "protobuf: the data does not decode as message shop.Order of schema id 1")

	_, err = c.FromValue(42)
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)

	_, err = c.ToHostFor([]byte(`{}`), []byte("plain"))
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	assert.ErrorContains(t, err, "protobuf: the part as it came in: not in the Confluent wire format")

	_, err = c.ToHost([]byte(`{}`))
	assert.ErrorContains(t, err, "protobuf: the record had no such part, so there is no schema to encode it with (set a schema subject")

	reg.seed("broken-value", 20, sr.Schema{Type: sr.TypeProtobuf, Schema: `syntax = "proto3"; message X { int32 a = 1 }`})
	err = c.Prepare(ctx, []byte{0, 0, 0, 0, 20, 0})
	assert.ErrorContains(t, err, "protobuf: schema id 20 is not a valid Protobuf schema: schema-20.proto:1:")
	reg.seed("unreferenced-value", 21, sr.Schema{Type: sr.TypeProtobuf, Schema: `syntax = "proto3"; import "nowhere.proto"; message X { int32 a = 1; }`})
	err = c.Prepare(ctx, []byte{0, 0, 0, 0, 21, 0})
	assert.ErrorContains(t, err, `protobuf: schema id 21 is not a valid Protobuf schema: schema-21.proto:1:27: could not resolve path "nowhere.proto": file does not exist (an import must be a well-known type or one of the schema's references)`)

	// A reference the registry fails to give fails the records of that
	// schema, naming it; they decode once the registry answers again.
	var down atomic.Bool
	down.Store(true)
	reg.fake.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if down.Load() && strings.HasPrefix(r.URL.Path, "/subjects/money/") {
			http.Error(w, `{"error_code":50001,"message":"store down"}`, http.StatusInternalServerError)
			return true
		}
		return false
	})
	invoice := []byte{0, 0, 0, 0, invoiceID, 0}
	err = c.Prepare(ctx, invoice)
	assert.ErrorContains(t, err, `protobuf: schema id 2: reference "money/money.proto": subject "money" version 1: schema registry `+reg.fake.URL()+` failed (HTTP 500`)
	down.Store(false)
	require.NoError(t, c.Prepare(ctx, invoice))
	got, err := c.FromBytes(invoice)
	require.NoError(t, err)
	assert.Equal(t, `{"number":"","total":null,"parts":[]}`, string(got))
}

func TestProtobufAsksTheRegistryOncePerSchemaID(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	order := produce(t, orderMessage(t, "shop.Order"), orderID, []int{0}, fullOrderProtojson)
	customer := produce(t, orderMessage(t, "shop.Customer"), orderID, []int{1}, `{"name": "x"}`)
	invoice := produce(t, testMessage(t, map[string]string{"invoice.proto": invoiceProto, "money/money.proto": moneyProto, "money/currency.proto": currencyProto},
		"invoice.proto", "billing.Invoice"), invoiceID, []int{0}, `{"number": "1"}`)

	ctx := context.Background()
	for range 100 {
		for _, record := range [][]byte{order, customer, invoice} {
			require.NoError(t, c.Prepare(ctx, record))
			guest, err := c.FromBytes(record)
			require.NoError(t, err)
			stored, err := c.ToHostFor(guest, record)
			require.NoError(t, err)
			require.Equal(t, record, stored.Bytes())
		}
	}
	// Order: its id. Invoice: its id, and its two references (by subject
	// and version, fetched when the schema is compiled).
	assert.Equal(t, int64(1+3), reg.client.Requests(), "registry requests for 300 records of two schemas")
}

func TestProtobufConvertsConcurrently(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	record := produce(t, orderMessage(t, "shop.Order"), orderID, []int{0}, fullOrderProtojson)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				guest, err := c.FromBytes(record)
				if err == nil {
					var stored codec.Stored
					stored, err = c.ToHostFor(guest, record)
					if err == nil && string(stored.Bytes()) != string(record) {
						err = errors.New("round trip changed the record")
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, int64(1), reg.client.Requests())
}

func TestProtobufWithASubjectEncodesWithItsLatestSchema(t *testing.T) {
	reg := protoRegistry(t)
	// Version 2 of orders-value puts a message before Order and gives Order a
	// new field: the guest's Order is encoded as that Order, index [1].
	orderV2 := strings.Replace(orderProto, "message Order {", "message Header { string trace = 1; }\n\nmessage Order {\n  string channel = 21;", 1)
	const orderV2ID = 30
	reg.fake.SeedSchema("orders-value", 2, orderV2ID, sr.Schema{Type: sr.TypeProtobuf, Schema: orderV2})
	c := newProtobuf(t, reg, "orders-value")
	record := produce(t, orderMessage(t, "shop.Order"), orderID, []int{0}, `{"id": "o-1"}`)

	guest, err := c.FromBytes(record)
	require.NoError(t, err)
	changed := strings.Replace(string(guest), `"id":"o-1"`, `"id":"o-1","channel":"web"`, 1)
	stored, err := c.ToHostFor([]byte(changed), record)
	require.NoError(t, err)
	md := testMessage(t, map[string]string{"order.proto": orderV2}, "order.proto", "shop.Order")
	id, indexes, m := consume(t, md, stored.Bytes())
	assert.Equal(t, orderV2ID, id)
	assert.Equal(t, []int{1}, indexes)
	assert.Equal(t, "web", m.Get(md.Fields().ByName("channel")).String())

	// A part the record did not have: the subject's first message.
	stored, err = c.ToHost([]byte(`{"trace":"t-1"}`))
	require.NoError(t, err)
	header := testMessage(t, map[string]string{"order.proto": orderV2}, "order.proto", "shop.Header")
	id, indexes, m = consume(t, header, stored.Bytes())
	assert.Equal(t, orderV2ID, id)
	assert.Equal(t, []int{0}, indexes)
	assert.Equal(t, "t-1", m.Get(header.Fields().ByName("trace")).String())

	_, err = c.ToHostFor([]byte(`{}`), []byte("plain"))
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat, "the part as it came in must be readable, to know its message")

	_, err = c.ToHostFor([]byte(`{"nope":1}`), record)
	var fit *codec.FitError
	require.ErrorAs(t, err, &fit)
	assert.Equal(t, `schema id 30 (subject "orders-value" version 2) message shop.Order`, fit.Schema)
}

func TestProtobufNeedsARegistry(t *testing.T) {
	_, err := codec.New("io.confluent.connect.protobuf.ProtobufConverter", codec.SchemaOptions{})
	assert.EqualError(t, err, "converter protobuf reads its schemas from a schema registry, and none is configured (set schema_registry.url)")
	reg := protoRegistry(t)
	c, err := codec.New("io.confluent.connect.protobuf.ProtobufConverter", codec.SchemaOptions{Registry: reg.client})
	require.NoError(t, err)
	assert.Equal(t, codec.ProtobufName, c.Name())
	assert.Contains(t, codec.Names(), "io.confluent.connect.protobuf.ProtobufConverter")
}

func TestProtobufFloatsAndTimestampsInTheirJSONForms(t *testing.T) {
	reg := protoRegistry(t)
	c := newProtobuf(t, reg, "")
	md := orderMessage(t, "shop.Order")
	for _, tc := range []struct{ producer, ratio, weight, at string }{
		{`{"ratio": 1e21, "weight": 1e-7, "at": "1970-01-01T00:00:00Z"}`, `1e+21`, `1e-7`, `"1970-01-01T00:00:00Z"`},
		{`{"ratio": 1000000, "weight": 0.1, "at": "0001-01-01T00:00:00.000001Z"}`, `1000000`, `0.1`, `"0001-01-01T00:00:00.000001Z"`},
		{`{"ratio": -0.000001, "weight": 3.4028235e38, "at": "9999-12-31T23:59:59.999999999Z"}`, `-0.000001`, `3.4028235e+38`, `"9999-12-31T23:59:59.999999999Z"`},
		{fmt.Sprintf(`{"ratio": %v, "weight": "Infinity", "at": "2024-01-31T13:45:30.120Z"}`, math.MaxFloat64), `1.7976931348623157e+308`, `"Infinity"`, `"2024-01-31T13:45:30.120Z"`},
	} {
		record := produce(t, md, orderID, []int{0}, tc.producer)
		got, err := c.FromBytes(record)
		require.NoError(t, err)
		assert.Contains(t, string(got), `"ratio":`+tc.ratio+`,`, tc.producer)
		assert.Contains(t, string(got), `"weight":`+tc.weight+`,`, tc.producer)
		assert.Contains(t, string(got), `"at":`+tc.at+`,`, tc.producer)
		stored, err := c.ToHostFor(got, record)
		require.NoError(t, err)
		assert.Equal(t, record, stored.Bytes(), tc.producer)
	}
}
