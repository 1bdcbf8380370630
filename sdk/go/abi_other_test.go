//go:build !wasm

package smt

import (
	"bytes"
	"testing"
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
