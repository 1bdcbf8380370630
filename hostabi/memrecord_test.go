package hostabi

import (
	"fmt"
)

// MemRecord is a plain in-memory Record for tests (exported to the external
// test package),  with raw-bytes parts,
// writing straight through (no transactions: those are the host's business).
type MemRecord struct {
	key, value, topic *string
	headers           map[string]string
	partition         int32
	timestamp         int64
	dropped           bool
	emitted           []*MemRecord
}

// NewMemRecord makes a record; a nil part is absent.
func NewMemRecord(key, value, topic *string, headers map[string]string) *MemRecord {
	return &MemRecord{key: key, value: value, topic: topic, headers: headers, partition: -1, timestamp: -1}
}

// Str returns a pointer to s, for the parts of a MemRecord.
func Str(s string) *string { return &s }

// Parts returns the record's parts, for assertions.
func (r *MemRecord) Parts() (key, value, topic *string, headers map[string]string) {
	return r.key, r.value, r.topic, r.headers
}

func (r *MemRecord) get(p *string, what string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("no %s: %w", what, ErrAbsent)
	}
	return []byte(*p), nil
}

func (r *MemRecord) Key() ([]byte, error)     { return r.get(r.key, "key") }
func (r *MemRecord) SetKey(b []byte) error    { r.key = Str(string(b)); return nil }
func (r *MemRecord) RemoveKey()               { r.key = nil }
func (r *MemRecord) Value() ([]byte, error)   { return r.get(r.value, "value") }
func (r *MemRecord) SetValue(b []byte) error  { r.value = Str(string(b)); return nil }
func (r *MemRecord) RemoveValue()             { r.value = nil }
func (r *MemRecord) Topic() ([]byte, error)   { return r.get(r.topic, "topic") }
func (r *MemRecord) SetTopic(b []byte) error  { r.topic = Str(string(b)); return nil }
func (r *MemRecord) RemoveTopic()             { r.topic = nil }
func (r *MemRecord) RemoveHeader(name []byte) { delete(r.headers, string(name)) }
func (r *MemRecord) SetHeader(n, v []byte) error {
	if r.headers == nil {
		r.headers = map[string]string{}
	}
	r.headers[string(n)] = string(v)
	return nil
}
func (r *MemRecord) Header(name []byte) ([]byte, error) {
	v, ok := r.headers[string(name)]
	if !ok {
		return nil, fmt.Errorf("no header %q: %w", name, ErrAbsent)
	}
	return []byte(v), nil
}
func (r *MemRecord) HeaderNames(dst []string) []string {
	for k := range r.headers {
		dst = append(dst, k)
	}
	return dst
}

func (r *MemRecord) HasKey() bool { return r.key != nil }
func (r *MemRecord) HasHeader(name []byte) bool {
	_, ok := r.headers[string(name)]
	return ok
}
func (r *MemRecord) Partition() (int32, error)   { return r.partition, nil }
func (r *MemRecord) Timestamp() (int64, error)   { return r.timestamp, nil }
func (r *MemRecord) SetTimestamp(ms int64) error { r.timestamp = ms; return nil }
func (r *MemRecord) Drop()                       { r.dropped = true }
func (r *MemRecord) Emit() Record {
	c := *r
	c.emitted = nil
	c.headers = map[string]string{}
	for k, v := range r.headers {
		c.headers[k] = v
	}
	r.emitted = append(r.emitted, &c)
	return &c
}

// Outcome returns what drop_record and emit_record did.
func (r *MemRecord) Outcome() (dropped bool, emitted []*MemRecord) { return r.dropped, r.emitted }
