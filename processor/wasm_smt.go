package processor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redpanda-data/benthos/v4/public/bloblang"
	"github.com/redpanda-data/benthos/v4/public/service"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
)

func init() {
	err := service.RegisterBatchProcessor("wasm_smt", wasmSMTSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchProcessor, error) {
			return newWasmSMT(conf, mgr)
		})
	if err != nil {
		panic(err)
	}
}

// wasmSMT is the wasm_smt processor: one compiled module, a pool of
// instances. With watch on, a reload swaps in a new pool between messages.
type wasmSMT struct {
	label   string // module path and function, for errors
	pool    atomic.Pointer[pool]
	log     *service.Logger
	metrics *smtMetrics
	tracer  trace.Tracer         // nil without a tracer configured
	attrs   []attribute.KeyValue // of every call span
	check   *bloblang.Executor   // nil without check: every message runs
	// newPool compiles module bytes into a pool with a warm instance.
	newPool func(ctx context.Context, wasm []byte) (*pool, error)

	mu      sync.Mutex // guards closed against a reload swapping pools
	closed  bool
	watcher *moduleWatcher // nil without watch
}

func newWasmSMT(conf *service.ParsedConfig, mgr *service.Resources) (*wasmSMT, error) {
	modulePath, err := conf.FieldString(fieldModulePath)
	if err != nil {
		return nil, err
	}
	function, err := conf.FieldString(fieldFunction)
	if err != nil {
		return nil, err
	}
	fields, err := parseRecordFields(conf)
	if err != nil {
		return nil, err
	}
	maxInstances, err := conf.FieldInt(fieldMaxInstances)
	if err != nil {
		return nil, err
	}
	if maxInstances < 0 {
		return nil, fmt.Errorf("field %s: must be 0 or more, got %d", fieldMaxInstances, maxInstances)
	}
	if maxInstances == 0 {
		maxInstances = runtime.GOMAXPROCS(0)
	}

	wasm, err := readModule(mgr.FS(), modulePath)
	if err != nil {
		return nil, err
	}
	log := mgr.Logger().With("module", modulePath, "function", function)
	opts := []hostabi.Option{hostabi.WithGuestOutput(func(stream, line string) {
		if stream == "stderr" {
			log.Warnf("guest stderr: %s", line)
		} else {
			log.Infof("guest stdout: %s", line)
		}
	})}
	params, err := conf.FieldStringMap(fieldParams)
	if err != nil {
		return nil, err
	}
	abiConfig := kafkaconnect.Config{Function: function, Params: params, Log: func(level kafkaconnect.LogLevel, msg string) {
		switch level {
		case kafkaconnect.LogDebug:
			log.Debug(msg)
		case kafkaconnect.LogInfo:
			log.Info(msg)
		case kafkaconnect.LogWarn:
			log.Warn(msg)
		default:
			log.Error(msg)
		}
	}}
	limits, err := parseLimits(conf)
	if err != nil {
		return nil, err
	}
	opts = append(opts, hostabi.WithLimits(limits))
	cacheDir, err := compilationCacheDir(conf, log)
	if err != nil {
		return nil, err
	}
	if cacheDir != "" {
		opts = append(opts, hostabi.WithCompilationCacheDir(cacheDir))
	}
	var check *bloblang.Executor
	if conf.Contains(fieldCheck) {
		if check, err = conf.FieldBloblang(fieldCheck); err != nil {
			return nil, err
		}
	}
	metrics := newSMTMetrics(mgr.Metrics(), modulePath, function)
	p := &wasmSMT{
		label:   modulePath + " " + function,
		log:     log,
		metrics: metrics,
		tracer:  callTracer(mgr.OtelTracer()),
		attrs:   []attribute.KeyValue{attrFunction.String(function), attrModule.String(modulePath)},
		check:   check,
		newPool: func(ctx context.Context, wasm []byte) (*pool, error) {
			module, err := kafkaconnect.Load(ctx, modulePath, wasm, abiConfig, opts...)
			if err != nil {
				return nil, loadError(err)
			}
			pl := newPool(module, fields, maxInstances, metrics)
			// Make one instance now, so a guest that fails to start fails
			// here (at start-up, or as a rejected reload), not on a message.
			w, err := pl.get(ctx)
			if err != nil {
				pl.close()
				return nil, err
			}
			pl.put(w)
			return pl, nil
		},
	}
	pl, err := p.newPool(context.Background(), wasm)
	if err != nil {
		return nil, err
	}
	p.pool.Store(pl)

	watch, err := conf.FieldBool(fieldWatch)
	if err != nil {
		return nil, err
	}
	if watch {
		if p.watcher, err = watchModule(p, mgr.FS(), modulePath, wasm); err != nil {
			pl.close()
			return nil, fmt.Errorf("field %s: %w", fieldWatch, err)
		}
	}
	return p, nil
}

// worker checks out a worker from the current pool. A pool closed by a
// reload since it was loaded is skipped for its successor.
func (p *wasmSMT) worker(ctx context.Context) (*worker, error) {
	for {
		pl := p.pool.Load()
		w, err := pl.get(ctx)
		if errors.Is(err, errPoolClosed) && p.pool.Load() != pl {
			continue
		}
		return w, err
	}
}

