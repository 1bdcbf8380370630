package codec_test

import (
	"context"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// fuzzSchema has every Avro type whose JSON view is unambiguous: a union
// whose branches JSON tells apart, and a map of at most one entry (a map's
// entry order is not kept by a JSON object; a guest that changes nothing
// keeps the bytes anyway, see processor's TestAnUnchangedAvroValueKeepsItsBytes).
const fuzzSchema = `{"type":"record","name":"F","namespace":"fz","fields":[
 {"name":"l","type":"long"},
 {"name":"i","type":"int"},
 {"name":"d","type":"double"},
 {"name":"f","type":"float"},
 {"name":"s","type":"string"},
 {"name":"b","type":"bytes"},
 {"name":"t","type":"boolean"},
 {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
 {"name":"x","type":{"type":"fixed","name":"X","size":3}},
 {"name":"o","type":["null","string"]},
 {"name":"u","type":["null","long","string",{"type":"record","name":"In","fields":[{"name":"v","type":"int"}]}]},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":3}},
 {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tu","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"lt","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"dt","type":{"type":"int","logicalType":"date"}},
 {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"tc","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"a","type":{"type":"array","items":"fz.In"}},
 {"name":"m","type":{"type":"map","values":"double"}}
]}`

func FuzzAvroUnchangedJSONEncodesToTheSameBytes(f *testing.F) {
	f.Add(int64(0), int32(0), 0.0, float32(0), "", []byte{}, false, uint8(0))
	f.Add(int64(math.MaxInt64), int32(math.MinInt32), math.Inf(-1), float32(math.NaN()), "ü\"\\\n\x00", []byte{0xff, 0}, true, uint8(1))
	f.Add(int64(-1)<<62, int32(-719162), -0.0, float32(1e38), "\xff\xfe", []byte("abc"), true, uint8(2))
	f.Add(int64(253402300800000), int32(2932897), 5e-324, float32(-1.5), "</script>", []byte{1}, false, uint8(3))

	reg := newTestRegistry(f)
	reg.seed("fuzz-value", 1, sr.Schema{Schema: fuzzSchema, Type: sr.TypeAvro})
	c := reg.converter(f, codec.AvroName, codec.SchemaOptions{})
	schema := avro.MustParse(fuzzSchema)

	f.Fuzz(func(t *testing.T, n int64, small int32, d float64, fl float32, s string, b []byte, flag bool, sel uint8) {
		if math.IsNaN(d) {
			d = math.NaN() // a NaN's payload has no JSON form
		}
		if math.IsNaN(float64(fl)) {
			fl = float32(math.NaN())
		}
		s = strings.ToValidUTF8(s, "?") // an Avro string is UTF-8
		x := [3]byte{}
		copy(x[:], b)
		var u any
		switch sel % 4 {
		case 1: // the union has a record branch, so hamba/avro wants each branch named
			u = map[string]any{"long": n}
		case 2:
			u = map[string]any{"string": s}
		case 3:
			u = map[string]any{"fz.In": map[string]any{"v": int(small)}}
		}
		var o any
		if flag {
			o = s
		}
		m := map[string]any{}
		if sel%2 == 1 {
			m[s] = d
		}
		value := map[string]any{
			"l": n, "i": int(small), "d": d, "f": fl, "s": s, "b": b, "t": flag,
			"e": []string{"A", "B", "C"}[sel%3], "x": x, "o": o, "u": u,
			"dec": big.NewRat(n%1_000_000_000_000_000, 1000),
			"ts":  time.UnixMilli(n), "tu": time.UnixMicro(n), "lt": time.UnixMilli(n),
			"dt": time.Unix(int64(small)*86400, 0).UTC(),
			"tm": time.Duration(small) * time.Millisecond, "tc": time.Duration(n%(1<<40)) * time.Microsecond,
			"a": []any{map[string]any{"v": int(small)}, map[string]any{"v": int(sel)}},
			"m": m,
		}
		data, err := avro.Marshal(schema, value)
		if err != nil {
			t.Skipf("hamba/avro cannot encode this value: %v", err) // not a value the schema allows
		}
		raw := wire(t, 1, nil, data)
		if err := c.Prepare(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
		view, err := c.FromBytes(raw)
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		stored, err := c.ToHostFor(view, raw)
		if err != nil {
			t.Fatalf("encoding the unchanged JSON %s: %v", view, err)
		}
		if string(stored.Bytes()) != string(raw) {
			t.Fatalf("the unchanged JSON %s encodes to\n%x, not\n%x", view, stored.Bytes(), raw)
		}
	})
}
