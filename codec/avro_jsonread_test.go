package codec

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hamba/avro/v2"
)

// jsonReadSchema has every kind of Avro type, and unions that JSON can and
// cannot tell apart, for FuzzReadAvroJSON.
const jsonReadSchema = `{"type":"record","name":"F","namespace":"fz","fields":[
 {"name":"l","type":"long"},
 {"name":"i","type":"int","default":0},
 {"name":"d","type":"double"},
 {"name":"s","type":"string"},
 {"name":"b","type":"bytes","default":""},
 {"name":"t","type":"boolean"},
 {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
 {"name":"x","type":{"type":"fixed","name":"X","size":2}},
 {"name":"o","type":["null","string"],"default":null},
 {"name":"u","type":["null","long","string",{"type":"record","name":"In","fields":[{"name":"v","type":"int"}]}]},
 {"name":"w","type":["int","long",{"type":"record","name":"P","fields":[{"name":"v","type":"int"}]},{"type":"record","name":"Q","fields":[{"name":"q","type":"string"}]}]},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"dt","type":{"type":"int","logicalType":"date"}},
 {"name":"a","type":{"type":"array","items":"fz.In"}},
 {"name":"m","type":{"type":"map","values":["null","double"]}}
]}`

// FuzzReadAvroJSON holds the one-pass reader to what encoding/json and
// avroFromJSON give: the same value for JSON that fits, a misfit for JSON
// that does not, an error for text that is not JSON.
func FuzzReadAvroJSON(f *testing.F) {
	valid := `{"l":1,"i":2,"d":1.5,"s":"a\u00e9\"","b":"AAE=","t":true,"e":"B","x":"QUI=","o":null,"u":{"v":3},` +
		`"w":{"q":"z"},"dec":"12.50","ts":"2024-01-31T13:45:30.123Z","dt":19753,"a":[{"v":1},{"v":2}],"m":{"k":null,"j":"NaN"}}`
	for _, seed := range []string{
		valid,
		` {"l":-0,"d":1e-3,"s":"","t":false,"e":"A","x":"AAA=","u":null,"w":5,"dec":0,"ts":0,"dt":"2024-01-31","a":[],"m":{}} `,
		`{"l":1,"u":"x","w":4294967296}`, `{"l":01}`, `{"l":1,}`, `{"l":1} x`, `{"l":"1"}`, `{"zz":1}`,
		`{"l":1,"l":2}`, `[1]`, `"s"`, `{"s":"\ud800"}`, "{\"s\":\"\xff\"}", `{"a":[{"v":1}{"v":2}]}`,
		`{"m":{"a":1,"b":[}}`, `{"u":true}`, `{"w":{"v":1}}`, `{"w":{"v":1,"q":"a"}}`, `{"dec":12.345}`,
	} {
		f.Add([]byte(seed))
	}
	schema := avro.MustParse(jsonReadSchema)
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := readAvroJSON(schema, b)
		parsed, parseErr := decodeJSONNumbers(b)
		if parseErr != nil {
			if !errors.Is(err, ErrInvalidJSON) {
				t.Fatalf("%q is not JSON (%v), yet reading it gave %v (%v)", b, parseErr, got, err)
			}
			return
		}
		want, wantErr := avroFromJSON(schema, parsed)
		var m *misfit
		switch {
		case wantErr != nil && !errors.As(err, &m):
			t.Fatalf("%q does not fit (%v), yet reading it gave %v (%v)", b, wantErr, got, err)
		case wantErr == nil && err != nil:
			t.Fatalf("%q fits as %v, yet reading it failed: %v", b, want, err)
		case wantErr == nil && fmt.Sprint(got) != fmt.Sprint(want):
			t.Fatalf("%q: read as\n%v\nnot\n%v", b, got, want)
		}
	})
}
