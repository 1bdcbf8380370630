package codec

import (
	"errors"
	"unicode/utf8"
)

// ErrInvalidUTF8 is returned by the string converter for bytes that are not UTF-8.
var ErrInvalidUTF8 = errors.New("not valid UTF-8 (string converter)")

// String passes UTF-8 text through (Kafka Connect's StringConverter). It refuses
// bytes that are not valid UTF-8 in either direction, so a guest written
// against this converter can rely on getting text.
type String struct{}

// Name implements Converter.
func (String) Name() string { return StringName }

// FromBytes implements Converter.
func (String) FromBytes(raw []byte) ([]byte, error) { return validUTF8(raw) }

// FromValue implements Converter.
func (String) FromValue(v any) ([]byte, error) {
	b, err := textOf(v)
	if err != nil {
		return nil, err
	}
	return validUTF8(b)
}

// ToHost implements Converter.
func (String) ToHost(guest []byte) (Stored, error) {
	b, err := validUTF8(guest)
	if err != nil {
		return Stored{}, err
	}
	return RawBytes(b), nil
}

func validUTF8(b []byte) ([]byte, error) {
	if !utf8.Valid(b) {
		return nil, ErrInvalidUTF8
	}
	return b, nil
}
