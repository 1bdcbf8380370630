package codec

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hamba/avro/v2"
)

// How the avro converter shows Avro values to a guest as JSON, and reads
// them back. The guest sees what a Kafka Connect SMT sees of the decoded
// Struct, in JSON:
//
//	record          object, fields in schema order
//	union           the value of its branch (null for null), not Avro's {"type": value}
//	enum            its symbol, a string
//	bytes, fixed    base64 (standard, padded)
//	int, long       integer
//	float, double   number; NaN and the infinities as the strings "NaN", "Infinity", "-Infinity"
//	map             object, keys sorted
//	array           array
//	decimal         number with exactly scale digits after the point (12.50)
//	uuid            string
//	date            "2024-01-31"
//	time-millis     "13:45:30.123"      time-micros        "13:45:30.123456"
//	timestamp-millis "2024-01-31T13:45:30.123Z"  timestamp-micros "2024-01-31T13:45:30.123456Z"
//	local-timestamp-millis/-micros: the same without the Z
//
// A timestamp or date outside the years 0 to 9999 is shown as its number
// (days, or milli/microseconds since the epoch), which RFC 3339 cannot write.
// Back from the guest, a date, time or timestamp may also be that number,
// a decimal may be a number or a string, bytes must be base64, and a union
// takes the first branch the value fits.

// misfit is where a guest's JSON does not fit the schema, and why.
func deref(s avro.Schema) avro.Schema {
	if r, ok := s.(*avro.RefSchema); ok {
		return r.Schema()
	}
	return s
}

func logicalOf(s avro.Schema) avro.LogicalType {
	if l, ok := s.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		return l.Logical().Type()
	}
	return ""
}

// branchName is the name hamba/avro gives a union branch in a generic value.
func branchName(s avro.Schema) string {
	s = deref(s)
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if lt := logicalOf(s); lt != "" {
		name += "." + string(lt)
	}
	return name
}

