package kafka

import (
	"fmt"
	"sort"
)

// offsetTracker follows the records of one partition from the moment they
// are read until the output acknowledges them, and says up to where the
// partition may be committed: the offset after the last record of the
// longest acknowledged prefix. Acknowledgements may arrive in any order (a
// pipeline with several threads finishes messages out of order); a record
// acknowledged before an earlier one waits until the gap closes.
//
// Offsets must be tracked in increasing order, as a partition is read; they
// need not be contiguous (compaction and transaction markers leave gaps).
// An offsetTracker is not safe for concurrent use: its owner locks.
type offsetTracker struct {
	// pending holds the tracked records not yet in the acknowledged prefix,
	// in read order.
	pending []trackedOffset
	// next is the offset to commit: one past the last record of the
	// acknowledged prefix, or -1 while no record has been acknowledged.
	next int64
	// last is the last offset tracked, -1 before the first.
	last int64
}

type trackedOffset struct {
	offset int64
	acked  bool
}

func newOffsetTracker() *offsetTracker {
	return &offsetTracker{next: -1, last: -1}
}

// Track adds a record that was read. Offsets must increase.
func (t *offsetTracker) Track(offset int64) error {
	if offset <= t.last {
		return fmt.Errorf("offset %d tracked after offset %d: offsets of a partition must increase", offset, t.last)
	}
	t.last = offset
	t.pending = append(t.pending, trackedOffset{offset: offset})
	return nil
}

// Ack marks the record at offset as delivered. It reports whether the
// committable offset moved. Acknowledging an offset twice, or one that was
// never tracked, changes nothing.
func (t *offsetTracker) Ack(offset int64) bool {
	i := sort.Search(len(t.pending), func(i int) bool { return t.pending[i].offset >= offset })
	if i == len(t.pending) || t.pending[i].offset != offset {
		return false
	}
	t.pending[i].acked = true
	if i != 0 {
		return false
	}
	n := 0
	for n < len(t.pending) && t.pending[n].acked {
		n++
	}
	t.next = t.pending[n-1].offset + 1
	// Re-slicing keeps the array; append copies only the live records when
	// it grows, so memory stays bounded by the records in flight.
	t.pending = t.pending[n:]
	return true
}

// Committable returns the offset to commit (one past the last record of the
// acknowledged prefix) and false while no record has been acknowledged.
func (t *offsetTracker) Committable() (int64, bool) {
	return t.next, t.next >= 0
}

// Pending returns how many tracked records wait for an acknowledgement or
// for an earlier record's.
func (t *offsetTracker) Pending() int { return len(t.pending) }
