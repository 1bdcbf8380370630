package kafka

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// topicPartition names a partition.
type topicPartition struct {
	topic     string
	partition int32
}

// partitionState is what the input keeps for a partition it owns. When the
// partition is revoked or lost, its state is dropped; acknowledgements that
// arrive later for it find a different state (or none) and are ignored.
type partitionState struct {
	tracker *offsetTracker
	// committed is the last offset committed for the partition, -1 if none.
	committed int64
	paused    bool
	// batcher and batched hold the records waiting for a batch to fill
	// (only with a batching policy).
	batcher *service.Batcher
	batched []int64
}

// ackableBatch is a batch ready for the pipeline with its acknowledgement,
// and the partition state it was read under.
type ackableBatch struct {
	batch service.MessageBatch
	ack   service.AckFunc
	tp    topicPartition
	st    *partitionState
}

// input is the kafka_franz input. A poll loop reads records, tracks each
// in its partition's offsetTracker and hands batches to ReadBatch; each
// batch's acknowledgement moves its partition's committable offset, and a
// commit loop commits those offsets every commit_period.
type input struct {
	opts            []kgo.Opt
	group           string
	multiHeader     bool // headers as lists of values (multi_header)
	replayNacks     bool // false: a rejected batch counts as done (dropped)
	commitPeriod    time.Duration
	checkpointLimit int
	batchPolicy     service.BatchPolicy
	res             *service.Resources
	log             *service.Logger

	mu      sync.Mutex // guards everything below
	client  *kgo.Client
	parts   map[topicPartition]*partitionState
	batches chan ackableBatch
	stop    context.CancelFunc
	done    chan struct{} // closed when the poll and commit loops have exited

	commitErrs repeatLog // commit failures, logged when they change
}

// Connect implements service.BatchInput.
func (in *input) Connect(ctx context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.client != nil {
		return nil
	}
	cl, err := newClient(ctx, in.opts)
	if err != nil {
		return err
	}
	loopCtx, stop := context.WithCancel(context.Background())
	in.client, in.stop, in.done = cl, stop, make(chan struct{})
	in.batches = make(chan ackableBatch)
	in.parts = map[topicPartition]*partitionState{}

	var loops sync.WaitGroup
	loops.Add(1)
	go func() {
		defer loops.Done()
		in.pollLoop(loopCtx, cl, in.batches)
	}()
	if in.group != "" {
		loops.Add(1)
		go func() {
			defer loops.Done()
			in.commitLoop(loopCtx, cl)
		}()
	}
	go func(done chan struct{}) {
		loops.Wait()
		close(done)
	}(in.done)
	return nil
}

// pollLoop reads records until ctx is canceled.
func (in *input) pollLoop(ctx context.Context, cl *kgo.Client, out chan<- ackableBatch) {
	var lastClientErr string // the last client-level fetch error logged
	for {
		pollCtx, cancel := ctx, context.CancelFunc(func() {})
		if wait, ok := in.nextBatchFlush(); ok {
			pollCtx, cancel = context.WithTimeout(ctx, wait)
		}
		fetches := cl.PollFetches(pollCtx)
		cancel()
		if fetches.IsClientClosed() || ctx.Err() != nil {
			in.allowRebalance(cl)
			return
		}
		clientErr := false
		fetches.EachError(func(topic string, partition int32, err error) {
			switch {
			case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
			case topic == "":
				clientErr = true
				// An error of the client, not of a partition (joining the
				// group while a broker is down): logged when it changes,
				// not on every retry.
				if msg := err.Error(); msg != lastClientErr {
					lastClientErr = msg
					in.log.Warnf("Fetching: %v", err)
				} else {
					in.log.Debugf("Fetching: %v", err)
				}
			default:
				in.log.Warnf("Fetching topic %s partition %d: %v", topic, partition, err)
			}
		})
		if !clientErr && fetches.NumRecords() > 0 {
			lastClientErr = "" // working again: the next error is news
		}
		ready := in.track(ctx, cl, fetches)
		ready = append(ready, in.flushDue(ctx)...)
		in.allowRebalance(cl)
		for _, b := range ready {
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}
}

func (in *input) allowRebalance(cl *kgo.Client) {
	if in.group != "" {
		cl.AllowRebalance()
	}
}

// track registers the fetched records with their partitions' trackers,
// pausing a partition past checkpoint_limit, and returns the batches ready
// for the pipeline. Pausing and resuming happen under in.mu, so the paused
// flag always says what franz-go does (franz-go calls no code of ours while
// holding the locks these calls take).
func (in *input) track(ctx context.Context, cl *kgo.Client, fetches kgo.Fetches) []ackableBatch {
	in.mu.Lock()
	defer in.mu.Unlock()
	var ready []ackableBatch
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		tp := topicPartition{p.Topic, p.Partition}
		st := in.partitionLocked(tp)
		for _, r := range p.Records {
			if err := st.tracker.Track(r.Offset); err != nil {
				// The partition was read again from an earlier offset (a
				// reset): start over, ignoring acks of what came before.
				in.log.Warnf("Topic %s partition %d: %v; tracking it afresh", tp.topic, tp.partition, err)
				in.dropLocked(tp)
				st = in.partitionLocked(tp)
				_ = st.tracker.Track(r.Offset)
			}
			msg := in.toMessage(r, p.HighWatermark)
			if st.batcher == nil {
				ready = append(ready, in.ackable(tp, st, service.MessageBatch{msg}, []int64{r.Offset}))
				continue
			}
			st.batched = append(st.batched, r.Offset)
			if st.batcher.Add(msg) {
				ready = append(ready, in.flushLocked(ctx, tp, st)...)
			}
		}
		if st.tracker.Pending() >= in.checkpointLimit && !st.paused {
			st.paused = true
			cl.PauseFetchPartitions(map[string][]int32{tp.topic: {tp.partition}})
		}
	})
	return ready
}

