package transform

import (
	"fmt"
	"sort"
	"time"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// EncodeError is a record the host cannot hand to the transform: its key,
// value, a header, its offset or its timestamp cannot be read (a converter
// refuses it, say). The instance is not harmed.
type EncodeError struct{ Err error }

func (e *EncodeError) Error() string {
	return fmt.Sprintf("%s: the record cannot be handed to the transform: %v", ABIName, e.Err)
}

func (e *EncodeError) Unwrap() error { return e.Err }

// batch is one transform batch: the records handed to the guest, their
// payloads encoded up front (read_batch_header reports the largest), and
// where the guest is in them. The processor's goroutine fills it; the
// guest's goroutine works on it between the two hand-offs.
type batch struct {
	recs       []record.Record
	payloads   []byte  // every record's payload, one after another
	ends       []int   // ends[i] is where record i's payload ends in payloads
	offsets    []int64 // each record's offset
	timestamps []int64 // each record's timestamp, ms
	maxSize    int

	next    int   // the record read_next_record gives next
	current int   // the record being transformed; -1 when none
	writes  int   // writes made for the current record
	refusal error // why a host function last refused the guest's request
}

// fill encodes recs into b, up to the first record that cannot be encoded;
// it returns how many it took and, when it stopped short, why.
func (b *batch) fill(recs []record.Record, now time.Time) (int, error) {
	b.recs, b.payloads, b.ends = b.recs[:0], b.payloads[:0], b.ends[:0]
	b.offsets, b.timestamps = b.offsets[:0], b.timestamps[:0]
	b.maxSize, b.next, b.current, b.writes, b.refusal = 0, 0, -1, 0, nil
	var names []string
	var headers []Header
	for i, rec := range recs {
		p, err := payloadOf(rec, &names, &headers)
		var offset, ts int64
		if err == nil {
			offset, ts, err = positionOf(rec, int64(i), now)
		}
		if err != nil {
			return i, &EncodeError{Err: err}
		}
		start := len(b.payloads)
		b.payloads = appendPayload(b.payloads, p)
		b.maxSize = max(b.maxSize, len(b.payloads)-start)
		b.recs = append(b.recs, rec)
		b.ends = append(b.ends, len(b.payloads))
		b.offsets = append(b.offsets, offset)
		b.timestamps = append(b.timestamps, ts)
	}
	return len(recs), nil
}

// payload returns record i's encoded payload.
func (b *batch) payload(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.payloads[start:b.ends[i]]
}

// payloadOf reads a record's key, value and headers (sorted by name), the
// scratch slices reused across records.
func payloadOf(rec record.Record, names *[]string, headers *[]Header) (Payload, error) {
	var p Payload
	var err error
	// HasKey first: most messages have no key, and an absent part's error
	// costs more to make than the whole record.
	if rec.HasKey() {
		if p.Key, err = optional(rec.Key()); err != nil {
			return p, err
		}
	}
	if p.Value, err = optional(rec.Value()); err != nil {
		return p, err
	}
	*names = rec.HeaderNames((*names)[:0])
	sort.Strings(*names)
	*headers = (*headers)[:0]
	for _, name := range *names {
		v, err := rec.Header([]byte(name))
		if err != nil {
			return p, err
		}
		*headers = append(*headers, Header{Key: []byte(name), Value: nonNil(v)})
	}
	p.Headers = *headers
	return p, nil
}

// optional turns an absent part into nil (null) and keeps an empty one
// empty.
func optional(b []byte, err error) ([]byte, error) {
	if err != nil {
		if record.IsAbsent(err) {
			return nil, nil
		}
		return nil, err
	}
	return nonNil(b), nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// positionOf gives the record's offset and timestamp: its own, else its
// place in the batch and the time it was handed over.
func positionOf(rec record.Record, index int64, now time.Time) (offset, ts int64, err error) {
	if offset, err = rec.Offset(); err != nil {
		return 0, 0, err
	}
	if offset < 0 {
		offset = index
	}
	if ts, err = rec.Timestamp(); err != nil {
		return 0, 0, err
	}
	if ts < 0 {
		ts = now.UnixMilli()
	}
	return offset, ts, nil
}
