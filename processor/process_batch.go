package processor

import (
	"context"
	"errors"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
	"go.opentelemetry.io/otel/trace"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
)

// runBatchGuest runs a batch-driven guest (Data Transforms) over the
// messages of batch that pass check. They are handed over as one transform
// batch; when the guest dies on a record, that record alone is flagged, the
// instance is replaced, and the records after it are handed to the fresh
// one. The output is built in message order into out. It returns the worker
// to put back, or nil when no fresh instance could be had.
func (p *wasmSMT) runBatchGuest(ctx context.Context, w *worker, batch service.MessageBatch,
	check *service.MessageBatchBloblangExecutor, out *batchBuilder, counts *batchCounts) *worker {
	w.selected, w.decoded = w.selected[:0], w.decoded[:0]
	for i, msg := range batch {
		if check != nil && !passes(check, i, msg, counts) {
			continue
		}
		if decoded, ok := p.schemasReady(ctx, msg, counts); ok {
			w.selected = append(w.selected, i)
			w.decoded = append(w.decoded, decoded)
		}
	}
	// These stay the records of this batch even if w is replaced.
	sel, recs, views, errs := w.selected, w.recordsFor(len(w.selected)), w.views, w.errs
	var spans []trace.Span
	for j, i := range sel {
		recs[j].reset(batch[i])
		recs[j].useDecoded(w.decoded[j])
		views[j] = recs[j]
		errs[j] = nil
		if span := p.startSpan(batch[i]); span != nil {
			spans = append(spans, span)
		}
	}
	counts.calls += int64(len(sel))

	for done := 0; done < len(sel); {
		n, err := w.inst.(batchGuest).Process(ctx, views[done:len(sel)])
		done += n
		if err == nil {
			break
		}
		if done < len(sel) {
			errs[done] = err
			done++
		}
		if !w.inst.Broken() {
			continue
		}
		var noInstance error
		if w, noInstance = p.replaceBroken(ctx, w, err); noInstance != nil {
			for ; done < len(sel); done++ {
				errs[done] = noInstance
			}
		}
	}

	j := 0
	for i, msg := range batch {
		if j == len(sel) || sel[j] != i {
			out.keep(i)
			continue
		}
		rec, err := recs[j], errs[j]
		var span trace.Span
		if len(spans) > 0 {
			span = spans[j]
		}
		j++
		if err == nil {
			counts.succeeded(rec)
			endSpan(span, rec.outcome(), nil)
			out.commit(i, rec)
			continue
		}
		rec.reset(nil) // forget the failed record's writes
		kind := batchErrorKind(err)
		counts.failed(kind)
		endSpan(span, kind, err)
		if kind == kindInstance {
			msg.SetError(err)
		} else {
			msg.SetError(fmt.Errorf("wasm_smt: %w", callError(err)))
		}
		out.keep(i)
	}
	return w
}

// recordsFor readies n records (and their views and error slots) of the
// worker, reusing those of earlier batches.
func (w *worker) recordsFor(n int) []*messageRecord {
	for len(w.recs) < n {
		w.recs = append(w.recs, newMessageRecord(w.pool.fields))
		w.views = append(w.views, nil)
		w.errs = append(w.errs, nil)
	}
	return w.recs
}

// batchErrorKind names the kind of a record's failure under a batch-driven
// guest: what the guest died of, or the host's refusal to hand the record
// over.
func batchErrorKind(err error) string {
	switch {
	case errors.Is(err, transform.ErrNotRead):
		return kindGuestError
	case errors.Is(err, errNoInstance):
		return kindInstance
	}
	var encode *transform.EncodeError
	if errors.As(err, &encode) {
		return kindHostFunction
	}
	return callErrorKind(err)
}

// A messageRecord is what a transform reads and writes.
var _ record.Record = (*messageRecord)(nil)
