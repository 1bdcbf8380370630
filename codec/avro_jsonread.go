package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/hamba/avro/v2"
)

// readAvroJSON parses the JSON a guest wrote straight into the value
// hamba/avro encodes with schema s, in one pass, guided by the schema.
// It gives what avroFromJSON(s, decodeJSONNumbers(b)) gives, without
// building the parsed JSON first: encoding/json's decoding into any took
// most of the time of a changed record (see BenchmarkSchemaConverters), and
// encoding/json has no schema-guided decoding. Malformed JSON fails with
// ErrInvalidJSON; what does not fit the schema, with a *misfit.
func readAvroJSON(s avro.Schema, b []byte) (any, error) {
	r := &jsonReader{data: b}
	v, err := r.value(s)
	var m *misfit
	if errors.As(err, &m) {
		// The error path, rare, goes the long way, so that what fails and
		// how is exactly what encoding/json and avroFromJSON say: the
		// whole text checked first, a duplicate key's last value winning,
		// the field named. The reader itself only says that something does
		// not fit (errNoFit, or the misfit of a value it converted).
		parsed, err := decodeJSONNumbers(b)
		if err != nil {
			return nil, err
		}
		return avroFromJSON(s, parsed)
	}
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	if r.pos != len(r.data) {
		return nil, r.syntaxError("text after the value")
	}
	return v, nil
}

// errNoFit is the reader's word for a value that does not fit: readAvroJSON
// then asks avroFromJSON what and where.
var errNoFit error = &misfit{reason: "does not fit"}

// jsonReader reads one JSON text; pos is the offset of the next byte.
type jsonReader struct {
	data []byte
	pos  int
}

func (r *jsonReader) syntaxError(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrInvalidJSON, what, r.pos)
}

func (r *jsonReader) skipSpace() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the first byte of the next value, 0 at the end.
func (r *jsonReader) peek() byte {
	r.skipSpace()
	if r.pos == len(r.data) {
		return 0
	}
	return r.data[r.pos]
}

func (r *jsonReader) expect(c byte) error {
	if r.peek() != c {
		return r.syntaxError(fmt.Sprintf("expected %q", c))
	}
	r.pos++
	return nil
}

// value reads the next value as schema s wants it.
func (r *jsonReader) value(s avro.Schema) (any, error) {
	s = deref(s)
	switch s := s.(type) {
	case *avro.RecordSchema:
		return r.record(s)
	case *avro.ArraySchema:
		return r.array(s)
	case *avro.MapSchema:
		return r.avroMap(s)
	case *avro.UnionSchema:
		return r.union(s)
	}
	if v, ok, err := r.plainPrimitive(s); ok || err != nil {
		return v, err
	}
	// Enums, fixed, and every primitive and logical type take one scalar:
	// read it as encoding/json would, then convert as avroFromJSON does.
	v, err := r.scalar()
	if err != nil {
		return nil, err
	}
	return avroFromJSON(s, v)
}

// plainPrimitive reads the most common values, a string, a long, an int or
// a double written as JSON says, without the detour through a json.Number;
// ok is false for anything else, which value reads the general way.
func (r *jsonReader) plainPrimitive(s avro.Schema) (v any, ok bool, err error) {
	if logicalOf(s) != "" {
		return nil, false, nil
	}
	c := r.peek()
	switch s.Type() {
	case avro.String:
		if c == '"' {
			str, err := r.stringToken()
			return str, true, err
		}
	case avro.Long, avro.Int, avro.Double:
		if c != '-' && (c < '0' || c > '9') {
			return nil, false, nil
		}
		start := r.pos
		text, err := r.numberText()
		if err != nil {
			return nil, true, err
		}
		switch s.Type() {
		case avro.Long:
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				return i, true, nil
			}
		case avro.Int:
			if i, err := strconv.ParseInt(text, 10, 32); err == nil {
				return int(i), true, nil
			}
		default:
			if f, err := strconv.ParseFloat(text, 64); err == nil {
				return f, true, nil
			}
		}
		r.pos = start // out of range, or a fraction: let value say why
	}
	return nil, false, nil
}

