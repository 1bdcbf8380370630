//go:build !wasm

package smt

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTestHost(t *testing.T) {
	rec := Record{Headers: map[string][]byte{"in": []byte("hv")}}
	rec.SetValue([]byte("the-value"))
	SetTestRecord(&rec)
	defer SetTestRecord(nil)

	SetKey(Value())
	SetValue(bytes.ToUpper(AppendValue(nil)))
	SetHeader("out", Header("in"))
	SetTopic("t2")
	if Topic() != "t2" || string(Key()) != "the-value" || string(Value()) != "THE-VALUE" || string(rec.Headers["out"]) != "hv" {
		t.Fatalf("bad record %+v", rec)
	}

	got, err := GetRecord()
	if err != nil {
		t.Fatal(err)
	}
	got.HasKey = false
	got.Headers = nil
	SetRecord(got)
	if rec.HasKey || len(rec.Headers) != 0 || string(rec.Value) != "THE-VALUE" {
		t.Fatalf("bad record after SetRecord %+v", rec)
	}

	if err := TestResult(Error("boom")); err == nil || err.Error() != "boom" {
		t.Fatalf("TestResult(Error) = %v", err)
	}
	if err := TestResult(Result(nil)); err != nil {
		t.Fatal(err)
	}
	res := Errorf("n=%d", 3)
	if uint32(res)&errFlag == 0 || uint32(res)&^errFlag != 3 {
		t.Fatalf("bad packed length %#x", res)
	}
	if err := TestResult(res); err.Error() != "n=3" {
		t.Fatal(err)
	}
}

func TestTestHostExtensions(t *testing.T) {
	h := &TestHost{
		Partition: 3, HasPartition: true,
		TimestampMillis: 1700000000000, HasTimestamp: true,
		Params: map[string]string{"suffix": "-s", "empty": ""},
	}
	h.Record.SetValue([]byte("a,b"))
	h.Record.Headers = map[string][]byte{"z": nil, "secret": []byte("x"), "a": []byte("1")}

	err := h.Run(func() {
		if HasKey() || !HasHeader("secret") || HasHeader("nope") {
			t.Error("presence")
		}
		if names := HeaderNames(); !slices.Equal(names, []string{"a", "secret", "z"}) {
			t.Errorf("names %q", names)
		}
		RemoveHeader("secret")
		RemoveHeader("nope")
		if HasHeader("secret") {
			t.Error("secret still there")
		}
		SetKey([]byte("k"))
		if !HasKey() {
			t.Error("HasKey after SetKey")
		}
		if p, ok := Partition(); p != 3 || !ok {
			t.Errorf("partition %d %v", p, ok)
		}
		ts, ok := Timestamp()
		if !ok || ts.UnixMilli() != 1700000000000 || ts.Location() != time.UTC {
			t.Errorf("timestamp %v %v", ts, ok)
		}
		SetTimestamp(ts.Add(time.Second))
		if ms, _ := TimestampMillis(); ms != 1700000001000 {
			t.Errorf("timestamp after set %d", ms)
		}
		if s, ok := Param("suffix"); s != "-s" || !ok {
			t.Errorf("param %q %v", s, ok)
		}
		if s, ok := Param("empty"); s != "" || !ok {
			t.Errorf("empty param %q %v", s, ok)
		}
		if _, ok := Param("nope"); ok {
			t.Error("absent param present")
		}
		Logf(LevelWarn, "n=%d", 2)
		Drop()
		r, _ := GetRecord()
		for _, part := range bytes.Split(r.Value, []byte(",")) {
			r.SetValue(part)
			Emit(r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Dropped || len(h.Emitted) != 2 || string(h.Emitted[1].Value) != "b" || string(h.Emitted[0].Key) != "k" {
		t.Errorf("outputs: dropped %v, emitted %+v", h.Dropped, h.Emitted)
	}
	if _, ok := h.Record.Headers["secret"]; ok || h.TimestampMillis != 1700000001000 {
		t.Errorf("record %+v", h)
	}
	if len(h.Logs) != 1 || h.Logs[0] != (LogEntry{LevelWarn, "n=2"}) {
		t.Errorf("logs %+v", h.Logs)
	}

	// A failing call changes nothing but the logs.
	before := cloneRecord(h.Record)
	err = h.Run(func() uint64 {
		SetValue([]byte("changed"))
		Drop()
		Emit(Record{})
		SetTimestampMillis(5)
		Log(LevelInfo, "still logged")
		return Error("no")
	})
	if err == nil || err.Error() != "no" {
		t.Fatalf("error result: %v", err)
	}
	if h.Dropped || h.Emitted != nil || h.TimestampMillis != 1700000001000 || string(h.Record.Value) != string(before.Value) {
		t.Errorf("failed call left changes: %+v", h)
	}
	if len(h.Logs) != 2 {
		t.Errorf("logs %+v", h.Logs)
	}

	// A panic (here: reading an absent key; the real host fails the record)
	// is an error too, and so is a negative timestamp.
	h2 := &TestHost{}
	if err := h2.Run(func() { Key() }); err == nil || !strings.Contains(err.Error(), "no key") {
		t.Errorf("absent key: %v", err)
	}
	if err := h2.Run(func() { SetTimestampMillis(-1) }); err == nil || h2.HasTimestamp {
		t.Errorf("negative timestamp: %v", err)
	}
	if testHost != nil {
		t.Error("Run left its host installed")
	}
}

func TestErrorSlots(t *testing.T) {
	var res []uint64
	for _, m := range []string{"a", "bb", "ccc", "dddd"} {
		res = append(res, Error(m))
	}
	for i, m := range []string{"a", "bb", "ccc", "dddd"} {
		if err := TestResult(res[i]); err == nil || err.Error() != m {
			t.Errorf("result %d: %v", i, err)
		}
	}
}
