package codec

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// How the protobuf converter shows a Protobuf message to a guest as JSON,
// and reads it back. The guest sees what a Kafka Connect SMT sees of the
// Struct that ProtobufConverter decodes, in JSON, without protojson's quirks
// (no quoted 64-bit integers, no lowerCamelCase names, no missing fields):
//
//	message          object with every field of the message, in declaration order, named as in the .proto
//	unset field      a field without presence (a plain proto3 scalar): its default (0, "", false, the enum's first name);
//	                 a field with presence (a message, proto3 optional, proto2 optional or required, a oneof member): null
//	oneof            its members are fields of the message: the one set has its value, the others are null
//	integers         number, every digit (int64, uint64, fixed64 beyond 2^53 too)
//	float, double    number; NaN and the infinities as the strings "NaN", "Infinity", "-Infinity"
//	bool, string     boolean, string
//	bytes            base64 (standard, padded)
//	enum             the name of its value; a number the enum does not declare, as that number
//	repeated         array
//	map              object, keys sorted by value (integer keys numerically), written as strings: "7", "true"
//	google.protobuf.Timestamp   RFC 3339 string in UTC with 0, 3, 6 or 9 fractional digits: "2024-01-31T13:45:30.123Z"
//	google.protobuf wrappers    (Int64Value, StringValue, ...) the value itself, a number for Int64Value too; null when unset
//	other well-known types      (Duration, Struct, Value, ListValue, FieldMask, Any) protojson's form: "1.5s", an object, ...;
//	                            the message in an Any is in protojson's form (proto names, every field)
//
// Extensions and the unknown fields of a record are not shown, and are not
// written back. A record the JSON cannot show fails to decode, naming the
// field: a Timestamp beyond the years 0001 to 9999, an Any of a type the
// schema does not import, a Struct holding NaN.
//
// Back from the guest, a field may be left out or null: unset. Integers may
// also be strings ("12", as protojson writes 64-bit ones) or whole numbers
// with an exponent (1e3); enums may be numbers; bytes may be URL-safe or
// unpadded base64; a timestamp may have any offset. A field the message does
// not have, a value of the wrong JSON type, a number beyond its field's
// range, an enum name the enum does not declare, two members of one oneof,
// or a missing proto2 required field fails with the field's path.
//
// The message is encoded with Go's deterministic marshalling: fields in
// number order (members of a oneof after the other fields), map entries
// sorted by key, packed as the schema says. A record encoded that way (Go's
// proto.Marshal with Deterministic, or any encoder when the message has no
// map with two entries or more and no oneof member numbered before a plain
// field) comes back byte for byte when the guest changes nothing; any other
// comes back as the same message in that canonical order.

const (
	timestampName protoreflect.FullName = "google.protobuf.Timestamp"
	valueName     protoreflect.FullName = "google.protobuf.Value"
	// Timestamp's range, years 0001 to 9999, as protojson and RFC 3339 have it.
	minTimestampSeconds = -62135596800
	maxTimestampSeconds = 253402300799
)

// isWrapper reports whether name is one of the well-known wrapper messages
// (a single field named value, number 1), which the guest sees as that value.
func isWrapper(name protoreflect.FullName) bool {
	switch name {
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
		"google.protobuf.Int64Value", "google.protobuf.UInt64Value",
		"google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return true
	}
	return false
}

// inProtojsonForm reports whether name is a well-known type the guest sees in
// protojson's form, which protojson itself writes and reads.
func inProtojsonForm(name protoreflect.FullName) bool {
	switch name {
	case "google.protobuf.Duration", "google.protobuf.FieldMask", "google.protobuf.Struct",
		valueName, "google.protobuf.ListValue", "google.protobuf.Any":
		return true
	}
	return false
}

