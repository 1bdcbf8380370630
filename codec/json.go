package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrInvalidJSON is returned by the json converter for bytes that are not one JSON value.
var ErrInvalidJSON = errors.New("not valid JSON (json converter)")

// JSON passes JSON text (Kafka Connect's JsonConverter without schemas).
//
// A payload is JSON text already: it is checked and passed through. A metadata
// value is a typed value, and the guest sees it marshalled: the string abc is
// "abc" with quotes, the number 3 is 3. Bytes set by the guest are parsed, and
// the host stores the parsed value (with the number types Stored.Structured
// lists): a structured payload, or typed metadata.
type JSON struct{}

// Name implements Converter.
func (JSON) Name() string { return JSONName }

// FromBytes implements Converter.
func (JSON) FromBytes(raw []byte) ([]byte, error) {
	if !json.Valid(raw) {
		return nil, ErrInvalidJSON
	}
	return raw, nil
}

// FromValue implements Converter.
func (JSON) FromValue(v any) ([]byte, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("value of type %T cannot be marshalled as JSON: %w", v, err)
	}
	return b, nil
}

// ToHost implements Converter.
func (JSON) ToHost(guest []byte) (Stored, error) {
	// Unmarshal checks the whole input (one value, nothing after it) before
	// decoding; UseNumber keeps large integers exact.
	var probe json.RawMessage
	if err := json.Unmarshal(guest, &probe); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	dec := json.NewDecoder(bytes.NewReader(guest))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	return StructuredValue(normalizeNumbers(v)), nil
}

// normalizeNumbers turns json.Number into int64 where the number is integral and
// fits, float64 where it fits a float64, so large integers (IDs, timestamps)
// keep every digit. A number beyond float64's range (1e400) stays a
// json.Number: as a float it would be an infinity, which JSON cannot show.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = normalizeNumbers(e)
		}
	}
	return v
}
