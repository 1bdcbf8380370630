package smt

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
	"unicode/utf8"
)

const jsonDoc = `{"user": {"name": "bob", "tags": ["a", {"x": 1}], "age": 42},
 "email":"bob@example.com", "score": -1.5e3, "ok": true, "gone": null,
 "esc": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "n": 9007199254740993, "zero": 0}`

func jsonErrKind(err error) JSONErrorKind {
	var je *JSONError
	if errors.As(err, &je) {
		return je.Kind
	}
	return 0
}

func TestJSONGetters(t *testing.T) {
	doc := []byte(jsonDoc)
	if s, err := JSONString(doc, "user", "name"); err != nil || s != "bob" {
		t.Errorf("user.name = %q, %v", s, err)
	}
	if s, err := JSONString(doc, "esc"); err != nil || s != "a\"b\\c/d\né😀" {
		t.Errorf("esc = %q, %v", s, err)
	}
	if f, err := JSONNumber(doc, "score"); err != nil || f != -1500 {
		t.Errorf("score = %v, %v", f, err)
	}
	if f, err := JSONNumber(doc, "user", "age"); err != nil || f != 42 {
		t.Errorf("age = %v, %v", f, err)
	}
	if n, err := JSONInt(doc, "n"); err != nil || n != 9007199254740993 {
		t.Errorf("n = %v, %v (beyond 2^53, exact)", n, err)
	}
	if n, err := JSONInt(doc, "zero"); err != nil || n != 0 {
		t.Errorf("zero = %v, %v", n, err)
	}
	if b, err := JSONBool(doc, "ok"); err != nil || !b {
		t.Errorf("ok = %v, %v", b, err)
	}
	if null, err := JSONIsNull(doc, "gone"); err != nil || !null {
		t.Errorf("gone null = %v, %v", null, err)
	}
	if null, err := JSONIsNull(doc, "ok"); err != nil || null {
		t.Errorf("ok null = %v, %v", null, err)
	}
	if raw, err := JSONRaw(doc, "user", "tags"); err != nil || string(raw) != `["a", {"x": 1}]` {
		t.Errorf("raw tags = %s, %v", raw, err)
	}
	if raw, err := JSONRaw([]byte(" 7 ")); err != nil || string(raw) != "7" {
		t.Errorf("raw root = %s, %v", raw, err)
	}
}

func TestJSONLastDuplicateWins(t *testing.T) {
	if s, err := JSONString([]byte(`{"a":"first","a":"last"}`), "a"); err != nil || s != "last" {
		t.Errorf("a = %q, %v", s, err)
	}
}

func TestJSONEscapedKey(t *testing.T) {
	if s, err := JSONString([]byte(`{"\u00e9t\u00e9":"summer"}`), "été"); err != nil || s != "summer" {
		t.Errorf("été = %q, %v", s, err)
	}
}

func TestJSONLoneSurrogate(t *testing.T) {
	if s, err := JSONString([]byte(`"\ud800x\udc00"`)); err != nil || s != "\uFFFDx\uFFFD" {
		t.Errorf("lone surrogates = %q, %v", s, err)
	}
}

func TestJSONNumbers(t *testing.T) {
	for text, want := range map[string]float64{
		"0": 0, "-0": 0, "12": 12, "1.25": 1.25, "-0.5": -0.5, "1e3": 1000, "1E+3": 1000,
		"25e-1": 2.5, "123456789012": 123456789012,
	} {
		if f, err := JSONNumber([]byte(`{"v":`+text+`}`), "v"); err != nil || f != want {
			t.Errorf("%s = %v, %v", text, f, err)
		}
	}
	for _, text := range []string{"1.5", "1e3", "99999999999999999999"} {
		if _, err := JSONInt([]byte(text)); jsonErrKind(err) != JSONWrongType {
			t.Errorf("JSONInt(%s) err = %v", text, err)
		}
	}
	if _, err := JSONNumber([]byte("1e999")); jsonErrKind(err) != JSONWrongType {
		t.Errorf("1e999 err = %v", err)
	}
}

