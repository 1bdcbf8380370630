package processor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// ProcessBatch runs the guest function over each message of the batch that
// passes check, with one instance checked out for the whole batch. The batch
// comes back as it went in, unless a guest dropped or emitted records; a
// batch with nothing left comes back as no batch at all.
func (p *wasmSMT) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	w, err := p.worker(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm_smt %s: %w", p.label, err)
	}
	var counts batchCounts
	defer p.metrics.record(&counts)
	check := p.checkOf(batch)
	out := batchBuilder{in: batch}
	if _, ok := w.inst.(batchGuest); ok {
		w = p.runBatchGuest(ctx, w, batch, check, &out, &counts)
		if w != nil {
			w.pool.put(w)
		}
		return out.result(), nil
	}
	var noInstance error // set when a broken instance could not be replaced
	for i, msg := range batch {
		if noInstance != nil {
			msg.SetError(noInstance)
			counts.failed(kindInstance)
			out.keep(i)
			continue
		}
		if check != nil && !passes(check, i, msg, &counts) {
			out.keep(i)
			continue
		}
		decoded, ok := p.schemasReady(ctx, msg, &counts)
		if !ok {
			out.keep(i)
			continue
		}
		callErr := p.run(ctx, w, msg, decoded, &counts)
		if callErr == nil {
			out.commit(i, w.rec)
			continue
		}
		out.keep(i) // flagged with callErr, otherwise as it came in
		if w.inst.Broken() {
			w, noInstance = p.replaceBroken(ctx, w, callErr)
		}
	}
	if w != nil {
		w.pool.put(w)
	}
	return out.result(), nil
}

// run calls the guest function on msg. On success the call's writes wait in
// w.rec for the caller to commit; on failure msg is flagged with the error
// and is otherwise as it was.
func (p *wasmSMT) run(ctx context.Context, w *worker, msg *service.Message, decoded decodedParts, counts *batchCounts) error {
	counts.calls++
	w.rec.reset(msg)
	w.rec.useDecoded(decoded)
	span := p.startSpan(msg)
	err := p.call(ctx, w)
	if err == nil {
		counts.succeeded(w.rec)
		endSpan(span, w.rec.outcome(), nil)
		return nil
	}
	w.rec.reset(nil) // forget the failed call's writes
	kind := callErrorKind(err)
	counts.failed(kind)
	endSpan(span, kind, err)
	msg.SetError(fmt.Errorf("wasm_smt: %w", callError(err)))
	if !w.inst.Broken() {
		p.log.Debugf("record failed: %v", err)
	}
	return err
}

// call runs the guest function on the worker's record, timing one call in
// latencySampling.
func (p *wasmSMT) call(ctx context.Context, w *worker) error {
	g := w.inst.(recordGuest)
	if !w.timeNextCall() {
		return g.call(ctx, w.rec)
	}
	start := time.Now()
	err := g.call(ctx, w.rec)
	p.metrics.latency.Timing(time.Since(start).Nanoseconds(), p.metrics.labels...)
	return err
}

// schemasReady gets the schemas of msg's parts and decodes them (see
// recordFields.prepare). A message whose parts cannot be decoded is flagged
// with the error, counted, and not handed to the guest.
func (p *wasmSMT) schemasReady(ctx context.Context, msg *service.Message, counts *batchCounts) (decodedParts, bool) {
	decoded, err := p.cfg.fields.prepare(ctx, msg)
	if err == nil {
		return decoded, true
	}
	msg.SetError(fmt.Errorf("wasm_smt: %w", err))
	counts.failed(kindSchema)
	var regErr *schemaregistry.Error
	if errors.As(err, &regErr) && (regErr.Unreachable() || regErr.StatusCode >= 500) {
		// The registry's trouble, not the record's: operators must see it.
		p.log.Warnf("record not handed to the guest: %v", err)
	} else {
		p.log.Debugf("record not handed to the guest: %v", err)
	}
	return decodedParts{}, false
}

// errNoInstance marks the messages of a batch left without an instance.
var errNoInstance = errors.New("replacing a failed instance")

// replaceBroken discards a worker whose instance broke (the guest's state
// is undefined after a trap) and checks out a fresh one. When none can be
// had it returns the error that the rest of the batch is flagged with.
func (p *wasmSMT) replaceBroken(ctx context.Context, broken *worker, cause error) (*worker, error) {
	p.log.Warnf("instance replaced after: %v", cause)
	broken.pool.put(broken) // put discards a broken instance
	w, err := p.worker(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm_smt %s: %w: %w", p.label, errNoInstance, err)
	}
	return w, nil
}

// batchBuilder collects what ProcessBatch returns. While every message stays
// in place, the common case, the output is the input batch itself and
// nothing is allocated; the first call that drops or emits records starts a
// new batch holding the messages before it.
type batchBuilder struct {
	in  service.MessageBatch
	out service.MessageBatch // nil until the batch changes shape
}

// keep passes message i on in its place, as it is now.
func (b *batchBuilder) keep(i int) {
	if b.out != nil {
		b.out = append(b.out, b.in[i])
	}
}

// commit applies a successful call's writes to message i and passes on
// what the call left: the message unless dropped, then any emitted records.
func (b *batchBuilder) commit(i int, rec *messageRecord) {
	if b.out == nil && rec.changesBatch() {
		b.out = append(make(service.MessageBatch, 0, len(b.in)), b.in[:i]...)
	}
	if b.out != nil {
		b.out = rec.commit(b.out)
	} else {
		rec.commitInPlace()
	}
}

// result is the batches to return: none when nothing is left (every record
// dropped), which is what Benthos's own processors return, so a tests:
// block sees no batch rather than an empty one.
func (b *batchBuilder) result() []service.MessageBatch {
	out := b.in
	if b.out != nil {
		out = b.out
	}
	if len(out) == 0 {
		return nil
	}
	return []service.MessageBatch{out}
}
