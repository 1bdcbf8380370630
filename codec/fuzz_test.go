package codec_test

// FuzzConverters checks every converter (by each of its names, the Kafka
// Connect class names included) against what it promises:
//
//   - bytes passes any bytes through exactly, both ways;
//   - string accepts exactly valid UTF-8, both ways, and passes it through;
//   - json accepts exactly what json.Valid accepts; what it stores reads back
//     as equivalent JSON;
//   - FromValue shows typed values as documented, and never panics;
//   - no method modifies the bytes it is given.
//
// Run it with `go test -run='^$' -fuzz='^FuzzConverters$' ./codec`, or
// with every other target through scripts/fuzz.sh.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

func FuzzConverters(f *testing.F) {
	for _, raw := range []string{
		"", "hello", "\x00\xff", "\xc3", "\xc3\xa9", "\xed\xa0\x80", // a surrogate half is not UTF-8
		`{"a":1}`, `{"a":1,"a":2}`, `[1,2.5,-0,1e2,true,false,null,"x"]`, ` "text" `, `"\ud800"`,
		"\"\xff\"", `12345678901234567890`, `9007199254740993`, `-9223372036854775808`,
		`1e400`, `-1e400`, `1e-400`, `0.1`, `1.0`, `01`, `{`, `{}x`, `{} {}`, `NaN`, `"\u0000"`,
	} {
		f.Add([]byte(raw), "s", int64(3), 1.5, true, uint8(0))
	}
	f.Add([]byte{}, "\xff text", int64(math.MinInt64), math.Inf(1), false, uint8(3))
	f.Add([]byte{}, "", int64(math.MaxInt64), math.NaN(), false, uint8(3))
	f.Add([]byte{}, "ü", int64(-1), -0.0, false, uint8(6))
	f.Add([]byte{}, "\xc3", int64(1)<<53+1, 1e300, false, uint8(7))
	for kind := range uint8(valueKinds) {
		f.Add([]byte("x"), "v", int64(kind), float64(kind)/3, kind%2 == 0, kind)
	}

	converters := map[string]codec.Converter{}
	for _, name := range codec.Names() {
		if codec.IsSchemaAware(name) {
			continue // each has its own fuzz test, with a registry
		}
		c, err := codec.Lookup(name)
		if err != nil {
			f.Fatalf("Lookup(%q): %v", name, err)
		}
		converters[name] = c
	}

	f.Fuzz(func(t *testing.T, raw []byte, s string, n int64, fl float64, b bool, kind uint8) {
		v := typedValue(kind, s, n, fl, b)
		for _, c := range converters {
			keep := bytes.Clone(raw)
			checkFromBytes(t, c, raw)
			checkToHost(t, c, raw, converters)
			if !bytes.Equal(raw, keep) {
				t.Fatalf("%s modified the bytes it was given: %q became %q", c.Name(), keep, raw)
			}
			checkFromValue(t, c, v)
		}
	})
}

const valueKinds = 10

// typedValue builds a stored value of the kinds Benthos metadata and
// structured payloads hold.
func typedValue(kind uint8, s string, n int64, fl float64, b bool) any {
	switch kind % valueKinds {
	case 0:
		return s
	case 1:
		return []byte(s)
	case 2:
		return n
	case 3:
		return fl
	case 4:
		return b
	case 5:
		return nil
	case 6:
		return map[string]any{s: n, "f": fl, "b": b}
	case 7:
		return []any{s, fl, nil, []any{n}}
	case 8:
		return int(n)
	default:
		return json.Number(s) // as a decoder with UseNumber leaves it; may not be a number
	}
}

func checkFromBytes(t *testing.T, c codec.Converter, raw []byte) {
	got, err := c.FromBytes(raw)
	switch c.Name() {
	case codec.BytesName:
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("bytes.FromBytes(%q) = %q, %v; want the bytes themselves", raw, got, err)
		}
		return
	case codec.StringName:
		mustAcceptExactly(t, "FromBytes", raw, err, utf8.Valid(raw), codec.ErrInvalidUTF8)
	case codec.JSONName:
		mustAcceptExactly(t, "FromBytes", raw, err, json.Valid(raw), codec.ErrInvalidJSON)
	default:
		t.Fatalf("unknown converter %s", c.Name())
	}
	if err == nil && !bytes.Equal(got, raw) {
		t.Fatalf("%s.FromBytes(%q) = %q; a raw part passes through unchanged", c.Name(), raw, got)
	}
}

func mustAcceptExactly(t *testing.T, method string, raw []byte, err error, valid bool, sentinel error) {
	t.Helper()
	if valid && err != nil {
		t.Fatalf("%s refused %q: %v", method, raw, err)
	}
	if !valid && err == nil {
		t.Fatalf("%s accepted %q", method, raw)
	}
	if err != nil && !errors.Is(err, sentinel) {
		t.Fatalf("%s(%q) error %v is not %v", method, raw, err, sentinel)
	}
}