// toMessage turns a fetched record into a message, as multi_header says.
func (in *input) toMessage(r *kgo.Record, highWatermark int64) *service.Message {
	if in.multiHeader {
		return multiHeaderMessage(r, highWatermark)
	}
	return recordToMessage(r, highWatermark)
}

// partitionLocked returns the state of tp, making it on first use.
func (in *input) partitionLocked(tp topicPartition) *partitionState {
	st := in.parts[tp]
	if st == nil {
		st = &partitionState{tracker: newOffsetTracker(), committed: -1}
		if !in.batchPolicy.IsNoop() {
			b, err := in.batchPolicy.NewBatcher(in.res)
			if err != nil {
				// The policy was checked when the config was parsed.
				in.log.Errorf("Field %s: %v; records of topic %s partition %d go unbatched", fieldBatching, err, tp.topic, tp.partition)
			} else {
				st.batcher = b
			}
		}
		in.parts[tp] = st
	}
	return st
}

// dropLocked forgets tp: later acknowledgements for it are ignored.
func (in *input) dropLocked(tp topicPartition) {
	if st := in.parts[tp]; st != nil && st.batcher != nil {
		_ = st.batcher.Close(context.Background())
	}
	delete(in.parts, tp)
}

// flushLocked empties st's batcher into a batch for the pipeline.
func (in *input) flushLocked(ctx context.Context, tp topicPartition, st *partitionState) []ackableBatch {
	batch, err := st.batcher.Flush(ctx)
	offsets := st.batched
	st.batched = nil
	if err != nil {
		in.log.Errorf("Batching topic %s partition %d: %v", tp.topic, tp.partition, err)
	}
	if len(batch) == 0 {
		// Nothing will acknowledge these records: let the next ones pass.
		for _, o := range offsets {
			st.tracker.Ack(o)
		}
		return nil
	}
	return []ackableBatch{in.ackable(tp, st, batch, offsets)}
}

// nextBatchFlush returns how long until the first batching period ends.
func (in *input) nextBatchFlush() (time.Duration, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	var next time.Duration
	found := false
	for _, st := range in.parts {
		if st.batcher == nil || len(st.batched) == 0 {
			continue
		}
		if d, ok := st.batcher.UntilNext(); ok && (!found || d < next) {
			next, found = d, true
		}
	}
	if found && next < time.Millisecond {
		next = time.Millisecond
	}
	return next, found
}

// flushDue flushes the batchers whose period has ended.
func (in *input) flushDue(ctx context.Context) []ackableBatch {
	in.mu.Lock()
	defer in.mu.Unlock()
	var ready []ackableBatch
	for tp, st := range in.parts {
		if st.batcher == nil || len(st.batched) == 0 {
			continue
		}
		// A batcher whose period has ended reports 1ns left.
		if d, ok := st.batcher.UntilNext(); ok && d <= time.Nanosecond {
			ready = append(ready, in.flushLocked(ctx, tp, st)...)
		}
	}
	return ready
}

// ackable pairs a batch with the acknowledgement of its records.
func (in *input) ackable(tp topicPartition, st *partitionState, batch service.MessageBatch, offsets []int64) ackableBatch {
	return ackableBatch{tp: tp, st: st, batch: batch, ack: func(_ context.Context, err error) error {
		if err != nil && in.replayNacks {
			// AutoRetryNacksBatched retries rejected batches and reports
			// deliveries only: an error here means no delivery, so the
			// records stay uncommitted.
			return nil
		}
		// Delivered, or rejected with auto_replay_nacks off (dropped).
		in.ack(tp, st, offsets)
		return nil
	}}
}

// ack marks records of tp as delivered, if st is still tp's state, and
// resumes tp if it was paused and is back under checkpoint_limit.
func (in *input) ack(tp topicPartition, st *partitionState, offsets []int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.parts[tp] != st {
		return // revoked or lost since it was read: its next owner reads it again
	}
	for _, o := range offsets {
		st.tracker.Ack(o)
	}
	if st.paused && st.tracker.Pending() < in.checkpointLimit && in.client != nil {
		st.paused = false
		in.client.ResumeFetchPartitions(map[string][]int32{tp.topic: {tp.partition}})
	}
}

// ReadBatch implements service.BatchInput.
func (in *input) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	in.mu.Lock()
	batches, done := in.batches, in.done
	in.mu.Unlock()
	if batches == nil {
		return nil, nil, service.ErrNotConnected
	}
	for {
		select {
		case b := <-batches:
			if !in.owns(b.tp, b.st) {
				// Revoked or lost since it was read (a batch waits here
				// while the rebalance goes on): its next owner reads it
				// again from the committed offset, so handing it on would
				// only deliver it twice.
				continue
			}
			return b.batch, b.ack, nil
		case <-done:
			return nil, nil, service.ErrNotConnected
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

// owns reports whether st is still the state of tp: the partition was not
// revoked or lost since st was made.
func (in *input) owns(tp topicPartition, st *partitionState) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.parts[tp] == st
}

// Close implements service.BatchInput. Benthos calls it once every
// acknowledgement has arrived: it commits them, then leaves the group.
func (in *input) Close(ctx context.Context) error {
	in.mu.Lock()
	cl, stop, done := in.client, in.stop, in.done
	in.client, in.batches = nil, nil
	in.mu.Unlock()
	if cl == nil {
		return nil
	}
	stop()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if in.group != "" {
		in.commit(ctx, cl, nil)
	}
	cl.CloseAllowingRebalance()
	in.mu.Lock()
	for tp := range in.parts {
		in.dropLocked(tp)
	}
	in.mu.Unlock()
	return nil
}
