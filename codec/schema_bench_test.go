package codec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// One order of about 1 KiB (as Avro), in each schema format: strings,
// longs, a nullable field, an enum, a timestamp, an array of 12 nested
// records and a nested record, as a typical Kafka value.
const benchAvroSchema = `{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},{"name":"customer","type":"string"},{"name":"email","type":["null","string"]},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SENT"]}},
 {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"note","type":"string"},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
   {"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"string"}]}}
]}`

const benchProto = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Order {
  enum Status { NEW = 0; PAID = 1; SENT = 2; }
  message Line { string sku = 1; int32 qty = 2; double price = 3; }
  message Address { string street = 1; string city = 2; string zip = 3; }
  int64 id = 1; string customer = 2; optional string email = 3; Status status = 4;
  google.protobuf.Timestamp placed = 5; string note = 6; repeated Line lines = 7; Address address = 8;
}`

const benchJSONSchema = `{"type":"object","required":["id","customer","status","lines"],"properties":{
 "id":{"type":"integer"},"customer":{"type":"string"},"email":{"type":["string","null"]},
 "status":{"enum":["NEW","PAID","SENT"]},"placed":{"type":"string","format":"date-time"},"note":{"type":"string"},
 "lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"},"price":{"type":"number"}}}},
 "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"string"}}}}}`

// benchOrderJSON is the order as JSON, which each format's producer encodes.
func benchOrderJSON() string {
	lines := make([]string, 0, 12)
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"sku":"SKU-%08d-%s","qty":%d,"price":%v}`, i, strings.Repeat("x", 20), i+1, 9.99*float64(i+1)))
	}
	return `{"id":1234567890123,"customer":"Ada Lovelace","email":"ada@example.com","status":"PAID",` +
		`"placed":"2024-01-31T13:45:30.123Z","note":"` + strings.Repeat("please deliver to the back door; ", 10) + `",` +
		`"lines":[` + strings.Join(lines, ",") + `],"address":{"street":"12 Analytical Engine Road","city":"London","zip":"NW1 2AB"}}`
}

// BenchmarkSchemaConverters is the cost per record of each registry
// converter, beside its library's own decode and encode of the same record
// in the same run (hamba/avro; protobuf-go's dynamicpb; encoding/json and
// the validator): what a guest that passes the value through costs (decode
// to JSON; the unchanged JSON keeps the record's bytes, see
// processor.setSchemaPart), and what one that changes it costs (decode to
// JSON, parse the guest's JSON, check it, encode). Target: passthru and
// changed each at most twice the library's row, and no registry request per
// record (registry-requests/op).
func BenchmarkSchemaConverters(b *testing.B) {
	order := benchOrderJSON()
	reg := newTestRegistry(b)

	// avro
	avroSchema := avro.MustParse(benchAvroSchema)
	var native any
	if err := json.Unmarshal([]byte(order), &native); err != nil {
		b.Fatal(err)
	}
	reg.seed("avro-value", 1, sr.Schema{Schema: benchAvroSchema, Type: sr.TypeAvro})
	avroConv := reg.converter(b, codec.AvroName, codec.SchemaOptions{})
	avroData := mustAvroFromView(b, avroConv, order)

	// protobuf
	reg.seed("proto-value", 2, sr.Schema{Schema: benchProto, Type: sr.TypeProtobuf})
	md := testMessage(b, map[string]string{"order.proto": benchProto}, "order.proto", "shop.Order")
	protoRaw := produce(b, md, 2, []int{0}, order) // [0] is written as one byte 0
	protoConv := reg.converter(b, codec.ProtobufName, codec.SchemaOptions{})

	// json_schema
	reg.seed("json-value", 3, sr.Schema{Schema: benchJSONSchema, Type: sr.TypeJSON})
	jsonConv := reg.converter(b, codec.JSONSchemaName, codec.SchemaOptions{})
	jsonRaw := wire(b, 3, nil, []byte(order))

	rows := []struct {
		name    string
		conv    codec.SchemaConverter
		raw     []byte
		library func() error
	}{
		{"avro", avroConv, wire(b, 1, nil, avroData), func() error {
			var v any
			if err := avro.Unmarshal(avroSchema, avroData, &v); err != nil {
				return err
			}
			_, err := avro.Marshal(avroSchema, v)
			return err
		}},
		{"protobuf", protoConv, protoRaw, func() error {
			m := dynamicpb.NewMessage(md)
			if err := proto.Unmarshal(protoRaw[6:], m); err != nil {
				return err
			}
			_, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			return err
		}},
		{"json_schema", jsonConv, jsonRaw, func() error {
			var v any
			if err := json.Unmarshal(jsonRaw[5:], &v); err != nil {
				return err
			}
			_, err := json.Marshal(v)
			return err
		}},
	}
	ctx := context.Background()
	for _, row := range rows {
		if err := row.conv.Prepare(ctx, row.raw); err != nil {
			b.Fatal(err)
		}
		view, err := row.conv.FromBytes(row.raw)
		if err != nil {
			b.Fatal(err)
		}
		changed := bytes.Replace(view, []byte("ada@example.com"), []byte("a**@example.com"), 1)
		b.Run(row.name+"/library-decode-encode", func(b *testing.B) {
			b.SetBytes(int64(len(row.raw)))
			for b.Loop() {
				if err := row.library(); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, guest := range []struct {
			name string
			out  func([]byte) []byte
		}{
			{"passthru", func(v []byte) []byte { return v }},
			{"changed", func([]byte) []byte { return changed }},
		} {
			b.Run(row.name+"/"+guest.name, func(b *testing.B) {
				b.SetBytes(int64(len(row.raw)))
				before := reg.requests.Load()
				for b.Loop() {
					if err := row.conv.Prepare(ctx, row.raw); err != nil {
						b.Fatal(err)
					}
					v, err := row.conv.FromBytes(row.raw)
					if err != nil {
						b.Fatal(err)
					}
					out := guest.out(v)
					if bytes.Equal(out, v) {
						continue // unchanged: the record keeps its bytes
					}
					if _, err := row.conv.ToHostFor(out, row.raw); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(reg.requests.Load()-before)/float64(b.N), "registry-requests/op")
			})
		}
	}
}

// mustAvroFromView encodes the order's JSON with the avro converter itself
// (the JSON view is the guest's form), giving the Avro data.
func mustAvroFromView(b *testing.B, c codec.SchemaConverter, order string) []byte {
	stored, err := c.ToHostFor([]byte(order), wire(b, 1, nil, nil))
	if err != nil {
		b.Fatal(err)
	}
	return stored.Bytes()[5:]
}
