package smt

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Record is a whole record as seen by [GetRecord] and written by [SetRecord].
//
// The ABI distinguishes an absent key, value or topic from an empty one, so
// each has a presence flag: Key is only meaningful when HasKey is true, and so
// on. Use [Record.SetKey], [Record.SetValue] and [Record.SetTopic] to set a
// field and its flag together.
type Record struct {
	Key      []byte
	HasKey   bool
	Value    []byte
	HasValue bool
	Topic    string
	HasTopic bool
	// Headers holds every header of the record. SetRecord replaces all
	// headers with this map; nil means no headers.
	Headers map[string][]byte
}

// SetKey sets the key and marks it present.
func (r *Record) SetKey(k []byte) { r.Key, r.HasKey = k, true }

// SetValue sets the value and marks it present.
func (r *Record) SetValue(v []byte) { r.Value, r.HasValue = v, true }

// SetTopic sets the topic and marks it present.
func (r *Record) SetTopic(t string) { r.Topic, r.HasTopic = t, true }

// wireRecord is the record JSON of the ABI:
//
//	{"headers":{"<name>":"<base64>"},"topic":"t","key":"<base64>","value":"<base64>"}
//
// Absent key, value or topic are left out; bytes are standard base64 with
// padding.
type wireRecord struct {
	Headers map[string]string `json:"headers,omitempty"`
	Topic   *string           `json:"topic,omitempty"`
	Key     *string           `json:"key,omitempty"`
	Value   *string           `json:"value,omitempty"`
}

func encodeBytes(present bool, b []byte) *string {
	if !present {
		return nil
	}
	s := base64.StdEncoding.EncodeToString(b)
	return &s
}

// encodeRecord returns the ABI record JSON of r.
func encodeRecord(r Record) []byte {
	w := wireRecord{
		Key:   encodeBytes(r.HasKey, r.Key),
		Value: encodeBytes(r.HasValue, r.Value),
	}
	if r.HasTopic {
		t := r.Topic
		w.Topic = &t
	}
	if len(r.Headers) > 0 {
		w.Headers = make(map[string]string, len(r.Headers))
		for k, v := range r.Headers {
			w.Headers[k] = base64.StdEncoding.EncodeToString(v)
		}
	}
	out, err := json.Marshal(w)
	if err != nil {
		// Cannot happen: the wire type has only strings and maps of strings.
		panic("smt: encoding record: " + err.Error())
	}
	return out
}

func decodeBytes(field string, s *string) ([]byte, bool, error) {
	if s == nil {
		return nil, false, nil
	}
	b, err := base64.StdEncoding.DecodeString(*s)
	if err != nil {
		return nil, false, fmt.Errorf("smt: record %s: %w", field, err)
	}
	return b, true, nil
}

// decodeRecord parses the ABI record JSON. It does not keep a reference to
// data.
func decodeRecord(data []byte) (Record, error) {
	// Unknown fields are ignored, so a newer host may add some.
	var w wireRecord
	if err := json.Unmarshal(data, &w); err != nil {
		return Record{}, fmt.Errorf("smt: record JSON: %w", err)
	}
	var r Record
	var err error
	if r.Key, r.HasKey, err = decodeBytes("key", w.Key); err != nil {
		return Record{}, err
	}
	if r.Value, r.HasValue, err = decodeBytes("value", w.Value); err != nil {
		return Record{}, err
	}
	if w.Topic != nil {
		r.Topic, r.HasTopic = *w.Topic, true
	}
	r.Headers = make(map[string][]byte, len(w.Headers))
	for k, v := range w.Headers {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return Record{}, fmt.Errorf("smt: record header %q: %w", k, err)
		}
		r.Headers[k] = b
	}
	return r, nil
}