// record reads an object into a record, fields in any order.
func (r *jsonReader) record(s *avro.RecordSchema) (any, error) {
	fields := s.Fields()
	out := make(map[string]any, len(fields))
	next := 0 // fields usually come in schema order: try that one first
	err := r.members(func(key string) error {
		f := fieldNamed(fields, key, next)
		if f < 0 {
			return errNoFit
		}
		next = f + 1
		v, err := r.value(fields[f].Type())
		if err != nil {
			return err
		}
		out[fields[f].Name()] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) < len(fields) {
		for _, f := range fields {
			if _, ok := out[f.Name()]; ok {
				continue
			}
			if !f.HasDefault() {
				return nil, errNoFit
			}
			out[f.Name()] = f.Default()
		}
	}
	return out, nil
}

// fieldNamed finds the field named key, looking at fields[hint] first.
func fieldNamed(fields []*avro.Field, key string, hint int) int {
	if hint < len(fields) && fields[hint].Name() == key {
		return hint
	}
	for i, f := range fields {
		if f.Name() == key {
			return i
		}
	}
	return -1
}

func (r *jsonReader) array(s *avro.ArraySchema) (any, error) {
	if r.peek() != '[' {
		return nil, errNoFit
	}
	r.pos++
	out := []any{}
	for i := 0; ; i++ {
		if r.peek() == ']' {
			r.pos++
			return out, nil
		}
		if i > 0 {
			if err := r.expect(','); err != nil {
				return nil, err
			}
		}
		v, err := r.value(s.Items())
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func (r *jsonReader) avroMap(s *avro.MapSchema) (any, error) {
	out := map[string]any{}
	err := r.members(func(key string) error {
		v, err := r.value(s.Values())
		if err != nil {
			return err
		}
		out[key] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// members reads an object, calling each with every member's key once the
// reader is at the member's value, which each must read. A value that is
// not an object does not fit.
func (r *jsonReader) members(each func(key string) error) error {
	if r.peek() != '{' {
		return errNoFit
	}
	r.pos++
	for first := true; ; first = false {
		if r.peek() == '}' {
			r.pos++
			return nil
		}
		if !first {
			if err := r.expect(','); err != nil {
				return err
			}
		}
		key, err := r.stringToken()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := each(key); err != nil {
			return err
		}
	}
}

// union reads a union's value. A [null, T] union, and a value whose JSON
// kind only one branch takes, are read straight; otherwise the value is
// parsed and each branch tried in turn, as avroFromJSON does.
func (r *jsonReader) union(s *avro.UnionSchema) (any, error) {
	if s.Nullable() {
		if r.peek() == 'n' {
			return r.null()
		}
		_, typ := s.Indices()
		return r.value(s.Types()[typ])
	}
	kind := r.peek()
	var only avro.Schema
	for _, branch := range s.Types() {
		if takesJSON(branch, kind) {
			if only != nil {
				only = nil // two branches take it: try each
				goto tryEach
			}
			only = branch
		}
	}
	if only != nil && kind != 'n' {
		v, err := r.value(only)
		if err != nil {
			return nil, err
		}
		return map[string]any{branchName(only): v}, nil
	}
tryEach:
	v, err := r.any()
	if err != nil {
		return nil, err
	}
	return unionFromJSON(s, v)
}

// takesJSON reports whether a value of schema s can be written as JSON
// starting with c.
func takesJSON(s avro.Schema, c byte) bool {
	s = deref(s)
	switch s.Type() {
	case avro.Null:
		return c == 'n'
	case avro.Boolean:
		return c == 't' || c == 'f'
	case avro.Record, avro.Map:
		return c == '{'
	case avro.Array:
		return c == '['
	case avro.Int, avro.Long:
		// A number; a date, time or timestamp may also be a string.
		return c == '-' || (c >= '0' && c <= '9') || (c == '"' && logicalOf(s) != "")
	case avro.Float, avro.Double:
		return c == '-' || (c >= '0' && c <= '9') || c == '"' // "NaN", "Infinity"
	case avro.String, avro.Enum:
		return c == '"'
	case avro.Bytes, avro.Fixed:
		// base64, or a decimal's number
		return c == '"' || c == '-' || (c >= '0' && c <= '9')
	}
	return true
}

func (r *jsonReader) null() (any, error) {
	if bytes.HasPrefix(r.data[r.pos:], []byte("null")) {
		r.pos += 4
		return nil, nil
	}
	return nil, r.syntaxError("invalid literal")
}

// scalar reads a string, number, true, false or null, as
// decodeJSONNumbers gives them; an object or array is read whole.
func (r *jsonReader) scalar() (any, error) {
	switch c := r.peek(); {
	case c == '"':
		return r.stringToken()
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	case c == 't' && bytes.HasPrefix(r.data[r.pos:], []byte("true")):
		r.pos += 4
		return true, nil
	case c == 'f' && bytes.HasPrefix(r.data[r.pos:], []byte("false")):
		r.pos += 5
		return false, nil
	case c == 'n':
		return r.null()
	case c == '{' || c == '[':
		return r.any()
	}
	return nil, r.syntaxError("expected a value")
}

// any reads the next value whole, with encoding/json.
func (r *jsonReader) any() (any, error) {
	r.skipSpace()
	start := r.pos
	if err := r.skipValue(); err != nil {
		return nil, err
	}
	return decodeJSONNumbers(r.data[start:r.pos])
}

// skipValue moves past the next value, checking only its nesting and its
// strings; decodeJSONNumbers checks the rest.
func (r *jsonReader) skipValue() error {
	depth := 0
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case '"':
			if _, err := r.stringEnd(); err != nil {
				return err
			}
			if depth == 0 {
				return nil
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 { // the end of the object or array a scalar is in
				return nil
			}
			depth--
			if depth == 0 {
				r.pos++
				return nil
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return nil
			}
		}
		r.pos++
	}
	if depth != 0 {
		return r.syntaxError("unexpected end")
	}
	return nil
}

// stringEnd moves past a string token, reporting whether it had escapes,
// control characters or bytes beyond ASCII (which need encoding/json).
func (r *jsonReader) stringEnd() (plain bool, err error) {
	plain = true
	for r.pos++; r.pos < len(r.data); r.pos++ {
		switch c := r.data[r.pos]; {
		case c == '"':
			r.pos++
			return plain, nil
		case c == '\\':
			plain = false
			r.pos++
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
	}
	return false, r.syntaxError("unterminated string")
}

// stringToken reads a string: plain ASCII directly, anything else with
// encoding/json (escapes, and invalid UTF-8 as U+FFFD, as it does).
func (r *jsonReader) stringToken() (string, error) {
	if r.peek() != '"' {
		return "", r.syntaxError("expected a string")
	}
	start := r.pos
	plain, err := r.stringEnd()
	if err != nil {
		return "", err
	}
	token := r.data[start:r.pos]
	if plain {
		return string(token[1 : len(token)-1]), nil
	}
	var s string
	if err := json.Unmarshal(token, &s); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	return s, nil
}

// number reads a number as JSON's grammar has it, as a json.Number. Its
// text is a view of the guest's bytes, which stay unchanged while the value
// is encoded; the conversions parse it and keep none of it.
func (r *jsonReader) number() (any, error) {
	text, err := r.numberText()
	if err != nil {
		return nil, err
	}
	return json.Number(text), nil
}

// numberText reads a number, returning its text as a view of the guest's
// bytes (see number).
func (r *jsonReader) numberText() (string, error) {
	start := r.pos
	d := r.data
	if r.pos < len(d) && d[r.pos] == '-' {
		r.pos++
	}
	switch {
	case r.pos < len(d) && d[r.pos] == '0':
		r.pos++
	case r.pos < len(d) && d[r.pos] >= '1' && d[r.pos] <= '9':
		r.digits()
	default:
		return "", r.syntaxError("invalid number")
	}
	if r.pos < len(d) && d[r.pos] == '.' {
		r.pos++
		if !r.digits() {
			return "", r.syntaxError("invalid number")
		}
	}
	if r.pos < len(d) && (d[r.pos] == 'e' || d[r.pos] == 'E') {
		r.pos++
		if r.pos < len(d) && (d[r.pos] == '+' || d[r.pos] == '-') {
			r.pos++
		}
		if !r.digits() {
			return "", r.syntaxError("invalid number")
		}
	}
	text := d[start:r.pos]
	return unsafe.String(unsafe.SliceData(text), len(text)), nil
}

func (r *jsonReader) digits() bool {
	start := r.pos
	for r.pos < len(r.data) && r.data[r.pos] >= '0' && r.data[r.pos] <= '9' {
		r.pos++
	}
	return r.pos > start
}
