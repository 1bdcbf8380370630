package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// fakeRegistry answers as a host following the contract would, from its
// maps, or with fail for every call when it is not 0.
type fakeRegistry struct {
	byID      map[int32]Schema
	bySubject map[string]SubjectSchema // subject + "@" + version
	created   map[string]Schema
	fail      int32
	short     bool // answer one byte less than the _len result
}

func (f *fakeRegistry) definitionLen(id int32) (int32, int32) {
	if f.fail != 0 {
		return 0, f.fail
	}
	s, ok := f.byID[id]
	if !ok {
		return 0, -2
	}
	return int32(len(AppendSchema(nil, s))), 0
}

func (f *fakeRegistry) definition(id int32, buf []byte) int32 {
	enc := AppendSchema(nil, f.byID[id])
	if f.short {
		enc = enc[:len(enc)-1]
	}
	return int32(copy(buf, enc))
}

func (f *fakeRegistry) encodeSubject(subject string, version int32) ([]byte, bool) {
	s, ok := f.bySubject[subject+"@"+itoa(version)]
	if !ok {
		return nil, false
	}
	enc := appendVarint(nil, s.ID)
	enc = appendVarint(enc, s.Version)
	return AppendSchema(enc, s.Schema), true
}

func itoa(v int32) string { return strconv.Itoa(int(v)) }

func (f *fakeRegistry) subjectSchemaLen(subject string, version int32) (int32, int32) {
	if f.fail != 0 {
		return 0, f.fail
	}
	enc, ok := f.encodeSubject(subject, version)
	if !ok {
		return 0, -2
	}
	return int32(len(enc)), 0
}

func (f *fakeRegistry) subjectSchema(subject string, version int32, buf []byte) int32 {
	enc, _ := f.encodeSubject(subject, version)
	return int32(copy(buf, enc))
}

func (f *fakeRegistry) createSubjectSchema(subject string, def []byte) (int32, int32) {
	if f.fail != 0 {
		return 0, f.fail
	}
	d := decoder{b: def}
	s, err := d.schema()
	if err != nil || d.end() != nil {
		return 0, -2
	}
	if f.created == nil {
		f.created = map[string]Schema{}
	}
	f.created[subject] = s
	return 7, 0
}

var orderSchema = Schema{Type: typeAvro, Text: `{"type":"record","name":"Order","fields":[]}`}

func newRegistryT(t *testing.T, c string, reg *fakeRegistry) *transformer {
	tr := newT(t, map[string]string{"BW_CASE": c})
	tr.registry = reg
	return tr
}

func headersOf(r Record) map[string]string {
	m := map[string]string{}
	for _, h := range r.Headers {
		m[string(h.Key)] = string(h.Value)
	}
	return m
}

