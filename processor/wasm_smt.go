package processor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
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
	label string // module path and function, for errors
	pool  atomic.Pointer[pool]
	log   *service.Logger
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
	opts = append(opts, hostabi.WithParams(params), hostabi.WithLog(func(level hostabi.LogLevel, msg string) {
		switch level {
		case hostabi.LogDebug:
			log.Debug(msg)
		case hostabi.LogInfo:
			log.Info(msg)
		case hostabi.LogWarn:
			log.Warn(msg)
		default:
			log.Error(msg)
		}
	}))
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
	p := &wasmSMT{
		label: modulePath + " " + function,
		log:   log,
		newPool: func(ctx context.Context, wasm []byte) (*pool, error) {
			module, err := hostabi.Load(ctx, modulePath, wasm, function, opts...)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", fieldModulePath, err)
			}
			pl := newPool(module, fields, maxInstances)
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

// ProcessBatch runs the guest function over each message of the batch, with
// one instance checked out for the whole batch. The batch comes back as it
// went in, unless a guest dropped or emitted records.
func (p *wasmSMT) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	w, err := p.worker(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm_smt %s: %w", p.label, err)
	}
	w.inst.Bind(ctx)
	var out service.MessageBatch // nil until the batch changes shape
	for i, msg := range batch {
		w.rec.reset(msg)
		callErr := w.inst.Call(w.rec)
		if callErr == nil {
			if out == nil && w.rec.changesBatch() {
				out = append(make(service.MessageBatch, 0, len(batch)), batch[:i]...)
			}
			if out != nil {
				out = w.rec.commit(out)
			} else {
				w.rec.commitInPlace()
			}
			continue
		}
		w.rec.reset(nil)
		msg.SetError(fmt.Errorf("wasm_smt: %w", callErr))
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
				if out != nil {
					out = append(out, rest)
				}
			}
			return []service.MessageBatch{orInput(out, batch)}, nil
		}
		w.inst.Bind(ctx)
	}
	w.pool.put(w)
	return []service.MessageBatch{orInput(out, batch)}, nil
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
