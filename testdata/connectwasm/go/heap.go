package main

import "unsafe"

// heap is the allocator behind the malloc and free exports: each block is a
// Go slice kept in a map by its address, so memory handed to the host stays
// reachable (Go's garbage collector does not move it) until free.
type heap struct {
	live  map[uint32][]byte
	bytes int
}

func newHeap() *heap { return &heap{live: map[uint32][]byte{}} }

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

// malloc returns the address of n new bytes, or 0 for n == 0 (as TinyGo's
// malloc does).
func (h *heap) malloc(n uint32) uint32 {
	if n == 0 {
		return 0
	}
	b := make([]byte, n)
	p := addr(b)
	h.live[p] = b
	h.bytes += int(n)
	return p
}

// free releases a block; free(0) does nothing (as TinyGo's); any other
// address that is not a live block panics (TinyGo: "free: invalid pointer").
func (h *heap) free(p uint32) {
	if p == 0 {
		return
	}
	b, ok := h.live[p]
	if !ok {
		panic("free: invalid pointer")
	}
	delete(h.live, p)
	h.bytes -= len(b)
}

// block returns the live block at p, which must hold exactly n bytes: what
// the host hands over must come from malloc. n == 0 gives an empty slice
// whatever p is.
func (h *heap) block(p, n uint32) []byte {
	if n == 0 {
		return []byte{}
	}
	b, ok := h.live[p]
	if !ok || len(b) != int(n) {
		panic("the host's buffer is not a live block from malloc of that length")
	}
	return b
}

// upperASCII returns a new slice: b with its ASCII letters upper-cased.
func upperASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
