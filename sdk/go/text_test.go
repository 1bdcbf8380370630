package smt

import (
	"bytes"
	"testing"
)

func TestUpperASCIIMatchesTheByteRule(t *testing.T) {
	want := func(b []byte) []byte {
		out := bytes.Clone(b)
		for i, c := range out {
			if 'a' <= c && c <= 'z' {
				out[i] = c - 32
			}
		}
		return out
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	inputs := [][]byte{nil, []byte("a"), []byte("hello world, héllo wörld! `{@[az]}"), all}
	for shift := 0; shift < 9; shift++ { // every alignment of the word loop
		inputs = append(inputs, append(bytes.Repeat([]byte{'x'}, shift), all...))
	}
	for _, in := range inputs {
		got := UpperASCII(bytes.Clone(in))
		if !bytes.Equal(got, want(in)) {
			t.Fatalf("UpperASCII(%q) = %q, want %q", in, got, want(in))
		}
	}
}

func BenchmarkUpperASCII(b *testing.B) {
	buf := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz012345"), 32)
	for i := 0; i < b.N; i++ {
		UpperASCII(buf)
	}
}
