package codec

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Whether a payload fits its Kafka Connect schema (connectschema.go), as
// JsonConverter reads it, and where it does not.

// check says whether v, a JSON value decoded with json.Number, fits s. A
// misfit names the field at path.
func (s *connectSchema) check(v any, path string) error {
	if s.typ == "" {
		return nil
	}
	if v == nil {
		if s.optional || s.hasDefault {
			return nil
		}
		return misfitAt(path, "null, but the schema requires %s (not optional, no default)", withArticle(s.what()))
	}
	switch s.name {
	case connectDecimal:
		return s.checkDecimal(v, path)
	case connectDate:
		_, err := connectInt(v, path, math.MinInt32, math.MaxInt32, "a Date (int32 days since 1970-01-01)")
		return err
	case connectTime:
		_, err := connectInt(v, path, 0, millisPerDay, "a Time (int32 milliseconds since midnight, 0 to 86400000)")
		return err
	case connectTimestamp:
		_, err := connectInt(v, path, math.MinInt64, math.MaxInt64, "a Timestamp (int64 milliseconds since 1970-01-01T00:00:00Z)")
		return err
	}

	switch s.typ {
	case "boolean":
		if _, ok := v.(bool); !ok {
			return misfitAt(path, "expected a boolean, got %s", jsonKind(v))
		}
	case "int8":
		_, err := connectInt(v, path, math.MinInt8, math.MaxInt8, "an int8")
		return err
	case "int16":
		_, err := connectInt(v, path, math.MinInt16, math.MaxInt16, "an int16")
		return err
	case "int32":
		_, err := connectInt(v, path, math.MinInt32, math.MaxInt32, "an int32")
		return err
	case "int64":
		_, err := connectInt(v, path, math.MinInt64, math.MaxInt64, "an int64")
		return err
	case "float", "double":
		return s.checkFloat(v, path)
	case "string":
		if _, ok := v.(string); !ok {
			return misfitAt(path, "expected a string, got %s", jsonKind(v))
		}
	case "bytes":
		_, err := connectBytes(v, path)
		return err
	case "array":
		items, ok := v.([]any)
		if !ok {
			return misfitAt(path, "expected an array, got %s", jsonKind(v))
		}
		for i, item := range items {
			if err := s.items.check(item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case "map":
		return s.checkMap(v, path)
	case "struct":
		return s.checkStruct(v, path)
	}
	return nil
}

func (s *connectSchema) what() string {
	if s.name != "" {
		return s.name
	}
	return s.typ
}

func (s *connectSchema) checkFloat(v any, path string) error {
	n, ok := v.(json.Number)
	if !ok {
		return misfitAt(path, "expected a number (%s), got %s", s.typ, jsonKind(v))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || (s.typ == "float" && math.Abs(f) > math.MaxFloat32) {
		return misfitAt(path, "%s is beyond the range of a %s", n, s.typ)
	}
	return nil
}

// checkDecimal accepts both forms JsonConverter reads: the unscaled value's
// two's-complement bytes in base64 (decimal.format=BASE64, the default), and
// a number (decimal.format=NUMERIC), which must be exact at the schema's
// scale, as Connect refuses a decimal whose scale differs from its schema's.
func (s *connectSchema) checkDecimal(v any, path string) error {
	switch t := v.(type) {
	case string:
		b, err := connectBytes(t, path)
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return misfitAt(path, "a Decimal's bytes are empty")
		}
		return nil
	case json.Number:
		if !exactAtScale(string(t), s.scale) {
			return misfitAt(path, "%s has more digits after the point than the Decimal's scale %d", t, s.scale)
		}
		return nil
	}
	return misfitAt(path, "expected a Decimal (a number, or base64 of its unscaled bytes), got %s", jsonKind(v))
}

func (s *connectSchema) checkMap(v any, path string) error {
	if s.keys.typ == "string" {
		obj, ok := v.(map[string]any)
		if !ok {
			return misfitAt(path, "expected an object (a map with string keys), got %s", jsonKind(v))
		}
		for _, k := range sortedKeys(obj) {
			if err := s.values.check(obj[k], pathField(path, k)); err != nil {
				return err
			}
		}
		return nil
	}
	pairs, ok := v.([]any)
	if !ok {
		return misfitAt(path, "expected an array of [key, value] pairs (a map with %s keys), got %s", s.keys.what(), jsonKind(v))
	}
	for i, p := range pairs {
		at := fmt.Sprintf("%s[%d]", path, i)
		pair, ok := p.([]any)
		if !ok || len(pair) != 2 {
			return misfitAt(at, "expected a [key, value] pair, got %s", jsonKind(p))
		}
		if err := s.keys.check(pair[0], at+"[0]"); err != nil {
			return err
		}
		if err := s.values.check(pair[1], at+"[1]"); err != nil {
			return err
		}
	}
	return nil
}

func (s *connectSchema) checkStruct(v any, path string) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return misfitAt(path, "expected an object (a struct), got %s", jsonKind(v))
	}
	// A missing field reads as null in JsonConverter: the same rules apply.
	for _, f := range s.fields {
		if err := f.schema.check(obj[f.name], pathField(path, f.name)); err != nil {
			return err
		}
	}
	// JsonConverter would drop a field its schema does not have: refusing
	// it tells the guest its write would be lost.
	for _, k := range sortedKeys(obj) {
		if _, ok := s.fieldsByName[k]; !ok {
			return misfitAt(pathField(path, k), "the struct has no such field (its fields: %s)", s.fieldNameList)
		}
	}
	return nil
}

