package smt

import "encoding/binary"

// UpperASCII upper-cases the ASCII letters of b in place and returns b; every
// other byte, including those of non-ASCII UTF-8 characters, is left alone.
//
// It works eight bytes at a time: Go's WebAssembly for a byte-by-byte loop
// costs several nanoseconds per byte, which dominates a transform of a
// 1 KiB value.
func UpperASCII(b []byte) []byte {
	const (
		lowBits  = 0x7f7f7f7f7f7f7f7f
		highBits = 0x8080808080808080
		fromA    = 0x1f1f1f1f1f1f1f1f // 0x80 - 'a' in each byte
		pastZ    = 0x0505050505050505 // 0x80 - ('z'+1) in each byte
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		low := x & lowBits
		// A byte's high bit: set in low+fromA when it is >= 'a', in
		// low+pastZ when it is > 'z' (seven-bit sums never carry into the
		// next byte); x's own high bit marks non-ASCII bytes.
		lower := (low + fromA) &^ (low + pastZ) &^ x & highBits
		binary.LittleEndian.PutUint64(b[i:], x^(lower>>2))
	}
	for ; i < len(b); i++ {
		if c := b[i]; 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return b
}
