package processor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// errPoolClosed is returned by get after the processor has closed.
var errPoolClosed = errors.New("wasm_smt processor is closed")

// worker is one guest instance with the record view it reuses for every call.
type worker struct {
	inst guest
	rec  *messageRecord // the record of a per-record ABI, reused for every call
	// recs and views are a batch-driven ABI's records, one per message of a
	// batch, reused from batch to batch.
	recs     []*messageRecord
	views    []record.Record
	selected []int          // indices of the messages handed over
	decoded  []decodedParts // their parts decoded before the call, by index in selected
	errs     []error        // each handed-over record's failure, or nil
	pool     *pool          // the pool it came from, and goes back to
	// pages is the instance's memory size last added to the memory gauge.
	pages int64
	calls uint32 // calls made, to time one in latencySampling
}

// latencySampling is how many calls there are per timed call. Reading the
// clock twice costs 25-70 ns on common virtual machines, as much as a call
// to a guest that does nothing; one call in 8 gives the same distribution.
const latencySampling = 8

// timeNextCall tells whether to time the call about to be made: every
// latencySampling-th call of the instance. Not its first: that one pays for
// the guest touching its memory for the first time (about a millisecond),
// and timing every instance's first call would skew the distribution.
func (w *worker) timeNextCall() bool {
	w.calls++
	return w.calls%latencySampling == 0
}

// pool holds up to max workers of one module: a wazero instance serves one
// goroutine at a time, and Benthos runs one processor on many threads.
//
// Workers are made on demand. A worker whose instance broke (a trap, a failed
// host call) is discarded, never returned. Closing is idempotent and safe
// against workers in use: they are closed when they come back, and the module
// when the last one has.
type pool struct {
	module  module
	fields  *recordFields
	metrics *smtMetrics
	idle    chan *worker  // workers ready for use
	slots   chan struct{} // one token per live worker, so at most cap(slots)
	// hot holds one idle worker outside the channel: with one pipeline
	// thread, or batches that come one after another, get and put are then
	// a single atomic swap each.
	hot atomic.Pointer[worker]

	mu sync.Mutex // guards live, and orders closing against making and idling
	// closed is written under mu but read without it where a put needs only
	// to know, so the put after every batch takes no lock.
	closed atomic.Bool
	live   int
}

func newPool(module module, fields *recordFields, max int, metrics *smtMetrics) *pool {
	return &pool{
		module:  module,
		fields:  fields,
		metrics: metrics,
		idle:    make(chan *worker, max),
		slots:   make(chan struct{}, max),
	}
}

// get returns an idle worker, makes one if fewer than max are live, or waits.
func (p *pool) get(ctx context.Context) (*worker, error) {
	if w := p.hot.Swap(nil); w != nil {
		return w, nil
	}
	for {
		select {
		case w := <-p.idle:
			return w, nil
		default:
		}
		select {
		case w := <-p.idle:
			return w, nil
		case p.slots <- struct{}{}:
			w, err := p.make(ctx)
			if err != nil {
				<-p.slots
				return nil, err
			}
			return w, nil
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for a wasm_smt instance: %w", ctx.Err())
		}
	}
}

func (p *pool) make(ctx context.Context) (*worker, error) {
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return nil, errPoolClosed
	}
	p.live++
	p.mu.Unlock()
	inst, err := p.module.instantiate(context.WithoutCancel(ctx))
	if err != nil {
		p.release()
		return nil, err
	}
	w := &worker{inst: inst, rec: newMessageRecord(p.fields), pool: p}
	p.metrics.instancesChanged(1)
	p.trackMemory(w)
	return w, nil
}

// trackMemory brings the memory gauge up to date with the worker's instance,
// whose memory only grows while it lives.
func (p *pool) trackMemory(w *worker) {
	if pages := int64(w.inst.MemoryPages()); pages != w.pages {
		p.metrics.pagesChanged(pages - w.pages)
		w.pages = pages
	}
}

// put returns a worker after use; a broken one is discarded instead.
func (p *pool) put(w *worker) {
	p.trackMemory(w)
	if w.inst.Broken() {
		p.discard(w)
		return
	}
	if p.hot.CompareAndSwap(nil, w) {
		// close may have drained hot just before: check again, so no worker
		// outlives the pool.
		if p.closed.Load() {
			if w := p.hot.Swap(nil); w != nil {
				p.discard(w)
			}
		}
		return
	}
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		p.discard(w)
		return
	}
	// Under the lock, so close cannot miss a worker put back as it drains.
	p.idle <- w // never blocks: at most cap(idle) workers are live
	p.mu.Unlock()
}

// discard closes a worker and frees its slot.
func (p *pool) discard(w *worker) {
	_ = w.inst.Close(context.Background())
	p.metrics.instancesChanged(-1)
	p.metrics.pagesChanged(-w.pages)
	<-p.slots
	p.release()
}

func (p *pool) release() {
	p.mu.Lock()
	p.live--
	last := p.closed.Load() && p.live == 0
	p.mu.Unlock()
	if last {
		_ = p.module.close(context.Background())
	}
}

// close stops new workers, closes the idle ones, and closes the module once
// the workers in use have come back. It may be called any number of times.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return
	}
	p.closed.Store(true)
	p.live++ // hold the module open while draining
	p.mu.Unlock()
	if w := p.hot.Swap(nil); w != nil {
		p.discard(w)
	}
	for drained := false; !drained; {
		select {
		case w := <-p.idle:
			p.discard(w)
		default:
			drained = true
		}
	}
	p.release()
}