// appendAvroJSON appends the JSON view of v, a value hamba/avro decoded
// with schema s.
func appendAvroJSON(dst []byte, s avro.Schema, v any) ([]byte, error) {
	s = deref(s)
	if v == nil {
		return append(dst, "null"...), nil
	}
	switch s := s.(type) {
	case *avro.UnionSchema:
		return appendUnionJSON(dst, s, v)
	case *avro.RecordSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("record %s decoded as %T", s.FullName(), v)
		}
		dst = append(dst, '{')
		for i, f := range s.Fields() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, f.Name())
			dst = append(dst, ':')
			var err error
			if dst, err = appendAvroJSON(dst, f.Type(), m[f.Name()]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case *avro.ArraySchema:
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("array decoded as %T", v)
		}
		dst = append(dst, '[')
		for i, item := range items {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendAvroJSON(dst, s.Items(), item); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case *avro.MapSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("map decoded as %T", v)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendAvroJSON(dst, s.Values(), m[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return appendScalarJSON(dst, s, v)
}

func appendUnionJSON(dst []byte, s *avro.UnionSchema, v any) ([]byte, error) {
	if s.Nullable() {
		// hamba/avro gives a [null, T] union's value itself.
		_, typ := s.Indices()
		return appendAvroJSON(dst, s.Types()[typ], v)
	}
	// Other unions: when hamba/avro's type resolver knows the Go type of
	// every branch (the primitives and their common logical types), the
	// value comes bare; otherwise (a record, enum, fixed, array or map
	// branch) every branch comes as {branch name: value}.
	if !slices.ContainsFunc(s.Types(), func(b avro.Schema) bool { return !decodesBare(b) }) {
		for _, branch := range s.Types() {
			if holds(branch, v) {
				return appendAvroJSON(dst, branch, v)
			}
		}
		return nil, fmt.Errorf("union decoded as %T, which fits none of its branches", v)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("union decoded as %T", v)
	}
	for name, inner := range m {
		for _, branch := range s.Types() {
			if branchName(branch) == name {
				return appendAvroJSON(dst, branch, inner)
			}
		}
		return nil, fmt.Errorf("union decoded with branch %q, which it does not have", name)
	}
	panic("unreachable")
}

// decodesBare reports whether hamba/avro's type resolver gives a union
// branch of this type as the value itself (see its NewTypeResolver).
func decodesBare(s avro.Schema) bool {
	switch branchName(s) {
	case "null", "int", "long", "float", "double", "string", "bytes", "boolean",
		"int.date", "int.time-millis", "long.timestamp-millis", "long.timestamp-micros",
		"long.time-micros", "bytes.decimal", "string.uuid":
		return true
	}
	return false
}

// holds reports whether v is of the Go type a bare branch decodes to.
func holds(s avro.Schema, v any) bool {
	switch logicalOf(s) {
	case avro.Date, avro.TimestampMillis, avro.TimestampMicros:
		_, ok := v.(time.Time)
		return ok
	case avro.TimeMillis, avro.TimeMicros:
		_, ok := v.(time.Duration)
		return ok
	case avro.Decimal:
		_, ok := v.(*big.Rat)
		return ok
	}
	switch v.(type) {
	case bool:
		return s.Type() == avro.Boolean
	case int, int32, int64:
		return s.Type() == avro.Int || s.Type() == avro.Long
	case float32:
		return s.Type() == avro.Float
	case float64:
		return s.Type() == avro.Double
	case string:
		return s.Type() == avro.String
	case []byte:
		return s.Type() == avro.Bytes
	}
	return false
}

const (
	dateLayout        = "2006-01-02"
	timestampMillis   = "2006-01-02T15:04:05.000Z07:00"
	timestampMicros   = "2006-01-02T15:04:05.000000Z07:00"
	localMillisLayout = "2006-01-02T15:04:05.000"
	localMicrosLayout = "2006-01-02T15:04:05.000000"
)

func appendScalarJSON(dst []byte, s avro.Schema, v any) ([]byte, error) {
	switch lt := logicalOf(s); lt {
	case avro.Decimal:
		r, ok := v.(*big.Rat)
		if !ok {
			return nil, fmt.Errorf("decimal decoded as %T", v)
		}
		scale := 0
		if d, ok := s.(avro.LogicalTypeSchema).Logical().(*avro.DecimalLogicalSchema); ok {
			scale = d.Scale()
		}
		return append(dst, r.FloatString(scale)...), nil
	case avro.Date, avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("%s decoded as %T", lt, v)
		}
		if t.Year() < 0 || t.Year() > 9999 {
			return strconv.AppendInt(dst, epochNumber(lt, t), 10), nil
		}
		dst = append(dst, '"')
		dst = t.UTC().AppendFormat(dst, timeLayout(lt))
		return append(dst, '"'), nil
	case avro.TimeMillis, avro.TimeMicros:
		d, ok := v.(time.Duration)
		if !ok {
			return nil, fmt.Errorf("%s decoded as %T", lt, v)
		}
		return appendTimeOfDay(dst, d, lt == avro.TimeMicros), nil
	}
	switch t := v.(type) {
	case bool:
		return strconv.AppendBool(dst, t), nil
	case int:
		return strconv.AppendInt(dst, int64(t), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(t), 10), nil
	case int64:
		return strconv.AppendInt(dst, t, 10), nil
	case float32:
		return appendFloat(dst, float64(t), 32), nil
	case float64:
		return appendFloat(dst, t, 64), nil
	case string:
		return appendJSONString(dst, t), nil
	case []byte:
		return appendBase64(dst, t), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		// A fixed decodes as a [size]byte.
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return appendBase64(dst, b), nil
	}
	if d, ok := v.(avro.LogicalDuration); ok {
		return appendJSONString(dst, fmt.Sprintf("P%dM%dDT%dS", d.Months, d.Days, d.Milliseconds/1000)), nil
	}
	return nil, fmt.Errorf("%s decoded as %T, which has no JSON form here", s.Type(), v)
}

func timeLayout(lt avro.LogicalType) string {
	switch lt {
	case avro.Date:
		return dateLayout
	case avro.TimestampMillis:
		return timestampMillis
	case avro.TimestampMicros:
		return timestampMicros
	case avro.LocalTimestampMillis:
		return localMillisLayout
	}
	return localMicrosLayout
}

// epochNumber is a date or timestamp as Avro stores it.
func epochNumber(lt avro.LogicalType, t time.Time) int64 {
	switch lt {
	case avro.Date:
		return int64(math.Floor(float64(t.Unix()) / 86400))
	case avro.TimestampMillis, avro.LocalTimestampMillis:
		return t.UnixMilli()
	}
	return t.UnixMicro()
}

func appendTimeOfDay(dst []byte, d time.Duration, micros bool) []byte {
	if d < 0 || d >= 24*time.Hour {
		// Outside a day: not a time of day, so its number.
		if micros {
			return strconv.AppendInt(dst, d.Microseconds(), 10)
		}
		return strconv.AppendInt(dst, d.Milliseconds(), 10)
	}
	h, m, sec := int(d/time.Hour), int(d/time.Minute%60), int(d/time.Second%60)
	frac, width := int(d%time.Second/time.Millisecond), 3
	if micros {
		frac, width = int(d%time.Second/time.Microsecond), 6
	}
	return fmt.Appendf(dst, `"%02d:%02d:%02d.%0*d"`, h, m, sec, width, frac)
}

// appendFloat appends f as encoding/json writes a float64 (or a float32
// for bits 32), so every converter shows a number one way, and NaN and the
// infinities, which JSON cannot write, as the strings "NaN", "Infinity" and
// "-Infinity" (protojson's names).
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if n := len(dst); format == 'e' && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1] // 1e-07 as 1e-7
		dst = dst[:n-1]
	}
	return dst
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendJSONString appends s as a JSON string, as encoding/json writes it
// (invalid UTF-8 as U+FFFD), without HTML escaping.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// avroFromJSON turns the guest's JSON (numbers as json.Number) into the value
// hamba/avro encodes with schema s, reusing the parsed JSON's maps and
// slices. A value that does not fit is a *misfit whose path is relative to v:
// each level prepends its field or index on the way out, so paths cost
// nothing when everything fits.
func avroFromJSON(s avro.Schema, v any) (any, error) {
	s = deref(s)
	switch s := s.(type) {
	case *avro.UnionSchema:
		return unionFromJSON(s, v)
	case *avro.RecordSchema:
		return recordFromJSON(s, v)
	case *avro.ArraySchema:
		items, ok := v.([]any)
		if !ok {
			return nil, misfitf("expected an array, got %s", jsonKind(v))
		}
		// The parsed JSON is ours: it becomes the native value in place.
		for i, item := range items {
			native, err := avroFromJSON(s.Items(), item)
			if err != nil {
				return nil, within(err, fmt.Sprintf("[%d]", i))
			}
			items[i] = native
		}
		return items, nil
	case *avro.MapSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, misfitf("expected an object (an Avro map), got %s", jsonKind(v))
		}
		for k, e := range m {
			native, err := avroFromJSON(s.Values(), e)
			if err != nil {
				return nil, within(err, k)
			}
			m[k] = native
		}
		return m, nil
	case *avro.EnumSchema:
		sym, ok := v.(string)
		if !ok {
			return nil, misfitf("expected a symbol of enum %s, got %s", s.FullName(), jsonKind(v))
		}
		if !slices.Contains(s.Symbols(), sym) {
			return nil, misfitf("%q is not a symbol of enum %s (%s)", sym, s.FullName(), strings.Join(s.Symbols(), ", "))
		}
		return sym, nil
	case *avro.FixedSchema:
		if logicalOf(s) == avro.Decimal {
			return decimalFromJSON(s, v)
		}
		b, err := bytesFromJSON(v)
		if err != nil {
			return nil, err
		}
		if len(b) != s.Size() {
			return nil, misfitf("fixed %s holds exactly %d bytes, got %d", s.FullName(), s.Size(), len(b))
		}
		arr := reflect.New(reflect.ArrayOf(s.Size(), reflect.TypeFor[byte]())).Elem()
		reflect.Copy(arr, reflect.ValueOf(b))
		return arr.Interface(), nil
	}
	return primitiveFromJSON(s, v)
}

