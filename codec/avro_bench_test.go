package codec_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// benchSchema and benchValue make a record of about 1 KiB of Avro: an
// order with strings, longs, a nullable field, an enum, an array and a
// nested record, as a typical Kafka value.
const benchSchema = `{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},{"name":"customer","type":"string"},{"name":"email","type":["null","string"]},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SENT"]}},
 {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"note","type":"string"},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
   {"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"string"}]}}
]}`

func benchValue() map[string]any {
	lines := make([]any, 0, 12)
	for i := range 12 {
		lines = append(lines, map[string]any{"sku": fmt.Sprintf("SKU-%08d-%s", i, strings.Repeat("x", 20)), "qty": i + 1, "price": 9.99 * float64(i+1)})
	}
	return map[string]any{
		"id": int64(1234567890123), "customer": "Ada Lovelace", "email": "ada@example.com", "status": "PAID",
		"placed": int64(1706708730123), "note": strings.Repeat("please deliver to the back door; ", 10),
		"lines":   lines,
		"address": map[string]any{"street": "12 Analytical Engine Road", "city": "London", "zip": "NW1 2AB"},
	}
}

// BenchmarkAvro is the cost per record of the avro converter, against
// hamba/avro's own decode and encode of the same record: what a guest that
// passes the value through costs (decode to JSON; the unchanged JSON keeps
// the bytes, see processor.setSchemaPart), and what one that changes it
// costs (decode to JSON, parse the guest's JSON, encode). The target: each
// at most twice hamba/avro's decode+encode, and no registry request per
// record (registry-requests/op).
func BenchmarkAvro(b *testing.B) {
	schema := avro.MustParse(benchSchema)
	data, err := avro.Marshal(schema, benchValue())
	if err != nil {
		b.Fatal(err)
	}
	reg := newTestRegistry(b)
	reg.seed("orders-value", 1, sr.Schema{Schema: benchSchema, Type: sr.TypeAvro})
	c := reg.converter(b, codec.AvroName, codec.SchemaOptions{})
	raw := wire(b, 1, nil, data)
	ctx := context.Background()
	if err := c.Prepare(ctx, raw); err != nil {
		b.Fatal(err)
	}
	view, _ := c.FromBytes(raw)
	changed := bytes.Replace(view, []byte("ada@example.com"), []byte("a**@example.com"), 1)
	b.Logf("record: %d bytes of Avro, %d bytes of JSON", len(raw), len(view))

	b.Run("hamba-decode-encode", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var v any
			if err := avro.Unmarshal(schema, data, &v); err != nil {
				b.Fatal(err)
			}
			if _, err := avro.Marshal(schema, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	run := func(name string, guest func([]byte) []byte) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			before := reg.requests.Load()
			for b.Loop() {
				if err := c.Prepare(ctx, raw); err != nil {
					b.Fatal(err)
				}
				v, err := c.FromBytes(raw)
				if err != nil {
					b.Fatal(err)
				}
				out := guest(v)
				if bytes.Equal(out, v) {
					continue // unchanged: the record keeps its bytes
				}
				if _, err := c.ToHostFor(out, raw); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(reg.requests.Load()-before)/float64(b.N), "registry-requests/op")
		})
	}
	run("converter-passthru", func(v []byte) []byte { return v })
	run("converter-changed", func([]byte) []byte { return changed })
}
