package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// commitLoop commits acknowledged offsets every commit period.
func (in *input) commitLoop(ctx context.Context, cl *kgo.Client) {
	tick := time.NewTicker(in.commitPeriod)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			in.commit(ctx, cl, nil)
		case <-ctx.Done():
			return
		}
	}
}

// commit commits the committable offsets of the partitions in only (every
// owned partition when only is nil) that moved since their last commit.
func (in *input) commit(ctx context.Context, cl *kgo.Client, only map[string][]int32) {
	offsets := in.committable(only)
	if len(offsets) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, in.commitPeriod+10*time.Second)
	defer cancel()
	cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			in.commitErrs.warn(in.log, fmt.Sprintf("Committing offsets of consumer group %s: %v", in.group, err))
			return
		}
		in.commitErrs.reset()
		in.mu.Lock()
		defer in.mu.Unlock()
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				tp := topicPartition{t.Topic, p.Partition}
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					in.log.Warnf("Committing topic %s partition %d for consumer group %s: %v", tp.topic, tp.partition, in.group, err)
					continue
				}
				if st := in.parts[tp]; st != nil {
					st.committed = max(st.committed, offsets[tp.topic][tp.partition].Offset)
				}
			}
		}
	})
}

// committable collects the offsets that moved since their last commit.
func (in *input) committable(only map[string][]int32) map[string]map[int32]kgo.EpochOffset {
	in.mu.Lock()
	defer in.mu.Unlock()
	offsets := map[string]map[int32]kgo.EpochOffset{}
	add := func(tp topicPartition, st *partitionState) {
		n, ok := st.tracker.Committable()
		if !ok || n <= st.committed {
			return
		}
		if offsets[tp.topic] == nil {
			offsets[tp.topic] = map[int32]kgo.EpochOffset{}
		}
		offsets[tp.topic][tp.partition] = kgo.EpochOffset{Epoch: -1, Offset: n}
	}
	if only == nil {
		for tp, st := range in.parts {
			add(tp, st)
		}
		return offsets
	}
	for topic, partitions := range only {
		for _, p := range partitions {
			tp := topicPartition{topic, p}
			if st := in.parts[tp]; st != nil {
				add(tp, st)
			}
		}
	}
	return offsets
}

// onAssigned starts newly assigned partitions with no state: whatever an
// earlier ownership left is stale.
func (in *input) onAssigned(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	in.forget(nil, assigned)
}

// onRevoked commits what was acknowledged of the revoked partitions, then
// forgets them: the next owner reads on from the committed offsets. With the
// cooperative balancer only the partitions that move are revoked, and at
// the end of a session that revokes nothing franz-go passes nil: then every
// owned partition is committed and none forgotten. onAssigned likewise gets
// only the newly added partitions, so kept ones keep their state.
func (in *input) onRevoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	in.commit(ctx, cl, revoked)
	in.forget(cl, revoked)
}

// onLost forgets lost partitions: a commit would fail, the group has
// moved on.
func (in *input) onLost(_ context.Context, cl *kgo.Client, lost map[string][]int32) {
	in.forget(cl, lost)
}

// forget drops the state of the given partitions, resuming any paused one
// so that a later assignment fetches it.
func (in *input) forget(cl *kgo.Client, partitions map[string][]int32) {
	in.mu.Lock()
	defer in.mu.Unlock()
	resume := map[string][]int32{}
	for topic, ps := range partitions {
		for _, p := range ps {
			tp := topicPartition{topic, p}
			if st := in.parts[tp]; st != nil && st.paused {
				resume[topic] = append(resume[topic], p)
			}
			in.dropLocked(tp)
		}
	}
	if cl != nil && len(resume) > 0 {
		cl.ResumeFetchPartitions(resume)
	}
}