func unionFromJSON(s *avro.UnionSchema, v any) (any, error) {
	if v == nil {
		if s.Nullable() || slices.ContainsFunc(s.Types(), func(t avro.Schema) bool { return t.Type() == avro.Null }) {
			return nil, nil
		}
		return nil, misfitf("null is not allowed (the union has no null branch)")
	}
	if s.Nullable() {
		_, typ := s.Indices()
		return avroFromJSON(s.Types()[typ], v)
	}
	var first error
	for _, branch := range s.Types() {
		if branch.Type() == avro.Null {
			continue
		}
		// avroFromJSON reuses what it is given: each try gets its own copy
		// of an object or array, so a branch that fails half-way leaves
		// nothing behind for the next.
		native, err := avroFromJSON(branch, cloneJSON(v))
		if err == nil {
			return map[string]any{branchName(branch): native}, nil
		}
		if first == nil {
			first = err
		}
	}
	names := make([]string, 0, len(s.Types()))
	for _, b := range s.Types() {
		names = append(names, branchName(b))
	}
	return nil, misfitf("%s fits no branch of the union [%s]", jsonKind(v), strings.Join(names, ", "))
}

// cloneJSON copies the objects and arrays of a parsed JSON value.
func cloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = cloneJSON(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = cloneJSON(e)
		}
		return c
	}
	return v
}

