package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"
)

// These run natively (go test), with no host: the payload codec and the
// cases. The real check of the guest is the host's, over transform_go.wasm.

func TestVarintEdges(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{-1, []byte{0x01}},
		{1, []byte{0x02}},
		{63, []byte{0x7e}},
		{-64, []byte{0x7f}},
		{64, []byte{0x80, 0x01}},
		{-65, []byte{0x81, 0x01}},
		{300, []byte{0xd8, 0x04}},
		{math.MaxInt32, []byte{0xfe, 0xff, 0xff, 0xff, 0x0f}},
		{math.MinInt32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
		{math.MaxInt64, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{math.MinInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	} {
		got := appendVarint(nil, tc.v)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("appendVarint(%d) = % x, want % x", tc.v, got, tc.want)
		}
		// The same bytes as Go's own zigzag varint (Kafka's encoding).
		if std := binary.AppendVarint(nil, tc.v); !bytes.Equal(got, std) {
			t.Errorf("appendVarint(%d) = % x, binary.AppendVarint % x", tc.v, got, std)
		}
		v, n, err := readVarint(append(got, 0xAA))
		if err != nil || v != tc.v || n != len(tc.want) {
			t.Errorf("readVarint(% x) = %d, %d, %v; want %d, %d", got, v, n, err, tc.v, len(tc.want))
		}
	}
}

func TestVarintAgainstStdlib(t *testing.T) {
	for _, v := range []int64{2, -2, 127, -128, 128, 8191, -8192, 8192, 1 << 40, -(1 << 40), math.MaxInt64 - 1, math.MinInt64 + 1} {
		enc := appendVarint(nil, v)
		std, n := binary.Varint(enc)
		if std != v || n != len(enc) {
			t.Errorf("binary.Varint(appendVarint(%d)) = %d, %d", v, std, n)
		}
	}
}

func TestVarintErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, errShort},
		{"ends inside", []byte{0x80, 0x80}, errShort},
		{"11 bytes", bytes.Repeat([]byte{0x80}, 11), errOverflow},
		{"tenth byte over one bit", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, errOverflow},
		{"tenth byte continues", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00}, errOverflow},
	} {
		if _, _, err := readVarint(tc.b); err != tc.want {
			t.Errorf("%s: readVarint(% x) error %v, want %v", tc.name, tc.b, err, tc.want)
		}
	}
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestPayloadExactBytes(t *testing.T) {
	r := Record{
		Key:   nil,
		Value: []byte("v"),
		Headers: []Header{
			{Key: []byte("h"), Value: nil},
			{Key: []byte(""), Value: []byte("")},
		},
	}
	want := []byte{
		0x01,      // key: null (-1)
		0x02, 'v', // value: length 1
		0x04,      // 2 headers
		0x02, 'h', // header key "h"
		0x01,       // header value null
		0x00, 0x00, // empty key, empty value
	}
	if got := AppendPayload(nil, r); !bytes.Equal(got, want) {
		t.Fatalf("AppendPayload = % x, want % x", got, want)
	}
	// No headers: the count is 0, whether Headers is nil or empty.
	if got := AppendPayload(nil, Record{Key: []byte{}, Value: nil, Headers: []Header{}}); !bytes.Equal(got, []byte{0x00, 0x01, 0x00}) {
		t.Fatalf("AppendPayload(empty key, null value) = % x", got)
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 70000) // a three-byte varint length
	for name, r := range map[string]Record{
		"all null":          {},
		"empty parts":       {Key: []byte{}, Value: []byte{}},
		"null key":          {Value: []byte("v")},
		"null value":        {Key: []byte("k")},
		"binary":            {Key: allBytes(), Value: append([]byte{0, 0xff, 0x80}, allBytes()...)},
		"null header value": {Value: []byte("v"), Headers: []Header{{Key: []byte("a"), Value: nil}}},
		"null header key":   {Value: []byte("v"), Headers: []Header{{Key: nil, Value: []byte("b")}}},
		"empty header":      {Value: []byte("v"), Headers: []Header{{Key: []byte{}, Value: []byte{}}}},
		"repeated headers": {Headers: []Header{
			{Key: []byte("dup"), Value: []byte("1")},
			{Key: []byte("dup"), Value: nil},
			{Key: []byte("dup"), Value: []byte{}},
			{Key: allBytes(), Value: allBytes()},
		}},
		"big value": {Key: []byte("k"), Value: big, Headers: []Header{{Key: []byte("h"), Value: big[:200]}}},
	} {
		enc := AppendPayload(nil, r)
		got, err := DecodePayload(enc)
		if err != nil {
			t.Errorf("%s: DecodePayload: %v", name, err)
			continue
		}
		if !sameRecord(got, r) {
			t.Errorf("%s: round trip gave %+v, want %+v", name, got, r)
		}
		// Decoding then encoding gives the same bytes back.
		if again := AppendPayload(nil, got); !bytes.Equal(again, enc) {
			t.Errorf("%s: re-encoding differs", name)
		}
	}
}

