package hostabi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Module is a guest module compiled on its own wazero runtime, checked against
// the ABI, and ready to instantiate. A Module is safe for concurrent use; each
// of its instances serves one goroutine at a time.
type Module struct {
	name     string
	function string
	shape    Shape
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache // nil without a cache directory
	opts     options
}

// Option configures Load.
type Option func(*options)

type options struct {
	output   func(stream, line string)
	cacheDir string
	params   map[string]string
	log      func(level LogLevel, msg string)
	limits   Limits
}

// LogLevel is the level of a guest's log call.
type LogLevel int

// The levels of the log host function.
const (
	LogDebug LogLevel = iota
	LogInfo
	LogWarn
	LogError
)

// WithParams gives guests the values get_param reads. The map is not copied:
// do not change it after Load.
func WithParams(params map[string]string) Option {
	return func(o *options) { o.params = params }
}

// WithLog sends what guests write with the log host function to fn. Without
// it those messages are discarded.
func WithLog(fn func(level LogLevel, msg string)) Option {
	return func(o *options) { o.log = fn }
}

// WithGuestOutput sends each line a WASI guest writes to stdout or stderr to
// fn, with stream "stdout" or "stderr". Without it guest output is discarded.
func WithGuestOutput(fn func(stream, line string)) Option {
	return func(o *options) { o.output = fn }
}

// WithCompilationCacheDir keeps compiled code in dir, so the next Load of the
// same module (in this process or the next) skips compiling it. The directory
// is created if missing; its contents are specific to the wazero version.
func WithCompilationCacheDir(dir string) Option {
	return func(o *options) { o.cacheDir = dir }
}

// Load compiles wasm, checks it against the ABI for calling function, and
// prepares the host functions (and WASI, for modules that import it). name
// identifies the module in errors, typically its path.
func Load(ctx context.Context, name string, wasm []byte, function string, opts ...Option) (*Module, error) {
	m := &Module{name: name, function: function}
	for _, opt := range opts {
		opt(&m.opts)
	}
	cfg := wazero.NewRuntimeConfig()
	if pages := m.opts.limits.MemoryPages; pages > 0 {
		cfg = cfg.WithMemoryLimitPages(pages)
	}
	if m.opts.limits.Timeout > 0 {
		cfg = cfg.WithCloseOnContextDone(true)
	}
	if m.opts.cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(m.opts.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache %s: %w", m.opts.cacheDir, err)
		}
		m.cache = cache
		cfg = cfg.WithCompilationCache(cache)
	}
	m.runtime = wazero.NewRuntimeWithConfig(ctx, cfg)
	compiled, err := m.runtime.CompileModule(ctx, wasm)
	if err != nil {
		_ = m.Close(ctx)
		if pages := m.opts.limits.MemoryPages; pages > 0 && strings.Contains(err.Error(), "pages") && strings.Contains(err.Error(), "over limit") {
			return nil, fmt.Errorf("module %s declares more memory than max_memory_pages (%d pages of 64 KiB) allows: %w", name, pages, err)
		}
		return nil, fmt.Errorf("module %s is not a valid WebAssembly module: %w", name, err)
	}
	m.compiled = compiled
	if m.shape, err = Check(compiled, function); err != nil {
		// Check's problems already name each import and export.
		_ = m.Close(ctx)
		return nil, fmt.Errorf("module %s does not fit the wasm_smt ABI: %w", name, err)
	}
	if err := instantiateHostModule(ctx, m.runtime); err != nil {
		_ = m.Close(ctx)
		return nil, err
	}
	if m.shape.UsesWASI {
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, m.runtime); err != nil {
			_ = m.Close(ctx)
			return nil, fmt.Errorf("module %s: providing WASI: %w", name, err)
		}
	}
	return m, nil
}

// Name returns the name the module was loaded with.
func (m *Module) Name() string { return m.name }

// Function returns the guest function this module's instances call.
func (m *Module) Function() string { return m.function }

// Shape returns what the module offers the host.
func (m *Module) Shape() Shape { return m.shape }

// Instantiate makes a new instance, running _initialize when the module has it.
// WASI guests get no files, environment, arguments or network; their clocks
// and randomness are real, and their stdout and stderr go to the guest output.
func (m *Module) Instantiate(ctx context.Context) (*Instance, error) {
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous, so one runtime holds many instances
		WithStartFunctions().
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep().
		WithRandSource(rand.Reader)
	if m.shape.Initialize {
		cfg = cfg.WithStartFunctions(ExportInitialize)
	}
	var stdout, stderr *lineWriter
	if m.opts.output != nil {
		stdout = newLineWriter("stdout", m.opts.output)
		stderr = newLineWriter("stderr", m.opts.output)
		cfg = cfg.WithStdout(stdout).WithStderr(stderr)
	}
	mod, err := m.runtime.InstantiateModule(ctx, m.compiled, cfg)
	if stdout != nil {
		stdout.Flush()
		stderr.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("instantiating module %s: %s", m.name, firstLine(err.Error()))
	}
	return newInstance(m, mod, stdout, stderr), nil
}

// Close releases the runtime, the compiled module and every instance.
func (m *Module) Close(ctx context.Context) error {
	err := m.runtime.Close(ctx)
	if m.cache != nil {
		err = errors.Join(err, m.cache.Close(ctx))
	}
	if err != nil {
		return fmt.Errorf("closing module %s: %w", m.name, err)
	}
	return nil
}