func TestSchemaEncoding(t *testing.T) {
	s := Schema{Type: typeProtobuf, Text: "ab", References: []Reference{{Name: "n", Subject: "s", Version: 3}}}
	// Every integer zigzag: type 1 -> 02, length 2 -> 04, count 1 -> 02,
	// version 3 -> 06.
	want := []byte{0x02, 0x04, 'a', 'b', 0x02, 0x02, 'n', 0x02, 's', 0x06}
	if got := AppendSchema(nil, s); !bytes.Equal(got, want) {
		t.Fatalf("encoded % x, want % x", got, want)
	}
	d := decoder{b: want}
	back, err := d.schema()
	if err != nil || d.end() != nil || back.Text != "ab" || back.Type != typeProtobuf || len(back.References) != 1 || back.References[0] != s.References[0] {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	for _, bad := range [][]byte{
		{0x06, 0x00, 0x00},       // type 3
		{0x00, 0x01, 0x00},       // text length -1
		{0x00, 0x08, 'a', 0x00},  // text longer than what follows
		{0x00, 0x00, 0x02},       // one reference, no bytes
		{0x00, 0x00, 0x01, 0x00}, // reference count -1
	} {
		d := decoder{b: bad}
		if _, err := d.schema(); err == nil {
			t.Errorf("% x decoded", bad)
		}
	}
}

func TestSchemaLookup(t *testing.T) {
	reg := &fakeRegistry{
		byID: map[int32]Schema{9: orderSchema},
		bySubject: map[string]SubjectSchema{
			"orders-value@-1": {ID: 9, Version: 2, Schema: Schema{Type: typeJSON, Text: "{}", References: []Reference{{"a", "b", 1}, {"c", "d", 4}}}},
		},
	}
	value := append([]byte{0, 0, 0, 0, 9}, "avro bytes"...)
	var w fakeWriter
	r := Record{Value: value, Headers: []Header{{Key: []byte("sr.subject"), Value: []byte("orders-value")}}}
	if err := newRegistryT(t, "schema_lookup", reg).handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	got := headersOf(w.writes[0].r)
	want := map[string]string{
		"sr.subject": "orders-value",
		"schema.id":  "9", "schema.type": "avro", "schema.text": orderSchema.Text,
		"subject.id": "9", "subject.version": "2", "subject.type": "json", "subject.text": "{}", "subject.refs": "a=b@1,c=d@4",
	}
	if len(got) != len(want) {
		t.Fatalf("headers %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("header %s = %q, want %q", k, got[k], v)
		}
	}
	if !bytes.Equal(w.writes[0].r.Value, value) {
		t.Fatal("the value changed")
	}

	// A value not in the wire format and no subject: unchanged.
	w = fakeWriter{}
	if err := newRegistryT(t, "schema_lookup", reg).handle(event(Record{Value: []byte("plain")}), &w); err != nil || len(w.writes[0].r.Headers) != 0 {
		t.Fatalf("%+v %v", w.writes, err)
	}

	// A failure: a header in schema_lookup, an error in schema_lookup_strict.
	for _, fail := range []int32{-1, -2} {
		reg := &fakeRegistry{fail: fail}
		w = fakeWriter{}
		if err := newRegistryT(t, "schema_lookup", reg).handle(event(Record{Value: value}), &w); err != nil {
			t.Fatal(err)
		}
		if got := headersOf(w.writes[0].r)["sr.error"]; got != "get_schema_definition_len returned "+itoa(fail) {
			t.Fatalf("sr.error %q", got)
		}
		w = fakeWriter{}
		err := newRegistryT(t, "schema_lookup_strict", reg).handle(event(Record{Value: value}), &w)
		var ce *callError
		if !errors.As(err, &ce) || ce.result != fail || len(w.writes) != 0 {
			t.Fatalf("strict: %v, %d writes", err, len(w.writes))
		}
	}

	// A host that answers fewer bytes than it sized is noticed.
	w = fakeWriter{}
	err := newRegistryT(t, "schema_lookup_strict", &fakeRegistry{byID: reg.byID, short: true}).handle(event(Record{Value: value}), &w)
	if err == nil || !strings.Contains(err.Error(), "get_schema_definition wrote") {
		t.Fatalf("short answer: %v", err)
	}
}

func TestSchemaRegister(t *testing.T) {
	reg := &fakeRegistry{}
	r := Record{Value: []byte("syntax = \"proto3\";"), Headers: []Header{
		{Key: []byte("sr.subject"), Value: []byte("s")}, {Key: []byte("sr.type"), Value: []byte("protobuf")},
		{Key: []byte("sr.refs"), Value: []byte("x.proto=x@2")},
	}}
	var w fakeWriter
	if err := newRegistryT(t, "schema_register", reg).handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	if got := headersOf(w.writes[0].r)["sr.id"]; got != "7" {
		t.Fatalf("sr.id %q", got)
	}
	c := reg.created["s"]
	if c.Type != typeProtobuf || c.Text != string(r.Value) || len(c.References) != 1 || c.References[0] != (Reference{"x.proto", "x", 2}) {
		t.Fatalf("registered %+v", c)
	}
	w = fakeWriter{}
	if err := newRegistryT(t, "schema_register", &fakeRegistry{fail: -2}).handle(event(r), &w); err != nil {
		t.Fatal(err)
	}
	if got := headersOf(w.writes[0].r)["sr.error"]; got != "create_subject_schema returned -2" {
		t.Fatalf("sr.error %q", got)
	}
	if err := newRegistryT(t, "schema_register", reg).handle(event(Record{Value: []byte("x")}), &w); err == nil {
		t.Fatal("no sr.subject: no error")
	}
}