// sameRecord compares records telling nil (null) from empty.
func sameRecord(a, b Record) bool {
	part := func(x, y []byte) bool { return (x == nil) == (y == nil) && bytes.Equal(x, y) }
	if !part(a.Key, b.Key) || !part(a.Value, b.Value) || len(a.Headers) != len(b.Headers) {
		return false
	}
	for i := range a.Headers {
		if !part(a.Headers[i].Key, b.Headers[i].Key) || !part(a.Headers[i].Value, b.Headers[i].Value) {
			return false
		}
	}
	return true
}

func TestDecodeCopies(t *testing.T) {
	enc := AppendPayload(nil, Record{Key: []byte("k"), Value: []byte("v")})
	r, err := DecodePayload(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range enc {
		enc[i] = 0
	}
	if string(r.Key) != "k" || string(r.Value) != "v" {
		t.Fatalf("decoded parts alias the buffer: %q %q", r.Key, r.Value)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "key length at byte 0"},
		{"no value", []byte{0x01}, "value length at byte 1"},
		{"no header count", []byte{0x01, 0x01}, "header count at byte 2"},
		{"trailing byte", []byte{0x01, 0x01, 0x00, 0x00}, "1 bytes after the last header"},
		{"length -2", []byte{0x03, 0x01, 0x00}, "key length -2 at byte 0"},
		{"key past end", []byte{0x04, 'a'}, "key length 2 at byte 0: only 1 bytes left"},
		{"negative header count", []byte{0x01, 0x01, 0x01}, "header count -1 at byte 2"},
		{"huge header count", []byte{0x01, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x0f}, "header count 2147483647"},
		{"header cut short", []byte{0x01, 0x01, 0x02, 0x02, 'a'}, "header 0 value length at byte 5"},
	} {
		_, err := DecodePayload(tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: DecodePayload(% x) error %v, want one containing %q", tc.name, tc.b, err, tc.want)
		}
	}
}

func TestTopicOption(t *testing.T) {
	if got := AppendTopicOption(nil, "out-1"); !bytes.Equal(got, []byte{0x01, 0x0a, 'o', 'u', 't', '-', '1'}) {
		t.Fatalf("AppendTopicOption = % x", got)
	}
	long := strings.Repeat("t", 200)
	got := AppendTopicOption(nil, long)
	if !bytes.Equal(got[:3], []byte{0x01, 0x90, 0x03}) || string(got[3:]) != long {
		t.Fatalf("AppendTopicOption(200 bytes) starts % x", got[:3])
	}
}

func TestHeaderSliceIsNilWhenNone(t *testing.T) {
	r, err := DecodePayload([]byte{0x01, 0x01, 0x00})
	if err != nil || r.Headers != nil || r.Key != nil || r.Value != nil {
		t.Fatalf("DecodePayload(null, null, 0 headers) = %+v, %v", r, err)
	}
	if !reflect.DeepEqual(AppendPayload(nil, r), []byte{0x01, 0x01, 0x00}) {
		t.Fatal("re-encoding differs")
	}
}
