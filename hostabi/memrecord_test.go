package hostabi_test

import (
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// memRecord is a plain in-memory hostabi.Record with raw-bytes parts,
// writing straight through (no transactions: those are the host's business).
type memRecord struct {
	key, value, topic *string
	headers           map[string]string
}

func str(s string) *string { return &s }

func (r *memRecord) get(p *string, what string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("no %s: %w", what, hostabi.ErrAbsent)
	}
	return []byte(*p), nil
}

func (r *memRecord) Key() ([]byte, error)     { return r.get(r.key, "key") }
func (r *memRecord) SetKey(b []byte) error    { r.key = str(string(b)); return nil }
func (r *memRecord) RemoveKey()               { r.key = nil }
func (r *memRecord) Value() ([]byte, error)   { return r.get(r.value, "value") }
func (r *memRecord) SetValue(b []byte) error  { r.value = str(string(b)); return nil }
func (r *memRecord) RemoveValue()             { r.value = nil }
func (r *memRecord) Topic() ([]byte, error)   { return r.get(r.topic, "topic") }
func (r *memRecord) SetTopic(b []byte) error  { r.topic = str(string(b)); return nil }
func (r *memRecord) RemoveTopic()             { r.topic = nil }
func (r *memRecord) RemoveHeader(name []byte) { delete(r.headers, string(name)) }
func (r *memRecord) SetHeader(n, v []byte) error {
	if r.headers == nil {
		r.headers = map[string]string{}
	}
	r.headers[string(n)] = string(v)
	return nil
}
func (r *memRecord) Header(name []byte) ([]byte, error) {
	v, ok := r.headers[string(name)]
	if !ok {
		return nil, fmt.Errorf("no header %q: %w", name, hostabi.ErrAbsent)
	}
	return []byte(v), nil
}
func (r *memRecord) HeaderNames(dst []string) []string {
	for k := range r.headers {
		dst = append(dst, k)
	}
	return dst
}