func recordFromJSON(s *avro.RecordSchema, v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, misfitf("expected an object (record %s), got %s", s.FullName(), jsonKind(v))
	}
	// The parsed JSON object becomes the native record in place.
	present := 0
	for _, f := range s.Fields() {
		fv, ok := m[f.Name()]
		if !ok {
			if !f.HasDefault() {
				return nil, within(misfitf("missing: record %s requires it (it has no default)", s.FullName()), f.Name())
			}
			m[f.Name()] = f.Default()
			continue
		}
		present++
		native, err := avroFromJSON(f.Type(), fv)
		if err != nil {
			return nil, within(err, f.Name())
		}
		m[f.Name()] = native
	}
	if len(m) > len(s.Fields()) {
		for k := range m {
			if !slices.ContainsFunc(s.Fields(), func(f *avro.Field) bool { return f.Name() == k }) {
				return nil, within(misfitf("record %s has no such field", s.FullName()), k)
			}
		}
	}
	return m, nil
}

func primitiveFromJSON(s avro.Schema, v any) (any, error) {
	switch lt := logicalOf(s); lt {
	case avro.Decimal:
		return decimalFromJSON(s, v)
	case avro.Date, avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
		return instantFromJSON(lt, v)
	case avro.TimeMillis, avro.TimeMicros:
		return timeOfDayFromJSON(lt, v)
	}
	switch s.Type() {
	case avro.Null:
		if v != nil {
			return nil, misfitf("expected null, got %s", jsonKind(v))
		}
		return nil, nil
	case avro.Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, misfitf("expected a boolean, got %s", jsonKind(v))
		}
		return b, nil
	case avro.Int:
		n, err := integerFromJSON(v, math.MinInt32, math.MaxInt32, "an int (32 bits)")
		return int(n), err
	case avro.Long:
		return integerFromJSON(v, math.MinInt64, math.MaxInt64, "a long (64 bits)")
	case avro.Float:
		f, err := floatFromJSON(v)
		if err == nil && !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return nil, misfitf("%v is beyond a float's range", f)
		}
		return float32(f), err
	case avro.Double:
		return floatFromJSON(v)
	case avro.String:
		str, ok := v.(string)
		if !ok {
			return nil, misfitf("expected a string, got %s", jsonKind(v))
		}
		return str, nil
	case avro.Bytes:
		return bytesFromJSON(v)
	}
	return nil, misfitf("type %s is not supported", s.Type())
}