// connectInt reads an integer written as one (no fraction, no exponent:
// JsonConverter reads a Date or Time only from an integer node) in lo..hi.
func connectInt(v any, path string, lo, hi int64, what string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, misfitAt(path, "expected %s, got %s", what, jsonKind(v))
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		if strings.ContainsAny(string(n), ".eE") {
			return 0, misfitAt(path, "expected %s, got %s (not written as an integer)", what, n)
		}
		return 0, misfitAt(path, "%s is out of range for %s", n, what)
	}
	if i < lo || i > hi {
		return 0, misfitAt(path, "%s is out of range for %s", n, what)
	}
	return i, nil
}

// connectBytes decodes Connect's bytes: standard base64, padded, as
// Jackson writes and reads it.
func connectBytes(v any, path string) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, misfitAt(path, "expected bytes (a base64 string), got %s", jsonKind(v))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, misfitAt(path, "expected bytes in standard base64: %v", err)
	}
	return b, nil
}

// envelopeMisfit is where a payload does not fit its Connect schema.
type envelopeMisfit struct{ path, reason string }

func (m *envelopeMisfit) Error() string {
	if m.path == "" {
		return m.reason
	}
	return m.path + ": " + m.reason
}

func misfitAt(path, format string, args ...any) error {
	return &envelopeMisfit{path: path, reason: fmt.Sprintf(format, args...)}
}

func schemaErrorf(at, format string, args ...any) error {
	if at == "" {
		return fmt.Errorf(format, args...)
	}
	return fmt.Errorf("at %s: %s", at, fmt.Sprintf(format, args...))
}

func schemaPath(at, step string) string {
	if at == "" {
		return step
	}
	return at + "." + step
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func withArticle(what string) string {
	if strings.ContainsRune("aeiou", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}

// exactAtScale reports whether a JSON number is a whole number of
// 10^-scale units. It reads the digits rather than computing 10^scale, which
// a record's schema or a guest's exponent could make huge.
func exactAtScale(num string, scale int) bool {
	mantissa, exp, _ := strings.Cut(strings.ToLower(num), "e")
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(mantissa, "-"), ".")
	digits := strings.TrimRight(intPart+frac, "0")
	if strings.Trim(digits, "0") == "" {
		return true // zero fits every scale
	}
	// The value is digits × 10^power; it fits when power >= -scale.
	power := int64(len(intPart+frac)-len(digits)) - int64(len(frac))
	if exp != "" {
		e, err := strconv.ParseInt(exp, 10, 64)
		if err != nil { // beyond int64: only the sign matters
			return !strings.HasPrefix(exp, "-")
		}
		if e > math.MaxInt32 || e < math.MinInt32 {
			return e > 0
		}
		power += e
	}
	return power >= -int64(scale)
}
