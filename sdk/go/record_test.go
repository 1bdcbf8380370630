package smt

import "testing"

func TestEncodeRecordExactJSON(t *testing.T) {
	r := Record{Headers: map[string][]byte{"h": []byte("hv")}}
	r.SetTopic("t")
	r.SetKey([]byte{})
	r.SetValue([]byte("the-value"))
	got := string(encodeRecord(r))
	want := `{"headers":{"h":"aHY="},"topic":"t","key":"","value":"dGhlLXZhbHVl"}`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	if got := string(encodeRecord(Record{})); got != `{}` {
		t.Fatalf("absent everything: got %s", got)
	}
}

func TestDecodeRecord(t *testing.T) {
	r, err := decodeRecord([]byte(`{"headers":{"a":"","b":"eA=="},"topic":"","value":"dGhlLXZhbHVl"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.HasKey || !r.HasValue || !r.HasTopic || r.Topic != "" || string(r.Value) != "the-value" {
		t.Fatalf("bad record %+v", r)
	}
	if v, ok := r.Headers["a"]; !ok || len(v) != 0 || string(r.Headers["b"]) != "x" {
		t.Fatalf("bad headers %q", r.Headers)
	}
	if r, err := decodeRecord([]byte(`{"key":"eA==","future":{"x":1}}`)); err != nil || string(r.Key) != "x" {
		t.Fatalf("unknown field: %+v %v", r, err)
	}
	for _, bad := range []string{
		`{"key":"!!"}`, `{"value":1}`, `{"headers":{"a":"%"}}`, `{} {}`, `[`,
	} {
		if _, err := decodeRecord([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