// appendProtoJSON appends the JSON view of m; types resolves the messages
// of Any fields.
func appendProtoJSON(dst []byte, m protoreflect.Message, types linker.Resolver) ([]byte, error) {
	md := m.Descriptor()
	switch name := md.FullName(); {
	case name == timestampName:
		return appendTimestamp(dst, m)
	case isWrapper(name):
		fd := md.Fields().ByNumber(1)
		return appendProtoValue(dst, fd, m.Get(fd), types)
	case inProtojsonForm(name):
		return appendProtojson(dst, m, types)
	}
	dst = append(dst, '{')
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, fd.Name()...) // an identifier: nothing to escape
		dst = append(dst, '"', ':')
		var err error
		switch {
		case fd.IsList():
			dst, err = appendProtoList(dst, fd, m.Get(fd).List(), types)
		case fd.IsMap():
			dst, err = appendProtoMap(dst, fd, m.Get(fd).Map(), types)
		case fd.HasPresence() && !m.Has(fd):
			dst = append(dst, "null"...)
		default:
			dst, err = appendProtoValue(dst, fd, m.Get(fd), types)
		}
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fd.Name(), err)
		}
	}
	return append(dst, '}'), nil
}

func appendProtoList(dst []byte, fd protoreflect.FieldDescriptor, list protoreflect.List, types linker.Resolver) ([]byte, error) {
	dst = append(dst, '[')
	for i := range list.Len() {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendProtoValue(dst, fd, list.Get(i), types); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendProtoMap(dst []byte, fd protoreflect.FieldDescriptor, mp protoreflect.Map, types linker.Resolver) ([]byte, error) {
	if mp.Len() == 0 {
		return append(dst, "{}"...), nil
	}
	// Sorted, so that the guest (and a test) sees the same text for the same
	// map: Go keeps map entries in no order.
	keys := make([]protoreflect.MapKey, 0, mp.Len())
	mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	kind := fd.MapKey().Kind()
	slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return compareMapKeys(kind, a, b) })
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch kind {
		case protoreflect.StringKind:
			dst = appendJSONString(dst, k.String())
		case protoreflect.BoolKind:
			dst = append(dst, '"')
			dst = strconv.AppendBool(dst, k.Bool())
			dst = append(dst, '"')
		case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
			dst = append(dst, '"')
			dst = strconv.AppendUint(dst, k.Uint(), 10)
			dst = append(dst, '"')
		default:
			dst = append(dst, '"')
			dst = strconv.AppendInt(dst, k.Int(), 10)
			dst = append(dst, '"')
		}
		dst = append(dst, ':')
		var err error
		if dst, err = appendProtoValue(dst, fd.MapValue(), mp.Get(k), types); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func compareMapKeys(kind protoreflect.Kind, a, b protoreflect.MapKey) int {
	switch kind {
	case protoreflect.StringKind:
		return strings.Compare(a.String(), b.String())
	case protoreflect.BoolKind:
		switch x, y := a.Bool(), b.Bool(); {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return cmp.Compare(a.Uint(), b.Uint())
	}
	return cmp.Compare(a.Int(), b.Int())
}

// appendProtoValue appends one value of field fd (an element, for a list or
// a map's value field).
func appendProtoValue(dst []byte, fd protoreflect.FieldDescriptor, v protoreflect.Value, types linker.Resolver) ([]byte, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return strconv.AppendBool(dst, v.Bool()), nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	case protoreflect.FloatKind:
		return appendFloat(dst, v.Float(), 32), nil
	case protoreflect.DoubleKind:
		return appendFloat(dst, v.Float(), 64), nil
	case protoreflect.StringKind:
		return appendJSONString(dst, v.String()), nil
	case protoreflect.BytesKind:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes())
		return append(dst, '"'), nil
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			dst = append(dst, '"')
			dst = append(dst, ev.Name()...)
			return append(dst, '"'), nil
		}
		return strconv.AppendInt(dst, int64(v.Enum()), 10), nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return appendProtoJSON(dst, v.Message(), types)
	}
	return nil, fmt.Errorf("field %s has kind %s, which the protobuf converter does not know", fd.Name(), fd.Kind())
}

// appendTimestamp appends a google.protobuf.Timestamp as protojson writes it.
func appendTimestamp(dst []byte, m protoreflect.Message) ([]byte, error) {
	fields := m.Descriptor().Fields()
	secs, nanos := m.Get(fields.ByNumber(1)).Int(), m.Get(fields.ByNumber(2)).Int()
	if secs < minTimestampSeconds || secs > maxTimestampSeconds || nanos < 0 || nanos > 999_999_999 {
		return nil, fmt.Errorf("google.protobuf.Timestamp %ds %dns is beyond the years 0001 to 9999 that RFC 3339 can write", secs, nanos)
	}
	dst = append(dst, '"')
	dst = time.Unix(secs, nanos).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000")
	// Nine digits down to six, three or none, as protojson does.
	for range 2 {
		if !bytes.HasSuffix(dst, []byte("000")) {
			break
		}
		dst = dst[:len(dst)-3]
	}
	dst = bytes.TrimSuffix(dst, []byte(".000"))
	return append(dst, 'Z', '"'), nil
}

