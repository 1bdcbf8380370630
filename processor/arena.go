package processor

// byteArena hands out the copies of the bytes guests set, carved from
// chunks of arenaChunk bytes: the values of 1 KiB messages then cost one
// allocation per 32 messages rather than one each, and the allocator's
// per-object work (most of a copy's cost after the copy itself) is paid
// once per chunk. Each copy is capped at its length (a full slice
// expression), so appending to one allocates anew and never writes into its
// neighbour's bytes; nothing else writes into a message's bytes (Benthos
// treats them as read-only: message.SetBytes takes the slice as the
// message's). A copy keeps its whole chunk alive while a message holds it,
// so chunks are small and large values get their own allocation.
type byteArena struct {
	chunk []byte // the chunk being carved: copies are made up to len, cap is free
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
		a.chunk, start = make([]byte, 0, arenaChunk), 0
	}
	end := start + len(b)
	a.chunk = append(a.chunk, b...)
	return a.chunk[start:end:end]
}