func integerFromJSON(v any, lo, hi int64, what string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, misfitf("expected %s, got %s", what, jsonKind(v))
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || i < lo || i > hi {
		return 0, misfitf("expected %s, got %s", what, n)
	}
	return i, nil
}

func floatFromJSON(v any) (float64, error) {
	switch t := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0, misfitf("%s is beyond a double's range", t)
		}
		return f, nil
	case string:
		switch t {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, misfitf(`expected a number (or "NaN", "Infinity", "-Infinity"), got %s`, jsonKind(v))
}

func bytesFromJSON(v any) ([]byte, error) {
	str, ok := v.(string)
	if !ok {
		return nil, misfitf("expected base64 bytes (a string), got %s", jsonKind(v))
	}
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil {
		return nil, misfitf("expected base64 bytes: %v", err)
	}
	return b, nil
}

func decimalFromJSON(s avro.Schema, v any) (any, error) {
	var text string
	switch t := v.(type) {
	case json.Number:
		text = string(t)
	case string:
		text = t
	default:
		return nil, misfitf("expected a decimal number, got %s", jsonKind(v))
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, misfitf("%q is not a decimal number", text)
	}
	d := s.(avro.LogicalTypeSchema).Logical().(*avro.DecimalLogicalSchema)
	unscaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale())), nil)))
	if !unscaled.IsInt() {
		return nil, misfitf("%s has more than %d digits after the point (the decimal's scale)", text, d.Scale())
	}
	if digits := len(new(big.Int).Abs(unscaled.Num()).String()); unscaled.Num().Sign() != 0 && digits > d.Precision() {
		return nil, misfitf("%s has %d digits, more than the decimal's precision %d", text, digits, d.Precision())
	}
	return r, nil
}

func instantFromJSON(lt avro.LogicalType, v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		n, err := integerFromJSON(t, math.MinInt64, math.MaxInt64, "a whole number")
		if err != nil {
			return nil, err
		}
		switch lt {
		case avro.Date:
			return time.Unix(n*86400, 0).UTC(), nil
		case avro.TimestampMillis, avro.LocalTimestampMillis:
			return time.UnixMilli(n).UTC(), nil
		}
		return time.UnixMicro(n).UTC(), nil
	case string:
		var tm time.Time
		var err error
		switch lt {
		case avro.Date:
			tm, err = time.Parse(dateLayout, t)
		case avro.LocalTimestampMillis, avro.LocalTimestampMicros:
			tm, err = time.Parse("2006-01-02T15:04:05.999999999", t)
		default:
			tm, err = time.Parse(time.RFC3339Nano, t)
		}
		if err != nil {
			return nil, misfitf("%q is not a %s (%s)", t, lt, timeLayout(lt))
		}
		return tm.UTC(), nil
	}
	return nil, misfitf("expected a %s (a string like %q, or a number), got %s", lt, timeLayout(lt), jsonKind(v))
}

func timeOfDayFromJSON(lt avro.LogicalType, v any) (any, error) {
	unit := time.Millisecond
	if lt == avro.TimeMicros {
		unit = time.Microsecond
	}
	switch t := v.(type) {
	case json.Number:
		n, err := integerFromJSON(t, math.MinInt64/int64(unit), math.MaxInt64/int64(unit), "a whole number")
		return time.Duration(n) * unit, err
	case string:
		tm, err := time.Parse("15:04:05.999999999", t)
		if err != nil {
			return nil, misfitf("%q is not a %s (15:04:05.000)", t, lt)
		}
		return tm.Sub(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(unit), nil
	}
	return nil, misfitf("expected a %s (a string like \"13:45:30.123\", or a number), got %s", lt, jsonKind(v))
}

// jsonKind names a parsed JSON value's kind for errors.
func jsonKind(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + string(t)
	case string:
		if len(t) > 40 {
			return "a string"
		}
		return strconv.Quote(t)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
