package main

import (
	"errors"
	"fmt"
)

// The record payload of the Data Transforms ABI, both ways (read_next_record
// fills a buffer with it, write_record and write_record_with_options take
// one): the key, value and headers of a Kafka record in the record format's
// own encoding, without the record's length, attributes, timestamp delta and
// offset delta:
//
//	key length (varint, -1 = null)    key bytes
//	value length (varint, -1 = null)  value bytes
//	header count (varint)
//	per header: key length (varint, -1 = null), key bytes,
//	            value length (varint, -1 = null), value bytes
//
// Every varint is a zigzag-encoded signed integer in base-128 groups, least
// significant group first (Kafka's varint and varlong, Go's binary.PutVarint).

// Header is one record header. A nil Value is a null header value, which is
// not the same as an empty one; likewise a nil Key.
type Header struct {
	Key   []byte
	Value []byte
}

// Record is the part of a record the payload carries. Nil Key or Value means
// null; an empty non-nil slice is an empty part.
type Record struct {
	Key     []byte
	Value   []byte
	Headers []Header
}

// maxVarintLen is the most bytes a 64-bit varint takes.
const maxVarintLen = 10

// appendVarint appends v zigzag-encoded.
func appendVarint(dst []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}

var (
	errShort    = errors.New("payload ends inside a varint")
	errOverflow = errors.New("varint longer than 10 bytes or over 64 bits")
)

// readVarint decodes one zigzag varint from b and returns it with the number
// of bytes it took.
func readVarint(b []byte) (int64, int, error) {
	var u uint64
	for i := 0; i < len(b); i++ {
		if i == maxVarintLen {
			return 0, 0, errOverflow
		}
		c := b[i]
		if i == maxVarintLen-1 && c > 1 {
			return 0, 0, errOverflow
		}
		u |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), i + 1, nil
		}
	}
	return 0, 0, errShort
}

// appendSized appends a length-prefixed part: -1 for nil, else the length and
// the bytes.
func appendSized(dst, part []byte) []byte {
	if part == nil {
		return appendVarint(dst, -1)
	}
	dst = appendVarint(dst, int64(len(part)))
	return append(dst, part...)
}

// AppendPayload appends r's payload encoding to dst.
func AppendPayload(dst []byte, r Record) []byte {
	dst = appendSized(dst, r.Key)
	dst = appendSized(dst, r.Value)
	dst = appendVarint(dst, int64(len(r.Headers)))
	for _, h := range r.Headers {
		dst = appendSized(dst, h.Key)
		dst = appendSized(dst, h.Value)
	}
	return dst
}

// decoder reads a payload front to back.
type decoder struct {
	b   []byte
	off int
}

func (d *decoder) varint(what string) (int64, error) {
	v, n, err := readVarint(d.b[d.off:])
	if err != nil {
		return 0, fmt.Errorf("%s at byte %d: %w", what, d.off, err)
	}
	d.off += n
	return v, nil
}

// sized reads a length-prefixed part. It is a copy, so the record outlives
// the buffer it came from.
func (d *decoder) sized(what string) ([]byte, error) {
	at := d.off
	n, err := d.varint(what + " length")
	if err != nil {
		return nil, err
	}
	switch {
	case n == -1:
		return nil, nil
	case n < -1:
		return nil, fmt.Errorf("%s length %d at byte %d: only -1 (null) may be negative", what, n, at)
	case n > int64(len(d.b)-d.off):
		return nil, fmt.Errorf("%s length %d at byte %d: only %d bytes left", what, n, at, len(d.b)-d.off)
	}
	part := make([]byte, n)
	copy(part, d.b[d.off:])
	d.off += int(n)
	return part, nil
}

// DecodePayload decodes a whole payload. It is stricter than Redpanda's SDKs,
// which ignore bytes after the last header: a conformance guest must notice
// a host that sends more than the record.
func DecodePayload(b []byte) (Record, error) {
	d := decoder{b: b}
	var r Record
	var err error
	if r.Key, err = d.sized("key"); err != nil {
		return Record{}, err
	}
	if r.Value, err = d.sized("value"); err != nil {
		return Record{}, err
	}
	at := d.off
	count, err := d.varint("header count")
	if err != nil {
		return Record{}, err
	}
	// Each header takes at least two bytes, so a count above the bytes left
	// is a lie; checking it first keeps a bad count from allocating.
	if count < 0 || count > int64(len(b)-d.off)/2 {
		return Record{}, fmt.Errorf("header count %d at byte %d: impossible with %d bytes left", count, at, len(b)-d.off)
	}
	if count > 0 {
		r.Headers = make([]Header, count)
	}
	for i := range r.Headers {
		h := &r.Headers[i]
		if h.Key, err = d.sized(fmt.Sprintf("header %d key", i)); err != nil {
			return Record{}, err
		}
		if h.Value, err = d.sized(fmt.Sprintf("header %d value", i)); err != nil {
			return Record{}, err
		}
	}
	if d.off != len(b) {
		return Record{}, fmt.Errorf("%d bytes after the last header", len(b)-d.off)
	}
	return r, nil
}

// AppendTopicOption appends the options of write_record_with_options that
// name an output topic: the option key 0x01, then the name length-prefixed.
func AppendTopicOption(dst []byte, topic string) []byte {
	dst = append(dst, 0x01)
	dst = appendVarint(dst, int64(len(topic)))
	return append(dst, topic...)
}
