package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// Batch is the batch header read_batch_header wrote, and its result.
type Batch struct {
	BaseOffset      int64
	RecordCount     int64
	LeaderEpoch     int64
	Attributes      int64
	LastOffsetDelta int64
	BaseTimestamp   int64
	MaxTimestamp    int64
	ProducerID      int64
	ProducerEpoch   int64
	BaseSequence    int64
	MaxSize         int64 // read_batch_header's result
}

// Event is one record as read_next_record gave it.
type Event struct {
	Record     Record
	Attributes int64
	Timestamp  int64 // ms since the epoch
	Offset     int64
	Batch      *Batch
}

// Writer emits a record; topic "" means the default output topic
// (write_record), any other the named one (write_record_with_options).
type Writer interface {
	Write(r Record, topic string) error
}

// cases are the values of BW_CASE (with registryCases).
var cases = map[string]func(t *transformer, ev *Event, w Writer) error{
	"identity":    identity,
	"upper":       upperCase,
	"drop":        func(*transformer, *Event, Writer) error { return nil },
	"twice":       twice,
	"multi_topic": multiTopic,
	"describe":    describe,
}

// transformer is the guest's configuration, read from the environment once
// at start-up.
type transformer struct {
	name         string
	run          func(t *transformer, ev *Event, w Writer) error
	inputTopic   string
	outputTopics []string    // the REDPANDA_OUTPUT_TOPIC_i that are set and not empty, in order of i
	registry     registryABI // the schema registry module, for the cases of registry_cases.go
}

// newTransformer reads BW_CASE (default identity), REDPANDA_INPUT_TOPIC and
// REDPANDA_OUTPUT_TOPIC_0..7 through getenv.
func newTransformer(getenv func(string) (string, bool)) (*transformer, error) {
	name, ok := getenv("BW_CASE")
	if !ok || name == "" {
		name = "identity"
	}
	run, ok := cases[name]
	if !ok {
		run, ok = registryCases()[name]
	}
	if !ok {
		return nil, fmt.Errorf("unknown BW_CASE %q", name)
	}
	t := &transformer{name: name, run: run}
	t.inputTopic, _ = getenv("REDPANDA_INPUT_TOPIC")
	for i := 0; i < 8; i++ {
		if topic, ok := getenv("REDPANDA_OUTPUT_TOPIC_" + strconv.Itoa(i)); ok && topic != "" {
			t.outputTopics = append(t.outputTopics, topic)
		}
	}
	return t, nil
}

func envTransformer() (*transformer, error) { return newTransformer(os.LookupEnv) }

// errUser is what a record whose value starts with "panic" makes the
// transform function return.
var errUser = errors.New(`user error: the value starts with "panic"`)

// bomb holds what the memory bomb allocates, so none of it is collected.
var bomb [][]byte

// spin is what the infinite loop counts, so the loop has a visible effect.
var spin uint64

// handle is the transform function. In every case a record whose value
// starts with one of the fault words fails in that way first.
func (t *transformer) handle(ev *Event, w Writer) error {
	v := ev.Record.Value
	switch {
	case bytes.HasPrefix(v, []byte("panic")):
		return errUser
	case bytes.HasPrefix(v, []byte("loop")):
		for {
			spin++
		}
	case bytes.HasPrefix(v, []byte("bomb")):
		for {
			chunk := make([]byte, 1<<20)
			chunk[0], chunk[len(chunk)-1] = 1, 1
			bomb = append(bomb, chunk)
		}
	case bytes.HasPrefix(v, []byte("exit")):
		os.Exit(3)
	}
	return t.run(t, ev, w)
}

func identity(_ *transformer, ev *Event, w Writer) error {
	return w.Write(ev.Record, "")
}

// upperASCII upper-cases the ASCII letters of b in place; other bytes stay.
func upperASCII(b []byte) {
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
}

func upperCase(_ *transformer, ev *Event, w Writer) error {
	r := ev.Record
	upperASCII(r.Value) // r.Value is the guest's own copy; nil stays nil
	return w.Write(r, "")
}

func twice(_ *transformer, ev *Event, w Writer) error {
	if err := w.Write(ev.Record, ""); err != nil {
		return err
	}
	return w.Write(ev.Record, "")
}

func multiTopic(t *transformer, ev *Event, w Writer) error {
	for _, topic := range t.outputTopics {
		if err := w.Write(ev.Record, topic); err != nil {
			return err
		}
	}
	return nil
}

// description is the JSON value describe writes; the field order is the
// order of the keys in the output.
type description struct {
	Key        *string          `json:"key"`
	Value      *string          `json:"value"`
	Headers    [][2]*string     `json:"headers"`
	Timestamp  int64            `json:"timestamp"`
	Offset     int64            `json:"offset"`
	Attributes int64            `json:"attributes"`
	Batch      batchDescription `json:"batch"`
	InputTopic string           `json:"input_topic"`
}

type batchDescription struct {
	BaseOffset      int64 `json:"base_offset"`
	RecordCount     int64 `json:"record_count"`
	BaseTimestamp   int64 `json:"base_timestamp"`
	MaxTimestamp    int64 `json:"max_timestamp"`
	LastOffsetDelta int64 `json:"last_offset_delta"`
	MaxSize         int64 `json:"max_size"`
}

func str(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

// Describe returns the JSON text describe writes as the value: compact, keys
// in a fixed order, parts as JSON strings (bytes that are not UTF-8 become
// U+FFFD, as encoding/json does) or null, and <, > and & not escaped.
func Describe(t *transformer, ev *Event) ([]byte, error) {
	d := description{
		Key:        str(ev.Record.Key),
		Value:      str(ev.Record.Value),
		Headers:    make([][2]*string, len(ev.Record.Headers)),
		Timestamp:  ev.Timestamp,
		Offset:     ev.Offset,
		Attributes: ev.Attributes,
		Batch: batchDescription{
			BaseOffset:      ev.Batch.BaseOffset,
			RecordCount:     ev.Batch.RecordCount,
			BaseTimestamp:   ev.Batch.BaseTimestamp,
			MaxTimestamp:    ev.Batch.MaxTimestamp,
			LastOffsetDelta: ev.Batch.LastOffsetDelta,
			MaxSize:         ev.Batch.MaxSize,
		},
		InputTopic: t.inputTopic,
	}
	for i, h := range ev.Record.Headers {
		d.Headers[i] = [2]*string{str(h.Key), str(h.Value)}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

func describe(t *transformer, ev *Event, w Writer) error {
	v, err := Describe(t, ev)
	if err != nil {
		return err
	}
	r := ev.Record
	r.Value = v
	return w.Write(r, "")
}