func TestJSONErrors(t *testing.T) {
	doc := []byte(jsonDoc)
	cases := []struct {
		name string
		err  error
		kind JSONErrorKind
		msg  string
	}{
		{"missing", second(JSONString(doc, "phone")), JSONNotFound, "path phone: not found"},
		{"missing nested", second(JSONString(doc, "user", "phone")), JSONNotFound, "path user.phone: not found"},
		{"through a string", second(JSONString(doc, "email", "x")), JSONNotObject, "path email.x: email is a string, not an object"},
		{"through an array", second(JSONString(doc, "user", "tags", "0")), JSONNotObject, "path user.tags.0: user.tags is an array, not an object"},
		{"root not an object", second(JSONString([]byte(`[1]`), "a")), JSONNotObject, "path a: the root is an array, not an object"},
		{"wrong type", second(JSONString(doc, "score")), JSONWrongType, "path score: a number, not a string"},
		{"null is not a string", second(JSONString(doc, "gone")), JSONWrongType, "path gone: null, not a string"},
		{"object is not a bool", second(JSONBool(doc, "user")), JSONWrongType, "path user: an object, not a boolean"},
		{"string is not a number", second(JSONNumber(doc, "email")), JSONWrongType, "path email: a string, not a number"},
		{"not JSON", second(JSONString([]byte(`hello`), "a")), JSONInvalid, "invalid JSON at byte 0"},
		{"empty", second(JSONString(nil, "a")), JSONInvalid, "invalid JSON at byte 0"},
		{"truncated", second(JSONString([]byte(`{"a":"b`), "a")), JSONInvalid, "invalid JSON at byte 7"},
		{"trailing", second(JSONString([]byte(`{"a":"b"} x`), "a")), JSONInvalid, "invalid JSON at byte 10"},
	}
	for _, c := range cases {
		if c.err == nil || jsonErrKind(c.err) != c.kind || c.err.Error() != c.msg {
			t.Errorf("%s: got %v (kind %d), want %q (kind %d)", c.name, c.err, jsonErrKind(c.err), c.msg, c.kind)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// The checker agrees with encoding/json on what is JSON, malformed cases
// included, and a valid document is not rejected anywhere in it.
func TestJSONSyntax(t *testing.T) {
	for _, text := range []string{
		`{}`, `[]`, ` {"a" : [ 1 , 2 ] } `, `"x"`, `-0.0e-0`, `true`, `null`, `{"a":{"b":{"c":[]}}}`,
		`{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `{a:1}`, `{'a':1}`, `01`, `1.`, `.5`, `-`, `+1`,
		`1e`, `1e+`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"a\tb\"", `tru`, `nul`, `falsey`, `[1 2]`, `{"a":1 "b":2}`,
		`NaN`, `Infinity`, `"abc`, `1 2`,
	} {
		_, err := JSONRaw([]byte(text))
		if valid := json.Valid([]byte(text)); valid != (err == nil) {
			t.Errorf("%q: encoding/json valid=%v, ours err=%v", text, valid, err)
		}
	}
	deep := make([]byte, 0, 2*jsonMaxDepth+4)
	for i := 0; i <= jsonMaxDepth+1; i++ {
		deep = append(deep, '[')
	}
	if _, err := JSONRaw(deep); jsonErrKind(err) != JSONInvalid {
		t.Errorf("too deep: %v", err)
	}
}

func TestJSONSetters(t *testing.T) {
	doc := []byte(`{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50}`)
	cases := []struct {
		name string
		got  setResult
		want string        // the document written, or
		kind JSONErrorKind // the error
	}{
		{"replace a string, rest untouched", res(SetJSONString(doc, "b***@example.com", "email")), `{"user": {"name": "bob"} ,  "email":"b***@example.com", "n": 1.50}`, 0},
		{"replace nested", res(SetJSONString(doc, "alice", "user", "name")), `{"user": {"name": "alice"} ,  "email":"bob@example.com", "n": 1.50}`, 0},
		{"replace an object by a scalar", res(SetJSONNull(doc, "user")), `{"user": null ,  "email":"bob@example.com", "n": 1.50}`, 0},
		{"add a key", res(SetJSONBool(doc, true, "ok")), `{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50,"ok":true}`, 0},
		{"add a nested key", res(SetJSONInt(doc, -7, "user", "id")), `{"user": {"name": "bob","id":-7} ,  "email":"bob@example.com", "n": 1.50}`, 0},
		{"add to an empty object", res(SetJSONString([]byte(`{ }`), "v", "k")), `{ "k":"v"}`, 0},
		{"create objects on the way", res(SetJSONNumber([]byte(`{}`), 2.5, "a", "b", "c")), `{"a":{"b":{"c":2.5}}}`, 0},
		{"escape", res(SetJSONString([]byte(`{"s":1}`), "q\"b\\\n\t\x01é😀", "s")), `{"s":"q\"b\\\n\t\u0001é😀"}`, 0},
		{"escaped key added", res(SetJSONString([]byte(`{}`), "v", `a"b`)), `{"a\"b":"v"}`, 0},
		{"replace the root", res(SetJSONInt([]byte(` "x" `), 3)), ` 3 `, 0},
		{"through a string", res(SetJSONString(doc, "x", "email", "a")), "", JSONNotObject},
		{"not JSON", res(SetJSONString([]byte(`{"a":`), "x", "a")), "", JSONInvalid},
		{"NaN", res(SetJSONNumber(doc, math.NaN(), "n")), "", JSONWrongType},
	}
	for _, c := range cases {
		if c.want != "" {
			if c.got.err != nil || string(c.got.out) != c.want {
				t.Errorf("%s: got %s, %v, want %s", c.name, c.got.out, c.got.err, c.want)
			}
			if !json.Valid(c.got.out) {
				t.Errorf("%s: not valid JSON: %s", c.name, c.got.out)
			}
		} else if jsonErrKind(c.got.err) != c.kind {
			t.Errorf("%s: err = %v, want kind %d", c.name, c.got.err, c.kind)
		}
	}
	if string(doc) != `{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50}` {
		t.Errorf("the input was changed: %s", doc)
	}
}

type setResult struct {
	out []byte
	err error
}

func res(out []byte, err error) setResult { return setResult{out, err} }

// What a setter writes, the getter reads back.
func TestJSONRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "é😀\u2028", "\x00\x1f\"\\/", "a\u007fb"} {
		out, err := SetJSONString([]byte(`{}`), s, "k")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := JSONString(out, "k"); err != nil || got != s {
			t.Errorf("%q: read back %q, %v", s, got, err)
		}
		var viaStd map[string]string
		if err := json.Unmarshal(out, &viaStd); err != nil || viaStd["k"] != s {
			t.Errorf("%q: encoding/json reads %q, %v", s, viaStd["k"], err)
		}
	}
	for _, f := range []float64{0, 1, -2.5, 1e21, 1.5e-7, 123456.789, math.MaxFloat64, 5e-324} {
		out, err := SetJSONNumber([]byte(`{}`), f, "k")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := JSONNumber(out, "k"); err != nil || got != f {
			t.Errorf("%v: wrote %s, read back %v, %v", f, out, got, err)
		}
	}
	if out, _ := SetJSONNumber([]byte(`{}`), 1e21, "k"); string(out) != `{"k":1e+21}` {
		t.Errorf("1e21 written as %s", out)
	}
	if out, _ := SetJSONNumber([]byte(`{}`), 100, "k"); string(out) != `{"k":100}` {
		t.Errorf("100 written as %s", out)
	}
}

// FuzzJSON checks the helpers against encoding/json on any input: the same
// documents are JSON, and a string written at a path reads back, in a
// document encoding/json still accepts, with the rest of it unchanged.
func FuzzJSON(f *testing.F) {
	for _, seed := range []string{jsonDoc, `{}`, `[1,{"a":"b"}]`, `{"a":{"b":"\ud83d\ude00"}}`, `"x`, `{"a":1,}`, ` 0 `} {
		f.Add([]byte(seed), "k", "value")
	}
	f.Fuzz(func(t *testing.T, doc []byte, key, s string) {
		_, err := JSONRaw(doc)
		if valid := json.Valid(doc); valid != (err == nil) {
			t.Fatalf("%q: encoding/json valid=%v, ours %v", doc, valid, err)
		}
		out, err := SetJSONString(doc, s, "outer", key)
		if err != nil {
			return // not JSON, or not an object on the way
		}
		if !json.Valid(out) {
			t.Fatalf("wrote invalid JSON %q", out)
		}
		if got, err := JSONString(out, "outer", key); err != nil || (utf8.ValidString(s) && got != s) {
			t.Fatalf("wrote %q at outer.%q, read back %q, %v", s, key, got, err)
		}
		var before, after map[string]any
		if json.Unmarshal(doc, &before) == nil && json.Unmarshal(out, &after) == nil {
			delete(before, "outer")
			delete(after, "outer")
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("other fields changed: %v -> %v", before, after)
			}
		}
	})
}
