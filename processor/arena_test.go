package processor

import (
	"bytes"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArenaCopiesAreExactAndIndependent(t *testing.T) {
	a := byteArena{free: newChunkPool()}
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
	a := byteArena{free: newChunkPool()}
	value := make([]byte, 1024)
	allocs := testing.AllocsPerRun(10, func() {
		for range arenaChunk / len(value) {
			a.copyOf(value)
		}
	})
	assert.LessOrEqual(t, allocs, 1.0, "a chunk's worth of 1 KiB copies costs one allocation, or none for a reused chunk")
}

// A chunk goes back to be reused once nothing holds it; the race detector
// drops a quarter of what is put in a sync.Pool, so this tries a few chunks.
func TestChunksAreReusedOnceNothingHoldsThem(t *testing.T) {
	// addressOfNewChunk returns where a new chunk is and drops it.
	pool := newChunkPool()
	addressOfNewChunk := func() uintptr {
		c := pool.newChunk()
		return uintptr(unsafe.Pointer(unsafe.SliceData(c[:1])))
	}
	for range 20 {
		addr := addressOfNewChunk()
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			runtime.GC() // finds the chunk unreachable; its finalizer runs soon after
			for x := pool.free.Get(); x != nil; x = pool.free.Get() {
				if uintptr(unsafe.Pointer(x.(*chunk))) == addr {
					return
				}
			}
		}
	}
	t.Fatal("no chunk came back to be reused after nothing held it")
}

// A copy keeps its chunk from reuse: however many chunks are carved,
// dropped and collected meanwhile, its bytes stay as they were written.
func TestAChunkIsNotReusedWhileACopyIsHeld(t *testing.T) {
	a := byteArena{free: newChunkPool()}
	want := bytes.Repeat([]byte("held"), 250)
	held := a.copyOf(want)
	for i := range 40 {
		for range arenaChunk / len(want) {
			a.copyOf(bytes.Repeat([]byte{byte(i)}, len(want)))
		}
		runtime.GC()
		time.Sleep(time.Millisecond) // lets finalizers run
	}
	require.Equal(t, want, held)
}
