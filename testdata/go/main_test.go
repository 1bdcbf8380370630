//go:build !wasm

package main

import (
	"testing"

	smt "github.com/benthos-wasm/benthos-wasm/sdk/go"
)

// The conformance functions run natively against the SDK's test host; the
// real check is processor/conformance_test.go, over go.wasm.

func host(value string) *smt.TestHost {
	h := &smt.TestHost{}
	h.Record.SetTopic("foo")
	h.Record.SetKey([]byte("the-key"))
	h.Record.SetValue([]byte(value))
	return h
}

func TestToUpperAndReject(t *testing.T) {
	h := host("the-value")
	if err := h.Run(toUpper); err != nil || string(h.Record.Value) != "THE-VALUE" {
		t.Fatalf("to_upper: %v %q", err, h.Record.Value)
	}
	if err := h.Run(reject); err == nil || err.Error() != "rejected: THE-VALUE" {
		t.Fatalf("reject: %v", err)
	}
	if err := host("trap me").Run(upperOrTrap); err == nil {
		t.Fatal("upper_or_trap did not trap")
	}
}

func TestFilterAndFanOut(t *testing.T) {
	h := host("please drop")
	if err := h.Run(filter); err != nil || !h.Dropped {
		t.Fatalf("filter: %v %v", err, h.Dropped)
	}
	h = host("a,,b")
	if err := h.Run(fanOut); err != nil || !h.Dropped || len(h.Emitted) != 3 {
		t.Fatalf("fan_out: %v %+v", err, h)
	}
	for i, want := range []string{"a", "", "b"} {
		if e := h.Emitted[i]; string(e.Value) != want || !e.HasValue || string(e.Key) != "the-key" {
			t.Errorf("emitted %d: %+v", i, e)
		}
	}
}

func TestHeadersAndKey(t *testing.T) {
	h := host("x")
	h.Record.Headers = map[string][]byte{"b-h": []byte("1"), "a-h": []byte("2"), "secret": []byte("s")}
	if err := h.Run(listHeaders); err != nil || string(h.Record.Value) != "a-h,b-h,secret" {
		t.Fatalf("list_headers: %v %q", err, h.Record.Value)
	}
	if err := h.Run(removeHeader); err != nil || string(h.Record.Headers["removed"]) != "yes" || h.Record.Headers["secret"] != nil {
		t.Fatalf("remove_header: %v %q", err, h.Record.Headers)
	}
	if err := h.Run(removeHeader); err != nil || string(h.Record.Headers["removed"]) != "no" {
		t.Fatalf("remove_header again: %v %q", err, h.Record.Headers)
	}
	h.Record.HasKey = false
	if err := h.Run(hasKey); err != nil || string(h.Record.Value) != "no" {
		t.Fatalf("has_key: %v %q", err, h.Record.Value)
	}
}

func TestTimestampPartition(t *testing.T) {
	h := host("x")
	if err := h.Run(timestampPartition); err != nil || string(h.Record.Value) != "-1:-1" || h.HasTimestamp {
		t.Fatalf("without: %v %q", err, h.Record.Value)
	}
	h.Partition, h.HasPartition = 3, true
	h.TimestampMillis, h.HasTimestamp = 1700000000000, true
	if err := h.Run(timestampPartition); err != nil || string(h.Record.Value) != "3:1700000000000" || h.TimestampMillis != 1700000001000 {
		t.Fatalf("with: %v %q %d", err, h.Record.Value, h.TimestampMillis)
	}
}

func TestParamsAndLog(t *testing.T) {
	h := host("the-value")
	if err := h.Run(params); err == nil || err.Error() != "no suffix param" {
		t.Fatalf("params without: %v", err)
	}
	h.Params = map[string]string{"suffix": "-checked"}
	if err := h.Run(params); err != nil || string(h.Record.Value) != "the-value-checked" {
		t.Fatalf("params: %v %q", err, h.Record.Value)
	}
	if err := h.Run(logValue); err != nil || len(h.Logs) != 1 || h.Logs[0] != (smt.LogEntry{Level: smt.LevelInfo, Message: "log: the-value-checked"}) {
		t.Fatalf("log: %v %+v", err, h.Logs)
	}
}

func TestUpperIsASCII(t *testing.T) {
	h := host("abz-é\xff")
	if err := h.Run(toUpper); err != nil || string(h.Record.Value) != "ABZ-é\xff" {
		t.Fatalf("to_upper: %v %q", err, h.Record.Value)
	}
	h = host("abc")
	if err := h.Run(transform); err != nil || string(h.Record.Value) != "ABC" || string(h.Record.Key) != "abc" {
		t.Fatalf("transform: %v %+v", err, h.Record)
	}
}

func TestMaskJSONEmail(t *testing.T) {
	h := host(`{"user":"bob", "email":"\u00e9lo@example.com"}`)
	if err := h.Run(maskJSONEmail); err != nil || string(h.Record.Value) != `{"user":"bob", "email":"é***@example.com"}` {
		t.Fatalf("mask_json_email: %v %s", err, h.Record.Value)
	}
	if err := host(`{"email":1}`).Run(maskJSONEmail); err == nil || err.Error() != "mask_json_email: path email: a number, not a string" {
		t.Fatalf("mask_json_email of a number: %v", err)
	}
}