// appendProtojson appends a well-known message in protojson's form.
func appendProtojson(dst []byte, m protoreflect.Message, types linker.Resolver) ([]byte, error) {
	b, err := (protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true, Resolver: types}).Marshal(m.Interface())
	if err != nil {
		return nil, err
	}
	// protojson varies its spacing on purpose, from build to build: the
	// guest gets it compact.
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// protoFromJSON sets the fields of m, a new message, from v, the guest's
// JSON of it (parsed with json.Number numbers).
func protoFromJSON(m protoreflect.Message, v any, types linker.Resolver) error {
	md := m.Descriptor()
	switch name := md.FullName(); {
	case name == timestampName:
		return timestampFromJSON(m, v)
	case isWrapper(name):
		fd := md.Fields().ByNumber(1)
		val, err := protoScalarFromJSON(fd, v)
		if err != nil {
			return err
		}
		m.Set(fd, val)
		return nil
	case inProtojsonForm(name):
		return protojsonFromJSON(m, v, types)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return misfitf("expected an object (message %s), got %s", md.FullName(), jsonKind(v))
	}
	fields := md.Fields()
	matched := 0
	// In declaration order, not the object's: errors and oneof checks come
	// out the same every time.
	for i := range fields.Len() {
		fd := fields.Get(i)
		fv, present := obj[string(fd.Name())]
		if present {
			matched++
		}
		if fv == nil {
			if fd.Cardinality() == protoreflect.Required {
				return within(misfitf("the field is required (proto2), got null or nothing"), string(fd.Name()))
			}
			continue
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if other := m.WhichOneof(od); other != nil {
				return within(misfitf("oneof %s has %s set already: set one of its fields, the others null", od.Name(), other.Name()), string(fd.Name()))
			}
		}
		if err := protoFieldFromJSON(m, fd, fv, types); err != nil {
			return within(err, string(fd.Name()))
		}
	}
	if matched < len(obj) {
		unknown := make([]string, 0, len(obj)-matched)
		for k := range obj {
			if fields.ByName(protoreflect.Name(k)) == nil {
				unknown = append(unknown, k)
			}
		}
		slices.Sort(unknown)
		segment := unknown[0]
		if !protoreflect.Name(segment).IsValid() {
			segment = fmt.Sprintf("[%q]", segment) // "" or "a.b" would make the path ambiguous
		}
		return within(misfitf("message %s has no such field (fields are named as in the .proto)", md.FullName()), segment)
	}
	return nil
}

func protoFieldFromJSON(m protoreflect.Message, fd protoreflect.FieldDescriptor, v any, types linker.Resolver) error {
	switch {
	case fd.IsList():
		arr, ok := v.([]any)
		if !ok {
			return misfitf("expected an array, got %s", jsonKind(v))
		}
		list := m.Mutable(fd).List()
		for i, e := range arr {
			val, err := protoElemFromJSON(fd, e, types)
			if err != nil {
				return within(err, "["+strconv.Itoa(i)+"]")
			}
			list.Append(val)
		}
	case fd.IsMap():
		obj, ok := v.(map[string]any)
		if !ok {
			return misfitf("expected an object (a map), got %s", jsonKind(v))
		}
		mp := m.Mutable(fd).Map()
		for k, e := range obj {
			key, err := protoMapKeyFromJSON(fd.MapKey(), k)
			if err != nil {
				return within(err, fmt.Sprintf("[%q]", k))
			}
			val, err := protoElemFromJSON(fd.MapValue(), e, types)
			if err != nil {
				return within(err, fmt.Sprintf("[%q]", k))
			}
			mp.Set(key, val)
		}
	default:
		val, err := protoElemFromJSON(fd, v, types)
		if err != nil {
			return err
		}
		m.Set(fd, val)
	}
	return nil
}

