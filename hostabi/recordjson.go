package hostabi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// recordJSON is the record as get_record gives it and set_record takes it.
// encoding/json writes []byte as standard base64 with padding, as the ABI says;
// a nil pointer is an absent part, a pointer to an empty slice an empty one.
type recordJSON struct {
	Headers map[string][]byte `json:"headers"`
	Topic   *string           `json:"topic,omitempty"`
	Key     *[]byte           `json:"key,omitempty"`
	Value   *[]byte           `json:"value,omitempty"`
}

// encodeRecord renders rec as record JSON.
func encodeRecord(rec Record) ([]byte, error) {
	var out recordJSON
	if topic, err := rec.Topic(); err == nil {
		s := string(topic)
		out.Topic = &s
	} else if !absent(err) {
		return nil, err
	}
	var err error
	if out.Key, err = optional(rec.Key()); err != nil {
		return nil, err
	}
	if out.Value, err = optional(rec.Value()); err != nil {
		return nil, err
	}
	names := rec.HeaderNames(nil)
	sort.Strings(names)
	out.Headers = make(map[string][]byte, len(names))
	for _, name := range names {
		v, err := rec.Header([]byte(name))
		if err != nil {
			return nil, err
		}
		out.Headers[name] = v
	}
	return json.Marshal(out)
}

// optional turns a getter's result into nil for an absent part.
func optional(b []byte, err error) (*[]byte, error) {
	if err != nil {
		if absent(err) {
			return nil, nil
		}
		return nil, err
	}
	c := append([]byte{}, b...)
	return &c, nil
}

// decodeRecordInto replaces rec's topic, key, value and headers with those of
// the record JSON in b. On error rec may be partly changed: the guest call
// fails, and the caller discards every write of the call.
func decodeRecordInto(rec Record, b []byte) error {
	in, err := parseRecordJSON(b)
	if err != nil {
		return err
	}
	return applyRecord(rec, in)
}

// applyRecord replaces rec's topic, key, value and headers with in's.
func applyRecord(rec Record, in recordJSON) error {
	if in.Topic == nil {
		rec.RemoveTopic()
	} else if err := rec.SetTopic([]byte(*in.Topic)); err != nil {
		return err
	}
	if in.Key == nil {
		rec.RemoveKey()
	} else if err := rec.SetKey(*in.Key); err != nil {
		return err
	}
	if in.Value == nil {
		rec.RemoveValue()
	} else if err := rec.SetValue(*in.Value); err != nil {
		return err
	}
	for _, name := range rec.HeaderNames(nil) {
		rec.RemoveHeader([]byte(name))
	}
	for name, v := range in.Headers {
		if err := rec.SetHeader([]byte(name), v); err != nil {
			return err
		}
	}
	return nil
}

// parseRecordJSON parses record JSON strictly: one object, known fields only.
func parseRecordJSON(b []byte) (recordJSON, error) {
	var in recordJSON
	if trimmed := bytes.TrimSpace(b); len(trimmed) == 0 || trimmed[0] != '{' {
		return recordJSON{}, errors.New("record JSON: expected a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return recordJSON{}, fmt.Errorf("record JSON: %w", err)
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return recordJSON{}, errors.New("record JSON: unexpected data after the object")
	}
	return in, nil
}
