package smt

import (
	"bytes"
	"slices"
	"testing"
)

func TestHeaderNamesBuffer(t *testing.T) {
	for _, names := range [][]string{{}, {""}, {"a"}, {"a-h", "b-h", "ü"}} {
		b := encodeHeaderNames(names)
		got, err := decodeHeaderNames(b)
		if err != nil || !slices.Equal(got, names) || got == nil {
			t.Errorf("%q: got %q, %v", names, got, err)
		}
	}
	if b := encodeHeaderNames(nil); !bytes.Equal(b, []byte{0, 0, 0, 0}) {
		t.Errorf("no names: % x", b)
	}
	if b := encodeHeaderNames([]string{"ab"}); !bytes.Equal(b, []byte{1, 0, 0, 0, 2, 0, 0, 0, 'a', 'b'}) {
		t.Errorf("one name: % x", b)
	}
	for _, bad := range [][]byte{
		nil,
		{1, 0, 0},
		{1, 0, 0, 0},                            // count 1, no name
		{1, 0, 0, 0, 3, 0, 0, 0, 'a', 'b'},      // name shorter than its length
		{1, 0, 0, 0, 1, 0, 0, 0, 'a', 'b'},      // trailing byte
		{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0},    // huge count
		{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0}, // huge length
	} {
		if names, err := decodeHeaderNames(bad); err == nil {
			t.Errorf("% x: no error, got %q", bad, names)
		}
	}
}

func TestLogLevelString(t *testing.T) {
	for l, want := range map[LogLevel]string{-1: "debug", 0: "debug", 1: "info", 2: "warn", 3: "error", 9: "error"} {
		if l.String() != want {
			t.Errorf("%d: %s", l, l.String())
		}
	}
}
