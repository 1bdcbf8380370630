package kafka

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func committable(t *offsetTracker) int64 {
	n, ok := t.Committable()
	if !ok {
		return -1
	}
	return n
}

func TestTrackerInOrderAcks(t *testing.T) {
	tr := newOffsetTracker()
	_, ok := tr.Committable()
	assert.False(t, ok, "nothing acknowledged yet")
	for o := int64(0); o < 3; o++ {
		require.NoError(t, tr.Track(o))
	}
	assert.True(t, tr.Ack(0))
	assert.Equal(t, int64(1), committable(tr))
	assert.True(t, tr.Ack(1))
	assert.True(t, tr.Ack(2))
	assert.Equal(t, int64(3), committable(tr))
	assert.Equal(t, 0, tr.Pending())
}

func TestTrackerOutOfOrderAcksWaitForTheGap(t *testing.T) {
	tr := newOffsetTracker()
	for o := int64(10); o < 15; o++ {
		require.NoError(t, tr.Track(o))
	}
	assert.False(t, tr.Ack(12))
	assert.False(t, tr.Ack(14))
	assert.False(t, tr.Ack(11))
	assert.Equal(t, int64(-1), committable(tr), "10 is not acknowledged: nothing may be committed")
	assert.Equal(t, 5, tr.Pending())

	assert.True(t, tr.Ack(10), "closing the gap moves the committable offset")
	assert.Equal(t, int64(13), committable(tr), "10, 11, 12 are acknowledged; 13 is not")
	assert.Equal(t, 2, tr.Pending())

	assert.True(t, tr.Ack(13))
	assert.Equal(t, int64(15), committable(tr))
}

func TestTrackerOffsetGapsAreNotHoles(t *testing.T) {
	// Compaction and transaction markers leave offsets that are never read.
	tr := newOffsetTracker()
	for _, o := range []int64{3, 7, 8, 20} {
		require.NoError(t, tr.Track(o))
	}
	tr.Ack(7)
	tr.Ack(3)
	assert.Equal(t, int64(8), committable(tr), "3 and 7 acknowledged, the offsets between them were never read")
	tr.Ack(8)
	assert.Equal(t, int64(9), committable(tr), "20 is not acknowledged: commit up to 8 only")
	tr.Ack(20)
	assert.Equal(t, int64(21), committable(tr))
}

func TestTrackerIgnoresUnknownAndRepeatedAcks(t *testing.T) {
	tr := newOffsetTracker()
	require.NoError(t, tr.Track(0))
	require.NoError(t, tr.Track(1))
	assert.False(t, tr.Ack(5), "never tracked")
	assert.True(t, tr.Ack(0))
	assert.False(t, tr.Ack(0), "already in the acknowledged prefix")
	assert.Equal(t, int64(1), committable(tr))
	assert.True(t, tr.Ack(1))
	assert.False(t, tr.Ack(1))
	assert.Equal(t, int64(2), committable(tr))
}

func TestTrackerRejectsOffsetsGoingBack(t *testing.T) {
	tr := newOffsetTracker()
	require.NoError(t, tr.Track(5))
	assert.ErrorContains(t, tr.Track(5), "offsets of a partition must increase")
	assert.ErrorContains(t, tr.Track(4), "offset 4 tracked after offset 5")
}

func TestTrackerRandomAckOrderMatchesAModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 200; round++ {
		tr := newOffsetTracker()
		n := 1 + rng.Intn(50)
		offsets := make([]int64, n)
		next := int64(rng.Intn(3))
		for i := range offsets {
			offsets[i] = next
			require.NoError(t, tr.Track(next))
			next += 1 + int64(rng.Intn(3))
		}
		acked := make([]bool, n)
		for _, i := range rng.Perm(n) {
			tr.Ack(offsets[i])
			acked[i] = true
			// The model: one past the last offset of the acknowledged prefix.
			want := int64(-1)
			for j := 0; j < n && acked[j]; j++ {
				want = offsets[j] + 1
			}
			require.Equal(t, want, committable(tr), "round %d", round)
		}
		require.Equal(t, 0, tr.Pending())
	}
}

func TestTrackerMemoryStaysBounded(t *testing.T) {
	tr := newOffsetTracker()
	for o := int64(0); o < 100000; o++ {
		require.NoError(t, tr.Track(o))
		tr.Ack(o)
	}
	assert.Equal(t, int64(100000), committable(tr))
	assert.LessOrEqual(t, cap(tr.pending), 4, "acknowledged records must not pile up")
}