// protoElemFromJSON reads one value of field fd (an element, for a list or
// a map's value field).
func protoElemFromJSON(fd protoreflect.FieldDescriptor, v any, types linker.Resolver) (protoreflect.Value, error) {
	md := fd.Message()
	if md == nil {
		return protoScalarFromJSON(fd, v)
	}
	if v == nil && md.FullName() != valueName { // null is a Value of its own
		return protoreflect.Value{}, misfitf("expected message %s, got null", md.FullName())
	}
	m := dynamicpb.NewMessage(md)
	if err := protoFromJSON(m, v, types); err != nil {
		return protoreflect.Value{}, err
	}
	return protoreflect.ValueOfMessage(m), nil
}

func protoScalarFromJSON(fd protoreflect.FieldDescriptor, v any) (protoreflect.Value, error) {
	kind := fd.Kind()
	switch kind {
	case protoreflect.BoolKind:
		if b, ok := v.(bool); ok {
			return protoreflect.ValueOfBool(b), nil
		}
		return protoreflect.Value{}, misfitf("expected a boolean, got %s", jsonKind(v))
	case protoreflect.StringKind:
		if s, ok := v.(string); ok {
			return protoreflect.ValueOfString(s), nil
		}
		return protoreflect.Value{}, misfitf("expected a string, got %s", jsonKind(v))
	case protoreflect.BytesKind:
		b, err := protoBytesFromJSON(v)
		return protoreflect.ValueOfBytes(b), err
	case protoreflect.EnumKind:
		return protoEnumFromJSON(fd.Enum(), v)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		i, err := protoIntFromJSON(kind, v, 32)
		return protoreflect.ValueOfInt32(int32(i)), err
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		i, err := protoIntFromJSON(kind, v, 64)
		return protoreflect.ValueOfInt64(i), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		u, err := protoUintFromJSON(kind, v, 32)
		return protoreflect.ValueOfUint32(uint32(u)), err
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		u, err := protoUintFromJSON(kind, v, 64)
		return protoreflect.ValueOfUint64(u), err
	case protoreflect.FloatKind:
		f, err := protoFloatFromJSON(v, 32)
		return protoreflect.ValueOfFloat32(float32(f)), err
	case protoreflect.DoubleKind:
		f, err := protoFloatFromJSON(v, 64)
		return protoreflect.ValueOfFloat64(f), err
	}
	return protoreflect.Value{}, misfitf("the field has kind %s, which the protobuf converter does not know", kind)
}

// numberText is the text of a JSON number, or of a string holding one (as
// protojson writes 64-bit integers).
func numberText(v any) (string, bool) {
	switch t := v.(type) {
	case json.Number:
		return string(t), true
	case string:
		return t, true
	}
	return "", false
}

// wholeFloat reads a whole number written with a fraction or an exponent
// (5.0, 1e3), which JSON writers produce for integers now and then.
func wholeFloat(s string) (float64, bool) {
	if !strings.ContainsAny(s, ".eE") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func protoIntFromJSON(kind protoreflect.Kind, v any, bits int) (int64, error) {
	s, ok := numberText(v)
	if ok {
		if i, err := strconv.ParseInt(s, 10, bits); err == nil {
			return i, nil
		}
		limit := math.Ldexp(1, bits-1)
		if f, ok := wholeFloat(s); ok && f >= -limit && f < limit {
			return int64(f), nil
		}
	}
	lo, hi := int64(math.MinInt64)>>(64-bits), int64(math.MaxInt64)>>(64-bits)
	return 0, misfitf("expected an %s (a whole number from %d to %d), got %s", kind, lo, hi, jsonKind(v))
}

func protoUintFromJSON(kind protoreflect.Kind, v any, bits int) (uint64, error) {
	s, ok := numberText(v)
	if ok {
		if u, err := strconv.ParseUint(s, 10, bits); err == nil {
			return u, nil
		}
		if f, ok := wholeFloat(s); ok && f >= 0 && f < math.Ldexp(1, bits) {
			return uint64(f), nil
		}
	}
	return 0, misfitf("expected a %s (a whole number from 0 to %d), got %s", kind, uint64(math.MaxUint64)>>(64-bits), jsonKind(v))
}

func protoFloatFromJSON(v any, bits int) (float64, error) {
	what := "double"
	if bits == 32 {
		what = "float"
	}
	s, ok := numberText(v)
	if !ok {
		return 0, misfitf(`expected a %s (a number, or "NaN", "Infinity", "-Infinity"), got %s`, what, jsonKind(v))
	}
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	// At bits 32, a number that rounds to a float's largest value is taken
	// (as the float32 shown for it is), one beyond it is out of range.
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return 0, misfitf(`expected a %s (a number, or "NaN", "Infinity", "-Infinity"), got %s`, what, jsonKind(v))
	}
	return f, nil
}

