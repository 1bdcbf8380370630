package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// runRecord is a record as `wasm run` reads it from a line of standard
// input: key and value as text, or as base64 (key_base64, value_base64) for
// bytes that are not text; an absent or null value is a tombstone.
type runRecord struct {
	Key         *string           `json:"key"`
	KeyBase64   *string           `json:"key_base64"`
	Value       *string           `json:"value"`
	ValueBase64 *string           `json:"value_base64"`
	Headers     map[string]string `json:"headers"`
	Topic       *string           `json:"topic"`
	Partition   *int32            `json:"partition"`
	Offset      *int64            `json:"offset"`
	// Timestamp is milliseconds since the Unix epoch, or RFC 3339 text.
	Timestamp json.RawMessage `json:"timestamp"`
}

// parseRunRecord reads one input line; errors say what in it is wrong.
func parseRunRecord(line []byte) (runRecord, error) {
	var r runRecord
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("not a JSON record object (fields key, value, headers, topic, partition, offset, timestamp; key_base64, value_base64): %w", err)
	}
	if dec.More() {
		return r, errors.New("more than one JSON value on the line")
	}
	if r.Key != nil && r.KeyBase64 != nil {
		return r, errors.New("key and key_base64 are both set")
	}
	if r.Value != nil && r.ValueBase64 != nil {
		return r, errors.New("value and value_base64 are both set")
	}
	return r, nil
}

// message is the record as the Benthos message the kafka_franz input would
// give wasm_smt.
func (r runRecord) message() (*service.Message, error) {
	value, hasValue, err := textOrBase64(r.Value, r.ValueBase64, "value_base64")
	if err != nil {
		return nil, err
	}
	msg := service.NewMessage(value)
	if !hasValue {
		msg.MetaSetMut(kafkameta.Tombstone, true)
	}
	key, hasKey, err := textOrBase64(r.Key, r.KeyBase64, "key_base64")
	if err != nil {
		return nil, err
	}
	if hasKey {
		msg.MetaSetMut(kafkameta.Key, string(key))
	}
	for name, v := range r.Headers {
		if kafkameta.IsBookkeeping(name) {
			return nil, fmt.Errorf("header %q: the name is taken by %s", name, kafkameta.Holds(name))
		}
		msg.MetaSetMut(name, v)
	}
	if r.Topic != nil {
		msg.MetaSetMut(kafkameta.Topic, *r.Topic)
	}
	if r.Partition != nil {
		msg.MetaSetMut(kafkameta.Partition, int(*r.Partition))
	}
	if r.Offset != nil {
		msg.MetaSetMut(kafkameta.Offset, int(*r.Offset))
	}
	if len(r.Timestamp) > 0 && string(r.Timestamp) != "null" {
		ms, err := parseTimestamp(r.Timestamp)
		if err != nil {
			return nil, err
		}
		msg.MetaSetMut(kafkameta.TimestampMs, ms)
	}
	return msg, nil
}

// textOrBase64 is a part given as text or as base64; ok is false when it is
// given as neither.
func textOrBase64(text, b64 *string, b64Name string) (b []byte, ok bool, err error) {
	switch {
	case text != nil:
		return []byte(*text), true, nil
	case b64 != nil:
		b, err := base64.StdEncoding.DecodeString(*b64)
		if err != nil {
			return nil, false, fmt.Errorf("%s is not base64: %w", b64Name, err)
		}
		return b, true, nil
	}
	return []byte{}, false, nil
}

func parseTimestamp(raw json.RawMessage) (int64, error) {
	var ms int64
	if err := json.Unmarshal(raw, &ms); err == nil {
		return ms, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		t, err := time.Parse(time.RFC3339Nano, text)
		if err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("timestamp %s is neither milliseconds since the Unix epoch nor RFC 3339 text", raw)
}

// runResult is one line of `wasm run`'s output: a record the function gave
// back, a drop, or an error, each naming the input line it came from.
type runResult struct {
	Input       int               `json:"input"`
	Dropped     bool              `json:"dropped,omitempty"`
	Error       string            `json:"error,omitempty"`
	Key         *string           `json:"key,omitempty"`
	KeyBase64   *string           `json:"key_base64,omitempty"`
	Value       *string           `json:"value"`
	ValueBase64 *string           `json:"value_base64,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	Topic       *string           `json:"topic,omitempty"`
	Partition   *int64            `json:"partition,omitempty"`
	Timestamp   *int64            `json:"timestamp,omitempty"`
	Logs        []string          `json:"logs,omitempty"`
}

// MarshalJSON leaves value out of drops and errors, where it means nothing.
func (r runResult) MarshalJSON() ([]byte, error) {
	type plain runResult
	if r.Dropped || r.Error != "" {
		return json.Marshal(struct {
			Input   int      `json:"input"`
			Dropped bool     `json:"dropped,omitempty"`
			Error   string   `json:"error,omitempty"`
			Logs    []string `json:"logs,omitempty"`
		}{r.Input, r.Dropped, r.Error, r.Logs})
	}
	return json.Marshal(plain(r))
}

// resultOf is a message the function gave back, as an output line.
func resultOf(input int, msg *service.Message) (runResult, error) {
	res := runResult{Input: input}
	if !kafkameta.IsTombstone(msg) {
		b, err := msg.AsBytes()
		if err != nil {
			return res, err
		}
		res.Value, res.ValueBase64 = textOrBase64Out(b)
	}
	// MetaWalk gives every value as text, as the Kafka output writes it.
	err := msg.MetaWalk(func(name, v string) error {
		switch name {
		case kafkameta.Key:
			res.Key, res.KeyBase64 = textOrBase64Out([]byte(v))
		case kafkameta.Topic:
			res.Topic = &v
		case kafkameta.Partition:
			if n, err := kafkameta.Int(v); err == nil {
				res.Partition = &n
			}
		case kafkameta.TimestampMs:
			if n, err := kafkameta.Int(v); err == nil {
				res.Timestamp = &n
			}
		default:
			if kafkameta.IsBookkeeping(name) {
				return nil
			}
			if res.Headers == nil {
				res.Headers = map[string]string{}
			}
			res.Headers[name] = v
		}
		return nil
	})
	return res, err
}

// textOrBase64Out gives bytes as text when they are UTF-8, else as base64.
func textOrBase64Out(b []byte) (text, b64 *string) {
	if utf8.Valid(b) {
		s := string(b)
		return &s, nil
	}
	s := base64.StdEncoding.EncodeToString(b)
	return nil, &s
}
