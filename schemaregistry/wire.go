package schemaregistry

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/twmb/franz-go/pkg/sr"
)

// ErrNotWireFormat is wrapped by every error of SplitWire and
// SplitMessageIndexes: the bytes are not a record in the Confluent wire
// format (test with errors.Is).
var ErrNotWireFormat = errors.New("not in the Confluent wire format")

// The Confluent wire format, in franz-go's implementation:
//
//	0x00 | schema id, 4 bytes big endian | [Protobuf only: message indexes] | encoded data
//
// The message indexes are zigzag varints: their count, then each index,
// with the single byte 0 standing for [0] (the first message of the file).
// Only the schema's type, known once its id is looked up, says whether
// they are there, hence two functions to split.
var header sr.ConfluentHeader

// SplitWire splits a record in the Confluent wire format into its schema id
// and the bytes after the header: the encoded data for Avro and JSON Schema,
// the message indexes and then the data for Protobuf (SplitMessageIndexes).
// rest aliases b.
func SplitWire(b []byte) (id int, rest []byte, err error) {
	switch {
	case len(b) == 0:
		return 0, nil, fmt.Errorf("%w: the record is empty, expected the magic byte 0x00 and a 4-byte schema id", ErrNotWireFormat)
	case b[0] != 0:
		return 0, nil, fmt.Errorf("%w: first byte is 0x%02x, expected 0x00%s", ErrNotWireFormat, b[0], looksLike(b[0]))
	case len(b) < 5:
		return 0, nil, fmt.Errorf("%w: %d bytes, expected at least 5 (the magic byte 0x00 and a 4-byte schema id)", ErrNotWireFormat, len(b))
	}
	id, rest, err = header.DecodeID(b)
	if err != nil { // cannot happen after the checks above; kept for a future franz-go
		return 0, nil, fmt.Errorf("%w: %w", ErrNotWireFormat, err)
	}
	return id, rest, nil
}

// looksLike names what a record that does not start with 0x00 probably is,
// since the usual mistake is a converter reading plain JSON or text.
func looksLike(first byte) string {
	switch {
	case first == '{' || first == '[':
		return " (the record looks like JSON text)"
	case first >= 0x20 && first < 0x7f:
		return fmt.Sprintf(" (the record starts with the character %q: plain text?)", first)
	}
	return ""
}

// SplitMessageIndexes splits the Protobuf message indexes off the bytes
// SplitWire left after the schema id: the path of the record's message type
// in the schema's file ([0] the first top-level message, [1, 0] the first
// nested message of the second). data aliases rest.
func SplitMessageIndexes(rest []byte) (indexes []int, data []byte, err error) {
	count, n := binary.Varint(rest)
	switch {
	case n == 0:
		return nil, nil, fmt.Errorf("%w: the Protobuf message indexes are missing, expected at least one byte after the schema id", ErrNotWireFormat)
	case n < 0:
		return nil, nil, fmt.Errorf("%w: the count of Protobuf message indexes is not a varint", ErrNotWireFormat)
	case count < 0:
		return nil, nil, fmt.Errorf("%w: the count of Protobuf message indexes is %d, expected 0 or more", ErrNotWireFormat, count)
	case count > int64(len(rest)-n):
		// Each index takes at least a byte: checked before franz-go
		// allocates count ints for a count that garbage can make huge.
		return nil, nil, fmt.Errorf("%w: %d Protobuf message indexes announced but only %d bytes follow", ErrNotWireFormat, count, len(rest)-n)
	}
	indexes, data, err = header.DecodeIndex(rest, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the Protobuf message indexes are truncated or malformed: %w", ErrNotWireFormat, err)
	}
	for _, i := range indexes {
		if i < 0 {
			return nil, nil, fmt.Errorf("%w: Protobuf message index %d is negative, expected 0 or more", ErrNotWireFormat, i)
		}
	}
	return indexes, data, nil
}

// AppendWire appends to dst the record data encoded with schema id, in the
// Confluent wire format, and returns the extended slice. indexes are the
// Protobuf message indexes (at least [0] for Protobuf) and must be empty for
// Avro and JSON Schema.
func AppendWire(dst []byte, id int, indexes []int, data []byte) ([]byte, error) {
	if id < 0 || id > math.MaxUint32 {
		return dst, fmt.Errorf("schema id %d does not fit the wire format's 4 bytes", id)
	}
	for _, i := range indexes {
		if i < 0 {
			return dst, fmt.Errorf("message index %d is negative, expected 0 or more", i)
		}
	}
	out, err := header.AppendEncode(dst, id, indexes)
	if err != nil { // franz-go documents it as always nil
		return dst, fmt.Errorf("encoding the wire format header of schema id %d: %w", id, err)
	}
	return append(out, data...), nil
}
