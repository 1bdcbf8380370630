package codec

import (
	"encoding/json"
	"fmt"
	"unsafe"
)

// Bytes passes raw bytes through untouched (Kafka Connect's ByteArrayConverter).
// A typed metadata value that is not text is shown in its JSON form, as
// Benthos prints it (a number 3 is "3").
type Bytes struct{}

// Name implements Converter.
func (Bytes) Name() string { return BytesName }

// FromBytes implements Converter.
func (Bytes) FromBytes(raw []byte) ([]byte, error) { return raw, nil }

// FromValue implements Converter.
func (Bytes) FromValue(v any) ([]byte, error) { return textOf(v) }

// ToHost implements Converter.
func (Bytes) ToHost(guest []byte) (Stored, error) { return RawBytes(guest), nil }

// textOf returns the text form of a stored value without copying strings.
func textOf(v any) ([]byte, error) {
	switch t := v.(type) {
	case string:
		return stringBytes(t), nil
	case []byte:
		return t, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("value of type %T has no text form: %w", v, err)
	}
	return b, nil
}

// stringBytes views a string's bytes without copying them. Callers only read
// the result (it is copied into guest memory), never write it.
func stringBytes(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
