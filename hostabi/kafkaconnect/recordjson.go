package kafkaconnect

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
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

// encodeRecord renders rec as record JSON. A topic or header name that is
// not UTF-8 fails it, as get_header_names fails: JSON text cannot carry the
// bytes, and replacing them would rename the part when the guest sets the
// record back.
func encodeRecord(rec record.Record) ([]byte, error) {
	var out recordJSON
	if topic, err := rec.Topic(); err == nil {
		if !utf8.Valid(topic) {
			return nil, errors.New("the topic is not valid UTF-8, which record JSON cannot carry")
		}
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
		// encoding/json would turn invalid UTF-8 into U+FFFD, and a guest
		// that sets the record back would rename the header.
		if !utf8.ValidString(name) {
			return nil, fmt.Errorf("header name %q is not valid UTF-8, which record JSON cannot carry", name)
		}
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
func decodeRecordInto(rec record.Record, b []byte) error {
	in, err := parseRecordJSON(b)
	if err != nil {
		return err
	}
	return applyRecord(rec, in)
}

// applyRecord replaces rec's topic, key, value and headers with in's.
func applyRecord(rec record.Record, in recordJSON) error {
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

// parseRecordJSON parses record JSON strictly, as the ABI words it: one
// object with only the fields headers, topic, key and value, each at most
// once, strings (and an object of strings) only, no null, UTF-8 text, padded
// standard base64 without line breaks, and nothing after the object but JSON
// white space. encoding/json alone would accept case-folded field names,
// nulls, duplicates and lenient base64.
func parseRecordJSON(b []byte) (recordJSON, error) {
	in, err := parseRecordObject(b)
	if err != nil {
		return recordJSON{}, fmt.Errorf("record JSON: %w", err)
	}
	return in, nil
}

func parseRecordObject(b []byte) (recordJSON, error) {
	var in recordJSON
	if !utf8.Valid(b) {
		return in, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := expectDelim(dec, '{', "expected a JSON object"); err != nil {
		return in, err
	}
	seen := map[string]bool{}
	for dec.More() {
		name, err := stringToken(dec, "a field name")
		if err != nil {
			return in, err
		}
		if seen[name] {
			return in, fmt.Errorf("field %q appears twice", name)
		}
		seen[name] = true
		switch name {
		case "topic":
			topic, err := stringToken(dec, `field "topic"`)
			if err != nil {
				return in, err
			}
			in.Topic = &topic
		case "key":
			if in.Key, err = base64Token(dec, `field "key"`); err != nil {
				return in, err
			}
		case "value":
			if in.Value, err = base64Token(dec, `field "value"`); err != nil {
				return in, err
			}
		case "headers":
			if in.Headers, err = headersObject(dec); err != nil {
				return in, err
			}
		default:
			return in, fmt.Errorf("unknown field %q (expected headers, topic, key or value)", name)
		}
	}
	if err := expectDelim(dec, '}', "expected the end of the object"); err != nil {
		return in, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return in, errors.New("unexpected data after the object")
	}
	return in, nil
}

func headersObject(dec *json.Decoder) (map[string][]byte, error) {
	if err := expectDelim(dec, '{', `field "headers" must be an object`); err != nil {
		return nil, err
	}
	headers := map[string][]byte{}
	for dec.More() {
		name, err := stringToken(dec, "a header name")
		if err != nil {
			return nil, err
		}
		if _, dup := headers[name]; dup {
			return nil, fmt.Errorf("header %q appears twice", name)
		}
		v, err := base64Token(dec, fmt.Sprintf("header %q", name))
		if err != nil {
			return nil, err
		}
		headers[name] = *v
	}
	return headers, expectDelim(dec, '}', `field "headers": expected the end of the object`)
}

func expectDelim(dec *json.Decoder, want json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %w", msg, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return errors.New(msg)
	}
	return nil
}

func stringToken(dec *json.Decoder, what string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, got %v", what, tok)
	}
	return s, nil
}

// base64Token reads a string of standard, padded base64 with no line breaks
// (which the standard decoder would skip).
func base64Token(dec *json.Decoder, what string) (*[]byte, error) {
	s, err := stringToken(dec, what)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%s: base64 with a line break", what)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &b, nil
}
