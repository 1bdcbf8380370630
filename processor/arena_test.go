package processor

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArenaCopiesAreExactAndIndependent(t *testing.T) {
	var a byteArena
	var copies [][]byte
	var wants [][]byte
	// Sizes that fill a chunk exactly, cross into the next one, are empty,
	// and are too large to be carved.
	for i, size := range []int{1024, 0, 7, arenaMaxCopy, arenaChunk - 1024 - 7 - arenaMaxCopy, 1, arenaMaxCopy + 1, 3} {
		want := bytes.Repeat([]byte{byte('a' + i)}, size)
		got := a.copyOf(want)
		require.Equal(t, want, got, "copy %d (%d bytes)", i, size)
		require.NotNil(t, got, "an empty copy is an empty value, not an absent one")
		assert.Equal(t, len(got), cap(got), "copy %d has spare capacity another copy may own", i)
		copies, wants = append(copies, got), append(wants, bytes.Clone(want))
		if size > 0 {
			want[0] = 'Z' // the copy does not share the source
		}
	}
	require.Equal(t, wants, copies, "a copy changed with its source")
	// Writing into one copy, and appending to it, leaves every other copy as it was.
	for i, c := range copies {
		for j := range c {
			c[j] = '!'
		}
		copies[i] = append(c, "more"...)
		for k, other := range copies {
			if k > i {
				require.Equal(t, wants[k], other, "copy %d changed when copy %d was written", k, i)
			}
		}
	}
}

func TestArenaCarvesCopiesFromSharedChunks(t *testing.T) {
	var a byteArena
	value := make([]byte, 1024)
	allocs := testing.AllocsPerRun(10, func() {
		for range arenaChunk / len(value) {
			a.copyOf(value)
		}
	})
	assert.Equal(t, 1.0, allocs, "a chunk's worth of 1 KiB copies costs one allocation")
}
