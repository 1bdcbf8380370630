// Package recordtest provides MemRecord, a plain in-memory record.Record for
// testing ABI hosts and guests without Benthos, as http-wasm publishes
// handlertest for its handlers.
package recordtest

import (
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// MemRecord is a record.Record kept in memory, with raw-bytes parts (no
// converters). Writes go straight through: transactions are the host's
// business, not the record's. Partition, timestamp and offset start at -1 (none).
type MemRecord struct {
	key, value, topic *string
	headers           map[string]string
	partition         int32
	timestamp, offset int64
	dropped           bool
	emitted           []*MemRecord
}

// New makes a record; a nil part is absent. The headers map is used as is.
func New(key, value, topic *string, headers map[string]string) *MemRecord {
	if headers == nil {
		headers = map[string]string{}
	}
	return &MemRecord{key: key, value: value, topic: topic, headers: headers, partition: -1, timestamp: -1, offset: -1}
}

// Str returns a pointer to s, for the parts of a MemRecord.
func Str(s string) *string { return &s }

// Parts returns the record's parts, for assertions.
func (r *MemRecord) Parts() (key, value, topic *string, headers map[string]string) {
	return r.key, r.value, r.topic, r.headers
}

// SetPartition sets the partition that Partition returns (-1: none).
func (r *MemRecord) SetPartition(p int32) { r.partition = p }

// SetOffset sets the offset that Offset returns (-1: none).
func (r *MemRecord) SetOffset(o int64) { r.offset = o }

// Outcome returns what Drop and Emit did.
func (r *MemRecord) Outcome() (dropped bool, emitted []*MemRecord) { return r.dropped, r.emitted }

func get(p *string, what string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("the record has no %s: %w", what, record.ErrAbsent)
	}
	return []byte(*p), nil
}

// Key implements record.Record.
func (r *MemRecord) Key() ([]byte, error) { return get(r.key, "key") }

// SetKey implements record.Record.
func (r *MemRecord) SetKey(b []byte) error { r.key = Str(string(b)); return nil }

// RemoveKey implements record.Record.
func (r *MemRecord) RemoveKey() { r.key = nil }

// Value implements record.Record.
func (r *MemRecord) Value() ([]byte, error) { return get(r.value, "value") }

// SetValue implements record.Record.
func (r *MemRecord) SetValue(b []byte) error { r.value = Str(string(b)); return nil }

// RemoveValue implements record.Record.
func (r *MemRecord) RemoveValue() { r.value = nil }

// Topic implements record.Record.
func (r *MemRecord) Topic() ([]byte, error) { return get(r.topic, "topic") }

// SetTopic implements record.Record.
func (r *MemRecord) SetTopic(b []byte) error { r.topic = Str(string(b)); return nil }

// RemoveTopic implements record.Record.
func (r *MemRecord) RemoveTopic() { r.topic = nil }

// Header implements record.Record.
func (r *MemRecord) Header(name []byte) ([]byte, error) {
	v, ok := r.headers[string(name)]
	if !ok {
		return nil, fmt.Errorf("the record has no header %q: %w", name, record.ErrAbsent)
	}
	return []byte(v), nil
}

// SetHeader implements record.Record.
func (r *MemRecord) SetHeader(name, value []byte) error {
	r.headers[string(name)] = string(value)
	return nil
}

// RemoveHeader implements record.Record.
func (r *MemRecord) RemoveHeader(name []byte) { delete(r.headers, string(name)) }

// HeaderNames implements record.Record.
func (r *MemRecord) HeaderNames(dst []string) []string {
	for k := range r.headers {
		dst = append(dst, k)
	}
	return dst
}

// HasKey implements record.Record.
func (r *MemRecord) HasKey() bool { return r.key != nil }

// HasHeader implements record.Record.
func (r *MemRecord) HasHeader(name []byte) bool {
	_, ok := r.headers[string(name)]
	return ok
}

// Partition implements record.Record.
func (r *MemRecord) Partition() (int32, error) { return r.partition, nil }

// Timestamp implements record.Record.
func (r *MemRecord) Timestamp() (int64, error) { return r.timestamp, nil }

// Offset implements record.Record.
func (r *MemRecord) Offset() (int64, error) { return r.offset, nil }

// SetTimestamp implements record.Record.
func (r *MemRecord) SetTimestamp(ms int64) error { r.timestamp = ms; return nil }

// Drop implements record.Record.
func (r *MemRecord) Drop() { r.dropped = true }

// Emit implements record.Record: a copy of the record as it is now.
func (r *MemRecord) Emit() record.Record {
	c := *r
	c.emitted = nil
	c.dropped = false
	c.headers = make(map[string]string, len(r.headers))
	for k, v := range r.headers {
		c.headers[k] = v
	}
	r.emitted = append(r.emitted, &c)
	return &c
}
