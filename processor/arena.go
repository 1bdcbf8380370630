package processor

import (
	"runtime"
	"sync"
)

// byteArena hands out the copies of the bytes guests set, carved from
// chunks of arenaChunk bytes: the values of 1 KiB messages then cost one
// allocation per 32 messages rather than one each, and the allocator's
// per-object work is paid once per chunk. Each copy is capped at its length
// (a full slice expression), so appending to one allocates anew and never
// writes into its neighbour's bytes; nothing else writes into a message's
// bytes (Benthos treats them as read-only: message.SetBytes takes the slice
// as the message's). A copy keeps its whole chunk alive while a message
// holds it, so chunks are small and large values get their own allocation.
//
// Chunks are also reused once no message holds any of their copies (see
// newChunk): in a pipeline whose live heap is small, the garbage collector's
// work grows with every byte allocated, and a new value for every message
// was most of what a value round trip cost.
type byteArena struct {
	chunk []byte     // the chunk being carved: copies are made up to len, cap is free
	free  *chunkPool // where chunks come from and go back to: the processor's
}

const (
	// arenaChunk is the size of a chunk: 32 values of 1 KiB. It is the
	// largest size the allocator serves from its per-thread caches; 16 and
	// 64 KiB measured the same (BenchmarkRoundTrip), and a smaller chunk
	// keeps less memory alive for a message that outlives its neighbours.
	arenaChunk = 32 << 10
	// arenaMaxCopy is the largest copy carved from a chunk: a larger one gets
	// its own allocation, so a chunk holds at least eight copies and wastes at
	// most this much at its end.
	arenaMaxCopy = 4 << 10
)

// copyOf returns a copy of b that nothing else shares, with no spare
// capacity.
func (a *byteArena) copyOf(b []byte) []byte {
	if len(b) > arenaMaxCopy {
		c := make([]byte, len(b)) // make then copy: the compiler skips zeroing it
		copy(c, b)
		return c
	}
	start := len(a.chunk)
	if start+len(b) > cap(a.chunk) {
		// The rest of the old chunk is left to the copies that hold it.
		a.chunk, start = a.free.newChunk(), 0
	}
	end := start + len(b)
	a.chunk = append(a.chunk, b...)
	return a.chunk[start:end:end]
}

// chunk is the memory of one chunk: an array, so that the finalizer that
// recycles it is set on the allocation itself.
type chunk = [arenaChunk]byte

// chunkPool holds chunks that no message holds any more, one per processor
// (in its recordFields). A sync.Pool, so that chunks left unused through
// two garbage collections (after a burst) are freed.
type chunkPool struct {
	free    sync.Pool
	recycle func(*chunk) // the finalizer of its chunks, made once: a method value would allocate per chunk
}

func newChunkPool() *chunkPool {
	p := &chunkPool{}
	p.recycle = func(c *chunk) { p.free.Put(c) }
	return p
}

// newChunk returns an empty chunk: a free one if there is one (its old
// bytes are never shown: copies expose only what they were written), else a
// new one. Either way the chunk goes back to the pool once it becomes
// unreachable, that is once no message, record or anything else holds a
// slice of it: the garbage collector then runs recycleChunk instead of
// freeing it. A finalizer, not runtime.AddCleanup, because only a finalizer
// gets the object back. Handing the chunk from the finalizer goroutine to a
// record orders every earlier access to the chunk before its reuse (the
// race detector treats the finalizer goroutine as synchronised with every
// goroutine).
func (p *chunkPool) newChunk() []byte {
	c, _ := p.free.Get().(*chunk)
	if c == nil {
		c = new(chunk)
	}
	runtime.SetFinalizer(c, p.recycle)
	return c[:0]
}
