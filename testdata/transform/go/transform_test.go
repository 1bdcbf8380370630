package main

import (
	"errors"
	"strings"
	"testing"
)

type write struct {
	r     Record
	topic string
}

type fakeWriter struct {
	writes []write
	err    error
}

func (f *fakeWriter) Write(r Record, topic string) error {
	if f.err != nil {
		return f.err
	}
	// Copy, as the host does: the guest may reuse what it wrote.
	enc := AppendPayload(nil, r)
	c, _ := DecodePayload(enc)
	f.writes = append(f.writes, write{c, topic})
	return nil
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func newT(t *testing.T, vars map[string]string) *transformer {
	t.Helper()
	tr, err := newTransformer(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var sampleBatch = Batch{BaseOffset: 100, RecordCount: 3, BaseTimestamp: 1700000000000, MaxTimestamp: 1700000000002, LastOffsetDelta: 2, MaxSize: 42}

func event(r Record) *Event {
	return &Event{Record: r, Timestamp: 1700000000001, Offset: 101, Attributes: 0, Batch: &sampleBatch}
}

func TestDefaultIsIdentity(t *testing.T) {
	tr := newT(t, nil)
	if tr.name != "identity" {
		t.Fatalf("default case %q", tr.name)
	}
	r := Record{Key: nil, Value: []byte{0, 0xff}, Headers: []Header{{Key: []byte("h"), Value: nil}, {Key: []byte{}, Value: []byte{}}}}
	var w fakeWriter
	if err := tr.handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	if len(w.writes) != 1 || w.writes[0].topic != "" || !sameRecord(w.writes[0].r, r) {
		t.Fatalf("identity wrote %+v", w.writes)
	}
}

func TestUnknownCase(t *testing.T) {
	if _, err := newTransformer(env(map[string]string{"BW_CASE": "nope"})); err == nil || !strings.Contains(err.Error(), `unknown BW_CASE "nope"`) {
		t.Fatalf("error %v", err)
	}
}

func TestUpperDropTwice(t *testing.T) {
	r := Record{Key: []byte("key"), Value: []byte("abc-xyz é\x00"), Headers: []Header{{Key: []byte("h"), Value: []byte("v")}}}
	var w fakeWriter
	if err := newT(t, map[string]string{"BW_CASE": "upper"}).handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	want := Record{Key: []byte("key"), Value: []byte("ABC-XYZ é\x00"), Headers: r.Headers}
	if len(w.writes) != 1 || !sameRecord(w.writes[0].r, want) {
		t.Fatalf("upper wrote %+v", w.writes)
	}
	// A null value stays null.
	w = fakeWriter{}
	if err := newT(t, map[string]string{"BW_CASE": "upper"}).handle(event(Record{Key: []byte("k")}), &w); err != nil || w.writes[0].r.Value != nil {
		t.Fatalf("upper of a null value: %+v %v", w.writes, err)
	}

	w = fakeWriter{}
	if err := newT(t, map[string]string{"BW_CASE": "drop"}).handle(event(r), &w); err != nil || len(w.writes) != 0 {
		t.Fatalf("drop wrote %+v, %v", w.writes, err)
	}

	w = fakeWriter{}
	if err := newT(t, map[string]string{"BW_CASE": "twice"}).handle(event(r), &w); err != nil || len(w.writes) != 2 {
		t.Fatalf("twice wrote %+v, %v", w.writes, err)
	}
	for _, wr := range w.writes {
		if !sameRecord(wr.r, r) || wr.topic != "" {
			t.Fatalf("twice wrote %+v", wr)
		}
	}
}

func TestMultiTopic(t *testing.T) {
	vars := map[string]string{"BW_CASE": "multi_topic"}
	for _, i := range []string{"0", "1", "2", "3", "4", "5", "6", "7"} {
		vars["REDPANDA_OUTPUT_TOPIC_"+i] = "out-" + i
	}
	vars["REDPANDA_OUTPUT_TOPIC_8"] = "never" // only 0..7 are read
	r := Record{Value: []byte("v")}
	var w fakeWriter
	if err := newT(t, vars).handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	if len(w.writes) != 8 {
		t.Fatalf("multi_topic wrote %d records", len(w.writes))
	}
	for i, wr := range w.writes {
		if wr.topic != "out-"+string(rune('0'+i)) || !sameRecord(wr.r, r) {
			t.Fatalf("write %d: %+v", i, wr)
		}
	}
	// Unset and empty variables are skipped; none set writes nothing.
	w = fakeWriter{}
	vars = map[string]string{"BW_CASE": "multi_topic", "REDPANDA_OUTPUT_TOPIC_1": "b", "REDPANDA_OUTPUT_TOPIC_0": "", "REDPANDA_OUTPUT_TOPIC_5": "f"}
	if err := newT(t, vars).handle(event(r), &w); err != nil || len(w.writes) != 2 || w.writes[0].topic != "b" || w.writes[1].topic != "f" {
		t.Fatalf("multi_topic wrote %+v, %v", w.writes, err)
	}
	w = fakeWriter{}
	if err := newT(t, map[string]string{"BW_CASE": "multi_topic"}).handle(event(r), &w); err != nil || len(w.writes) != 0 {
		t.Fatalf("multi_topic without topics wrote %+v, %v", w.writes, err)
	}
}

func TestDescribe(t *testing.T) {
	tr := newT(t, map[string]string{"BW_CASE": "describe", "REDPANDA_INPUT_TOPIC": "in"})
	r := Record{Key: []byte("k<&>"), Value: nil, Headers: []Header{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: nil}}}
	var w fakeWriter
	if err := tr.handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	want := `{"key":"k<&>","value":null,"headers":[["a","1"],["b",null]],"timestamp":1700000000001,"offset":101,"attributes":0,` +
		`"batch":{"base_offset":100,"record_count":3,"base_timestamp":1700000000000,"max_timestamp":1700000000002,"last_offset_delta":2,"max_size":42},` +
		`"input_topic":"in"}`
	if len(w.writes) != 1 || string(w.writes[0].r.Value) != want {
		t.Fatalf("describe wrote %q\nwant          %q", w.writes[0].r.Value, want)
	}
	if !sameRecord(Record{Key: w.writes[0].r.Key, Headers: w.writes[0].r.Headers}, Record{Key: r.Key, Headers: r.Headers}) {
		t.Fatalf("describe changed the key or headers: %+v", w.writes[0].r)
	}
	// No headers: an empty list, not null; unset input topic: "".
	w = fakeWriter{}
	if err := newT(t, map[string]string{"BW_CASE": "describe"}).handle(event(Record{Value: []byte("\xff")}), &w); err != nil {
		t.Fatal(err)
	}
	if got := string(w.writes[0].r.Value); !strings.HasPrefix(got, `{"key":null,"value":"\ufffd","headers":[],`) || !strings.HasSuffix(got, `"input_topic":""}`) {
		t.Fatalf("describe wrote %q", got)
	}
}

func TestFaultWordsComeFirst(t *testing.T) {
	for _, c := range []string{"identity", "upper", "drop", "twice", "multi_topic", "describe"} {
		var w fakeWriter
		err := newT(t, map[string]string{"BW_CASE": c}).handle(event(Record{Value: []byte("panic now")}), &w)
		if !errors.Is(err, errUser) || len(w.writes) != 0 {
			t.Fatalf("%s: value %q gave %v and %d writes", c, "panic now", err, len(w.writes))
		}
	}
	// "panic" only as a prefix.
	var w fakeWriter
	if err := newT(t, nil).handle(event(Record{Value: []byte("no panic")}), &w); err != nil || len(w.writes) != 1 {
		t.Fatalf("%v %d", err, len(w.writes))
	}
}

func TestWriteErrorIsReturned(t *testing.T) {
	w := fakeWriter{err: errors.New("writing record failed with errno: -3")}
	if err := newT(t, nil).handle(event(Record{Value: []byte("v")}), &w); err == nil {
		t.Fatal("a failed write did not fail the transform function")
	}
}
