package main

import (
	"bytes"
	"testing"
)

// The allocator and the upper-casing run natively; the module itself is
// checked by the host's tests over connect_go.wasm.

func TestHeapCounts(t *testing.T) {
	h := newHeap()
	if p := h.malloc(0); p != 0 {
		t.Fatalf("malloc(0) = %d, want 0", p)
	}
	a, b := h.malloc(5), h.malloc(1000)
	if a == 0 || b == 0 || a == b || h.bytes != 1005 || len(h.live) != 2 {
		t.Fatalf("after two mallocs: %d %d, %d bytes, %d blocks", a, b, h.bytes, len(h.live))
	}
	if got := h.block(a, 5); len(got) != 5 {
		t.Fatalf("block(a, 5) has %d bytes", len(got))
	}
	h.free(a)
	h.free(0)
	h.free(b)
	if h.bytes != 0 || len(h.live) != 0 {
		t.Fatalf("after the frees: %d bytes, %d blocks", h.bytes, len(h.live))
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s did not panic", what)
		}
	}()
	f()
}

func TestHeapRefusesBadPointers(t *testing.T) {
	h := newHeap()
	a := h.malloc(8)
	h.free(a)
	mustPanic(t, "a double free", func() { h.free(a) })
	mustPanic(t, "a foreign pointer", func() { h.free(12345) })
	b := h.malloc(8)
	mustPanic(t, "a block of another length", func() { h.block(b, 7) })
	if got := h.block(999, 0); len(got) != 0 {
		t.Fatal("an empty inbound buffer is not empty")
	}
}

func TestUpperASCII(t *testing.T) {
	in := []byte("abc-XYZ é\x00z")
	got := upperASCII(in)
	if !bytes.Equal(got, []byte("ABC-XYZ é\x00Z")) || string(in) != "abc-XYZ é\x00z" {
		t.Fatalf("upperASCII = %q (input now %q)", got, in)
	}
}