func protoBytesFromJSON(v any) ([]byte, error) {
	s, ok := v.(string)
	if ok {
		urlSafe, padded := strings.ContainsAny(s, "-_"), len(s)%4 == 0
		enc := base64.StdEncoding
		switch {
		case urlSafe && padded:
			enc = base64.URLEncoding
		case urlSafe:
			enc = base64.RawURLEncoding
		case !padded:
			enc = base64.RawStdEncoding
		}
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, misfitf("expected bytes in base64 (a string), got %s", jsonKind(v))
}

func protoEnumFromJSON(ed protoreflect.EnumDescriptor, v any) (protoreflect.Value, error) {
	values := ed.Values()
	switch t := v.(type) {
	case string:
		if ev := values.ByName(protoreflect.Name(t)); ev != nil {
			return protoreflect.ValueOfEnum(ev.Number()), nil
		}
	case json.Number:
		// An open (proto3) enum keeps numbers it does not declare.
		n, err := strconv.ParseInt(string(t), 10, 32)
		if err == nil && (!ed.IsClosed() || values.ByNumber(protoreflect.EnumNumber(n)) != nil) {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(n)), nil
		}
	}
	names := make([]string, 0, min(values.Len(), 10))
	for i := range min(values.Len(), 10) {
		names = append(names, string(values.Get(i).Name()))
	}
	if values.Len() > 10 {
		names = append(names, "...")
	}
	return protoreflect.Value{}, misfitf("expected a name of enum %s (%s) or its number, got %s", ed.FullName(), strings.Join(names, ", "), jsonKind(v))
}

func protoMapKeyFromJSON(fd protoreflect.FieldDescriptor, k string) (protoreflect.MapKey, error) {
	switch kind := fd.Kind(); kind {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(k).MapKey(), nil
	case protoreflect.BoolKind:
		switch k {
		case "true":
			return protoreflect.ValueOfBool(true).MapKey(), nil
		case "false":
			return protoreflect.ValueOfBool(false).MapKey(), nil
		}
		return protoreflect.MapKey{}, misfitf(`the map's keys are booleans: expected "true" or "false"`)
	default:
		v, err := protoScalarFromJSON(fd, k)
		if err != nil {
			return protoreflect.MapKey{}, misfitf("the map's keys are %s: %v", kind, err)
		}
		return v.MapKey(), nil
	}
}

func timestampFromJSON(m protoreflect.Message, v any) error {
	s, ok := v.(string)
	if !ok {
		return misfitf(`expected a google.protobuf.Timestamp (an RFC 3339 string like "2024-01-31T13:45:30.123Z"), got %s`, jsonKind(v))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return misfitf(`expected a google.protobuf.Timestamp (an RFC 3339 string like "2024-01-31T13:45:30.123Z"), got %s`, jsonKind(v))
	}
	if secs := t.Unix(); secs < minTimestampSeconds || secs > maxTimestampSeconds {
		return misfitf("google.protobuf.Timestamp %s is beyond the years 0001 to 9999", s)
	}
	fields := m.Descriptor().Fields()
	m.Set(fields.ByNumber(1), protoreflect.ValueOfInt64(t.Unix()))
	m.Set(fields.ByNumber(2), protoreflect.ValueOfInt32(int32(t.Nanosecond())))
	return nil
}

// protojsonFromJSON reads a well-known message in protojson's form.
func protojsonFromJSON(m protoreflect.Message, v any, types linker.Resolver) error {
	b, err := json.Marshal(v) // json.Number values are written as they came
	if err != nil {
		return misfitf("%v", err)
	}
	if err := (protojson.UnmarshalOptions{Resolver: types}).Unmarshal(b, m.Interface()); err != nil {
		return misfitf("expected %s in protojson's form: %v", m.Descriptor().FullName(), err)
	}
	return nil
}
