package processor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
)

// wasmSMT is the wasm_smt processor: one compiled module, a pool of
// instances. With watch on, a reload swaps in a new pool between messages.
type wasmSMT struct {
	cfg     *config
	label   string // module path and function, for errors
	pool    atomic.Pointer[pool]
	opts    []hostabi.Option // how every pool's module is loaded
	fs      *service.FS
	log     *service.Logger
	metrics *smtMetrics
	tracer  trace.Tracer         // nil without a tracer configured
	attrs   []attribute.KeyValue // of every call span

	mu      sync.Mutex // guards closed against a reload swapping pools
	closed  bool
	watcher *fileWatcher // nil without watch
	// beforeSwap, when set (by tests only), runs in a reload between
	// loading the new module and swapping it in, so a test can close the
	// processor while a reload is under way.
	beforeSwap func()
	// loaded is the bytes of the module in use. Only the constructor and
	// reloads touch it, and the watcher runs one reload at a time.
	loaded []byte
}

func newWasmSMT(conf *service.ParsedConfig, mgr *service.Resources) (*wasmSMT, error) {
	cfg, err := parseConfig(conf)
	if err != nil {
		return nil, err
	}
	return build(cfg, mgr)
}

// build makes the processor from a parsed config: it reads, compiles and
// starts the module once, so a module that does not fit fails here.
func build(cfg *config, mgr *service.Resources) (*wasmSMT, error) {
	wasm, err := readModule(mgr.FS(), cfg.modulePath)
	if err != nil {
		return nil, err
	}
	log := mgr.Logger().With("module", cfg.modulePath, "function", cfg.function)
	p := &wasmSMT{
		cfg:     cfg,
		label:   cfg.modulePath + " " + cfg.function,
		fs:      mgr.FS(),
		log:     log,
		metrics: newSMTMetrics(mgr.Metrics(), cfg.modulePath, cfg.function),
		tracer:  callTracer(mgr.OtelTracer()),
		attrs:   []attribute.KeyValue{attrFunction.String(cfg.function), attrModule.String(cfg.modulePath)},
		opts:    hostOptions(cfg, log),
		loaded:  wasm,
	}
	pl, err := p.load(context.Background(), wasm)
	if err != nil {
		return nil, err
	}
	p.pool.Store(pl)
	if cfg.watch {
		if p.watcher, err = watchFile(cfg.modulePath, p.reload, log); err != nil {
			pl.close()
			return nil, fmt.Errorf("field %s: %w", fieldWatch, err)
		}
	}
	return p, nil
}

// hostOptions wires what any guest runs with: limits, the environment, the
// compilation cache, and its WASI output, which goes to the processor's
// logger.
func hostOptions(cfg *config, log *service.Logger) []hostabi.Option {
	opts := []hostabi.Option{
		hostabi.WithLimits(cfg.limits),
		hostabi.WithEnvironment(cfg.environment),
		hostabi.WithGuestOutput(func(stream, line string) {
			if stream == "stderr" {
				log.Warnf("guest stderr: %s", line)
			} else {
				log.Infof("guest stdout: %s", line)
			}
		}),
	}
	dir, err := cfg.compilationCacheDir()
	if err != nil {
		log.Warnf("%v", err)
	}
	if dir != "" {
		opts = append(opts, hostabi.WithCompilationCacheDir(dir))
	}
	return opts
}

// kafkaConnectConfig is what the Kafka Connect ABI needs: the function, the
// params get_param reads, and the guest's log lines, which go to the
// processor's logger.
func kafkaConnectConfig(cfg *config, log *service.Logger) kafkaconnect.Config {
	return kafkaconnect.Config{Function: cfg.function, Params: cfg.params, Log: func(level kafkaconnect.LogLevel, msg string) {
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
}

// load compiles module bytes into a pool and starts one instance now, so a
// guest that fails to start fails here (at start-up, or as a refused
// reload), not on a message.
func (p *wasmSMT) load(ctx context.Context, wasm []byte) (*pool, error) {
	module, name, err := loadModule(ctx, p.cfg, wasm, p.opts, kafkaConnectConfig(p.cfg, p.log))
	if err != nil {
		return nil, err
	}
	p.log.Debugf("module %s runs on the %s", p.cfg.modulePath, name.Title())
	pl := newPool(module, p.cfg.fields, p.cfg.maxInstances, p.metrics)
	w, err := pl.get(ctx)
	if err != nil {
		pl.close()
		return nil, err
	}
	pl.put(w)
	return pl, nil
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