// swapPool makes pl current and closes the pool it replaces once that
// pool's workers come back. It refuses once the processor is closed.
func (p *wasmSMT) swapPool(pl *pool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.pool.Swap(pl).close()
	return true
}

// ProcessBatch runs the guest function over each message of the batch that
// passes check, with one instance checked out for the whole batch. The batch
// comes back as it went in, unless a guest dropped or emitted records.
func (p *wasmSMT) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	w, err := p.worker(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm_smt %s: %w", p.label, err)
	}
	var counts batchCounts
	defer p.metrics.record(&counts)
	var check *service.MessageBatchBloblangExecutor
	if p.check != nil {
		check = batch.BloblangExecutor(p.check)
	}
	var out service.MessageBatch // nil until the batch changes shape
	for i, msg := range batch {
		if check != nil && !passes(check, i, msg, &counts) {
			if out != nil {
				out = append(out, msg)
			}
			continue
		}
		counts.calls++
		w.rec.reset(msg)
		span := p.startSpan(msg)
		callErr := p.call(ctx, w)
		if callErr == nil {
			outcome := w.rec.outcome()
			counts.succeeded(w.rec)
			if out == nil && w.rec.changesBatch() {
				out = append(make(service.MessageBatch, 0, len(batch)), batch[:i]...)
			}
			if out != nil {
				out = w.rec.commit(out)
			} else {
				w.rec.commitInPlace()
			}
			endSpan(span, outcome, nil)
			continue
		}
		w.rec.reset(nil)
		kind := callErrorKind(callErr)
		counts.failed(kind)
		endSpan(span, kind, callErr)
		msg.SetError(fmt.Errorf("wasm_smt: %w", callError(callErr)))
		if out != nil {
			out = append(out, msg)
		}
		if !w.inst.Broken() {
			p.log.Debugf("record failed: %v", callErr)
			continue
		}
		// The guest's state is undefined after a trap: replace the instance.
		p.log.Warnf("instance replaced after: %v", callErr)
		w.pool.put(w)
		if w, err = p.worker(ctx); err != nil {
			err = fmt.Errorf("wasm_smt %s: replacing a failed instance: %w", p.label, err)
			for _, rest := range batch[i+1:] {
				rest.SetError(err)
				counts.failed(kindInstance)
				if out != nil {
					out = append(out, rest)
				}
			}
			return []service.MessageBatch{orInput(out, batch)}, nil
		}
	}
	w.pool.put(w)
	return []service.MessageBatch{orInput(out, batch)}, nil
}

// call runs the guest function on the worker's record, timing one call in
// latencySampling.
func (p *wasmSMT) call(ctx context.Context, w *worker) error {
	if !w.timeNextCall() {
		return w.inst.Call(ctx, w.rec)
	}
	start := time.Now()
	err := w.inst.Call(ctx, w.rec)
	p.metrics.latency.Timing(time.Since(start).Nanoseconds(), p.metrics.labels...)
	return err
}

// passes tells whether message i passes check, so the function runs on it.
// A message whose check fails to evaluate is flagged with the error and does
// not pass; one that does not pass is counted as skipped.
func passes(check *service.MessageBatchBloblangExecutor, i int, msg *service.Message, counts *batchCounts) bool {
	run, err := runsOn(check, i)
	switch {
	case err != nil:
		msg.SetError(fmt.Errorf("wasm_smt: %w", err))
		counts.failed(kindCheck)
	case !run:
		counts.skipped++
	}
	return run
}

// runsOn evaluates check for message i: whether the function runs on it.
// The condition runs as a mapping, as Benthos's own checks do, so that it
// can read metadata.
func runsOn(check *service.MessageBatchBloblangExecutor, i int) (bool, error) {
	res, err := check.Query(i)
	if err != nil {
		return false, fmt.Errorf("field %s: %w", fieldCheck, err)
	}
	if res == nil {
		return false, fmt.Errorf("field %s: the condition deleted the message, expected a boolean", fieldCheck)
	}
	v, err := res.AsStructured()
	if err != nil { // not JSON, so a string or raw bytes
		raw, _ := res.AsBytes()
		return false, fmt.Errorf("field %s: expected a boolean, got %s", fieldCheck, describe(raw))
	}
	run, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("field %s: expected a boolean, got %s", fieldCheck, describe(v))
	}
	return run, nil
}

// describe names a Bloblang value's type with the value, for errors.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return fmt.Sprintf("an object (%v)", v)
	case []any:
		return fmt.Sprintf("an array (%v)", v)
	case string, []byte:
		return fmt.Sprintf("a string (%q)", v)
	}
	return fmt.Sprintf("a number (%v)", v)
}

// orInput returns out when the batch changed shape, else the input batch.
func orInput(out, in service.MessageBatch) service.MessageBatch {
	if out != nil {
		return out
	}
	return in
}

// Close releases the module once the batches in flight have finished. Benthos
// calls it once per pipeline thread; every call after the first does nothing.
func (p *wasmSMT) Close(context.Context) error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	if p.watcher != nil {
		p.watcher.stop()
	}
	p.pool.Load().close()
	return nil
}
