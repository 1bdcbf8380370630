package schemaregistry

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
)

func TestSplitWire(t *testing.T) {
	id, rest, err := SplitWire([]byte{0, 0, 0, 1, 0x2c, 'd', 'a', 't', 'a'})
	require.NoError(t, err)
	assert.Equal(t, 300, id)
	assert.Equal(t, []byte("data"), rest)

	id, rest, err = SplitWire([]byte{0, 0xff, 0xff, 0xff, 0xff})
	require.NoError(t, err)
	assert.Equal(t, math.MaxUint32, id, "the 4 bytes are unsigned")
	assert.Empty(t, rest, "an empty encoding (an Avro null) is a valid record")
}

func TestSplitWireRefusesWhatIsNotTheWireFormat(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte(`{"id":1}`), "not in the Confluent wire format: first byte is 0x7b, expected 0x00 (the record looks like JSON text)"},
		{[]byte("hello"), `not in the Confluent wire format: first byte is 0x68, expected 0x00 (the record starts with the character 'h': plain text?)`},
		{[]byte{1, 0, 0, 0, 1}, "not in the Confluent wire format: first byte is 0x01, expected 0x00"},
		{nil, "not in the Confluent wire format: the record is empty, expected the magic byte 0x00 and a 4-byte schema id"},
		{[]byte{0, 0, 1}, "not in the Confluent wire format: 3 bytes, expected at least 5 (the magic byte 0x00 and a 4-byte schema id)"},
	} {
		_, _, err := SplitWire(tc.in)
		require.Error(t, err, "%q", tc.in)
		assert.Equal(t, tc.want, err.Error())
		assert.ErrorIs(t, err, ErrNotWireFormat)
	}
}

func TestSplitMessageIndexes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []int
	}{
		{"the first message, as the single byte 0", []byte{0, 'x'}, []int{0}},
		{"the first message, written out", []byte{2, 0, 'x'}, []int{0}},
		{"a nested message", []byte{4, 2, 0, 'x'}, []int{1, 0}},
		{"an index above 63 takes two bytes", []byte{2, 0x80, 0x01, 'x'}, []int{64}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, data, err := SplitMessageIndexes(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, idx)
			assert.Equal(t, []byte("x"), data)
		})
	}
}

func TestSplitMessageIndexesRefusesMalformedIndexes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"nothing after the id", nil, "the Protobuf message indexes are missing, expected at least one byte after the schema id"},
		{"a negative count", []byte{1}, "the count of Protobuf message indexes is -1, expected 0 or more"},
		{"a count larger than the record", []byte{0xfe, 0xff, 0xff, 0xff, 0x0f, 0}, "2147483647 Protobuf message indexes announced but only 1 bytes follow"},
		{"a count that is no varint", bytes.Repeat([]byte{0xff}, 11), "the count of Protobuf message indexes is not a varint"},
		{"a truncated index", []byte{4, 2, 0x80}, "the Protobuf message indexes are truncated or malformed: "},
		{"a negative index", []byte{2, 1}, "Protobuf message index -1 is negative, expected 0 or more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := SplitMessageIndexes(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "not in the Confluent wire format: "+tc.want)
			assert.ErrorIs(t, err, ErrNotWireFormat)
		})
	}
}

func TestAppendWire(t *testing.T) {
	b, err := AppendWire([]byte("kept"), 300, nil, []byte("avro"))
	require.NoError(t, err)
	assert.Equal(t, []byte{'k', 'e', 'p', 't', 0, 0, 0, 1, 0x2c, 'a', 'v', 'r', 'o'}, b)

	b, err = AppendWire(nil, 7, []int{0}, []byte("pb"))
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 0, 0, 0, 7, 0, 'p', 'b'}, b, "[0] is written as the single byte 0")

	b, err = AppendWire(nil, 7, []int{1, 0}, nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 0, 0, 0, 7, 4, 2, 0}, b)

	// The same bytes as franz-go's own serde writes.
	serde := sr.NewSerde()
	serde.Register(7, "", sr.EncodeFn(func(v any) ([]byte, error) { return []byte(v.(string)), nil }), sr.Index(1, 0))
	want, err := serde.Encode("pb")
	require.NoError(t, err)
	b, err = AppendWire(nil, 7, []int{1, 0}, []byte("pb"))
	require.NoError(t, err)
	assert.Equal(t, want, b)

	_, err = AppendWire(nil, -1, nil, nil)
	require.EqualError(t, err, "schema id -1 does not fit the wire format's 4 bytes")
	_, err = AppendWire(nil, math.MaxUint32+1, nil, nil)
	require.EqualError(t, err, "schema id 4294967296 does not fit the wire format's 4 bytes")
	_, err = AppendWire(nil, 1, []int{0, -2}, nil)
	require.EqualError(t, err, "message index -2 is negative, expected 0 or more")
}

// FuzzWire splits any bytes, and builds back what splits: the header
// round-trips byte for byte, and indexes and data survive build then split.
func FuzzWire(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 'a'})
	f.Add([]byte{0, 0, 0, 1, 0x2c, 0, 'p', 'b'})
	f.Add([]byte{0, 0, 0, 0, 7, 4, 2, 0, 'x'})
	f.Add([]byte{0, 0, 0, 0, 7, 2, 0x80, 0x01})
	f.Add([]byte(`{"json":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, rest, err := SplitWire(b)
		if err != nil {
			return
		}
		again, err := AppendWire(nil, id, nil, rest)
		if err != nil {
			t.Fatalf("AppendWire(%d) of a split id: %v", id, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("split then build: %x, want %x", again, b)
		}

		indexes, data, err := SplitMessageIndexes(rest)
		if err != nil {
			return
		}
		built, err := AppendWire(nil, id, indexes, data)
		if err != nil {
			t.Fatalf("AppendWire(%d, %v): %v", id, indexes, err)
		}
		id2, rest2, err := SplitWire(built)
		if err != nil {
			t.Fatalf("SplitWire of what AppendWire built (%x): %v", built, err)
		}
		indexes2, data2, err := SplitMessageIndexes(rest2)
		if err != nil {
			t.Fatalf("SplitMessageIndexes of what AppendWire built (%x): %v", built, err)
		}
		if id2 != id || !slices.Equal(indexes2, indexes) || !bytes.Equal(data2, data) {
			t.Fatalf("build then split: id %d indexes %v data %x, want %d %v %x", id2, indexes2, data2, id, indexes, data)
		}
	})
}
