package transform

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Header is one record header. A nil Value is a null header value.
type Header struct {
	Key   []byte
	Value []byte
}

// Payload is the part of a record that crosses the ABI as bytes: key,
// value and headers. A nil Key or Value is null (length -1 on the wire);
// an empty non-nil one is empty.
type Payload struct {
	Key, Value []byte
	Headers    []Header
}

// appendPayload encodes p as the ABI's record payload: the key, the value
// and the headers, each length a zigzag varint (-1 for null), as in Kafka's
// record format.
func appendPayload(dst []byte, p Payload) []byte {
	dst = appendBytes(dst, p.Key)
	dst = appendBytes(dst, p.Value)
	dst = binary.AppendVarint(dst, int64(len(p.Headers)))
	for _, h := range p.Headers {
		dst = appendBytes(dst, h.Key)
		dst = appendBytes(dst, h.Value)
	}
	return dst
}

func appendBytes(dst, b []byte) []byte {
	if b == nil {
		return binary.AppendVarint(dst, -1)
	}
	dst = binary.AppendVarint(dst, int64(len(b)))
	return append(dst, b...)
}

// payloadSize is the length appendPayload would produce.
func payloadSize(p Payload) int {
	n := bytesSize(p.Key) + bytesSize(p.Value) + varintSize(int64(len(p.Headers)))
	for _, h := range p.Headers {
		n += bytesSize(h.Key) + bytesSize(h.Value)
	}
	return n
}

func bytesSize(b []byte) int {
	if b == nil {
		return varintSize(-1)
	}
	return varintSize(int64(len(b))) + len(b)
}

func varintSize(v int64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutVarint(buf[:], v)
}

// errTrailing is a payload with bytes after its last header.
var errTrailing = errors.New("bytes after the last header")

// parsePayload decodes a record payload a guest wrote. The result's slices
// point into b: the caller owns b and must not change it while they are in
// use. Anything but exactly one payload is an error naming what is wrong.
func parsePayload(b []byte) (Payload, error) {
	var p Payload
	r := reader{b: b}
	var err error
	if p.Key, err = r.bytes(partKey, -1); err != nil {
		return p, err
	}
	if p.Value, err = r.bytes(partValue, -1); err != nil {
		return p, err
	}
	count, ok := r.varint()
	if !ok {
		return p, errors.New("the header count is not a complete varint")
	}
	if count < 0 || count > int64(len(r.b)) { // each header takes at least one byte
		return p, fmt.Errorf("the header count %d is impossible in %d bytes", count, len(r.b))
	}
	if count > 0 {
		p.Headers = make([]Header, count)
	}
	for i := range p.Headers {
		if p.Headers[i].Key, err = r.bytes(partHeaderKey, i); err != nil {
			return p, err
		}
		if p.Headers[i].Key == nil {
			return p, fmt.Errorf("header %d has a null key", i)
		}
		if p.Headers[i].Value, err = r.bytes(partHeaderValue, i); err != nil {
			return p, err
		}
	}
	if len(r.b) > 0 {
		return p, fmt.Errorf("%w: %d of them", errTrailing, len(r.b))
	}
	return p, nil
}

// The parts of a payload, for errors (worded only when one is made).
type part int

const (
	partKey part = iota
	partValue
	partHeaderKey
	partHeaderValue
)

func (p part) name(header int) string {
	switch p {
	case partKey:
		return "the key"
	case partValue:
		return "the value"
	case partHeaderKey:
		return fmt.Sprintf("header %d's key", header)
	}
	return fmt.Sprintf("header %d's value", header)
}

// reader reads a payload's varints and byte strings.
type reader struct{ b []byte }

func (r *reader) varint() (int64, bool) {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		return 0, false
	}
	r.b = r.b[n:]
	return v, true
}

// bytes reads a length and that many bytes; length -1 is null (nil).
func (r *reader) bytes(what part, header int) ([]byte, error) {
	n, ok := r.varint()
	switch {
	case !ok:
		return nil, fmt.Errorf("%s's length is not a complete varint", what.name(header))
	case n == -1:
		return nil, nil
	case n < -1 || n > math.MaxInt32:
		return nil, fmt.Errorf("%s has length %d", what.name(header), n)
	case n > int64(len(r.b)):
		return nil, fmt.Errorf("%s has length %d, but only %d bytes follow", what.name(header), n, len(r.b))
	}
	b := r.b[:n:n]
	r.b = r.b[n:]
	return b, nil
}