func checkToHost(t *testing.T, c codec.Converter, raw []byte, all map[string]codec.Converter) {
	result, err := c.ToHost(raw)
	switch c.Name() {
	case codec.BytesName, codec.StringName:
		if c.Name() == codec.StringName {
			mustAcceptExactly(t, "ToHost", raw, err, utf8.Valid(raw), codec.ErrInvalidUTF8)
		} else if err != nil {
			t.Fatalf("bytes.ToHost(%q): %v", raw, err)
		}
		if err != nil {
			return
		}
		got := result.Bytes()
		if result.IsStructured() || result.Structured() != nil || !bytes.Equal(got, raw) {
			t.Fatalf("%s.ToHost(%q) = %#v; want the bytes, unstructured", c.Name(), raw, result)
		}
		// What the host stored reads back as the same bytes.
		back, err := c.FromBytes(got)
		if err != nil || !bytes.Equal(back, raw) {
			t.Fatalf("%s: %q stored then read gives %q, %v", c.Name(), raw, back, err)
		}
		back, err = c.FromValue(string(got)) // as a string metadata value
		if err != nil || !bytes.Equal(back, raw) {
			t.Fatalf("%s: %q stored as metadata then read gives %q, %v", c.Name(), raw, back, err)
		}
	case codec.JSONName:
		mustAcceptExactly(t, "ToHost", raw, err, json.Valid(raw), codec.ErrInvalidJSON)
		if err != nil {
			return
		}
		if !result.IsStructured() || result.Bytes() != nil {
			t.Fatalf("json.ToHost(%q) = %#v, not a structured value", raw, result)
		}
		stored := result.Structured()
		checkParsed(t, stored)
		// The stored value, as a structured payload or typed metadata, reads
		// back through every converter; through json as equivalent JSON.
		back, err := c.FromValue(stored)
		if err != nil {
			t.Fatalf("json converter accepted %q, stored %#v, which it cannot show again: %v", raw, stored, err)
		}
		if !equivalentJSON(t, back, raw) {
			t.Fatalf("json converter: %q stored as %#v reads back as %q", raw, stored, back)
		}
		for _, other := range []string{codec.BytesName, codec.StringName} {
			if _, err := all[other].FromValue(stored); err != nil {
				t.Fatalf("json converter stored %#v from %q, which the %s converter cannot show: %v", stored, raw, other, err)
			}
		}
	}
}

// checkParsed checks a stored JSON value holds only the types of a parsed
// JSON value: int64 for integral numbers that fit, float64 for other numbers,
// json.Number only for a number beyond float64's range (an infinity as a
// float64, which JSON cannot show).
func checkParsed(t *testing.T, v any) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64:
	case json.Number:
		if _, err := strconv.ParseFloat(string(x), 64); !errors.Is(err, strconv.ErrRange) {
			t.Fatalf("json.ToHost stored json.Number %q, which float64 holds (%v)", x, err)
		}
	case map[string]any:
		for _, e := range x {
			checkParsed(t, e)
		}
	case []any:
		for _, e := range x {
			checkParsed(t, e)
		}
	default:
		t.Fatalf("json.ToHost stored a %T (%v)", v, v)
	}
}

// equivalentJSON compares two JSON texts as values (testutil.EquivalentJSON),
// failing the test on a text that is not JSON.
func equivalentJSON(t *testing.T, a, b []byte) bool {
	for _, text := range [][]byte{a, b} {
		if _, err := testutil.DecodeJSON(text); err != nil {
			t.Fatalf("decoding %q: %v", text, err)
		}
	}
	return testutil.EquivalentJSON(a, b)
}

func checkFromValue(t *testing.T, c codec.Converter, v any) {
	got, err := c.FromValue(v)
	marshalled, marshalErr := json.Marshal(v)
	switch x := v.(type) {
	case string, []byte:
		text := []byte(fmt.Sprint(x))
		if bs, ok := x.([]byte); ok {
			text = bs
		}
		switch c.Name() {
		case codec.BytesName:
			if err != nil || !bytes.Equal(got, text) {
				t.Fatalf("bytes.FromValue(%#v) = %q, %v; want the text itself", v, got, err)
			}
		case codec.StringName:
			mustAcceptExactly(t, "FromValue", text, err, utf8.Valid(text), codec.ErrInvalidUTF8)
			if err == nil && !bytes.Equal(got, text) {
				t.Fatalf("string.FromValue(%#v) = %q; want the text itself", v, got)
			}
		case codec.JSONName:
			// Text is shown as a JSON string, invalid UTF-8 coerced.
			var back string
			if err != nil || json.Unmarshal(got, &back) != nil || back != string([]rune(string(text))) {
				t.Fatalf("json.FromValue(%#v) = %q, %v; want it as a JSON string", v, got, err)
			}
		}
	default:
		// Other values are shown in their JSON form by every converter; a value
		// JSON cannot hold (NaN, an infinity, a json.Number that is no number)
		// is an error, not a panic.
		if (err == nil) != (marshalErr == nil) {
			t.Fatalf("%s.FromValue(%#v) = %q, %v; json.Marshal says %v", c.Name(), v, got, err, marshalErr)
		}
		if err != nil {
			return
		}
		if c.Name() == codec.StringName && !utf8.Valid(got) {
			t.Fatalf("string.FromValue(%#v) gave invalid UTF-8 %q", v, got)
		}
		if !bytes.Equal(got, marshalled) {
			t.Fatalf("%s.FromValue(%#v) = %q, want its JSON form %q", c.Name(), v, got, marshalled)
		}
	}
	if err == nil && c.Name() == codec.JSONName {
		// What the json converter shows, it takes back as an equivalent value.
		stored, err := c.ToHost(got)
		if err != nil {
			t.Fatalf("json converter refuses its own %q: %v", got, err)
		}
		again, err := c.FromValue(stored.Structured())
		if err != nil || !equivalentJSON(t, again, got) {
			t.Fatalf("json converter: %q round trips as %q, %v", got, again, err)
		}
	}
}
