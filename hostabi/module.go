package hostabi

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Module is a guest module compiled on its own wazero runtime, ready to get
// host modules and to be instantiated. A Module is safe for concurrent use;
// each of its instances serves one goroutine at a time.
type Module struct {
	name        string
	description Description
	runtime     wazero.Runtime
	compiled    wazero.CompiledModule
	cache       wazero.CompilationCache // nil without a cache directory
	opts        options
}

// Option configures Compile.
type Option func(*options)

type options struct {
	output   func(stream, line string)
	cacheDir string
	limits   Limits
	env      map[string]string
}

// WithLimits bounds every instance of the module. Compile refuses limits out
// of range with an *OptionError.
func WithLimits(l Limits) Option {
	return func(o *options) { o.limits = l }
}

// WithGuestOutput sends each line a WASI guest writes to stdout or stderr to
// fn, with stream "stdout" or "stderr". Without it guest output is discarded.
func WithGuestOutput(fn func(stream, line string)) Option {
	return func(o *options) { o.output = fn }
}

// WithCompilationCacheDir keeps compiled code in dir, so the next Compile of
// the same module (in this process or the next) skips compiling it. The
// directory is created if missing; its contents are specific to the wazero
// version.
func WithCompilationCacheDir(dir string) Option {
	return func(o *options) { o.cacheDir = dir }
}

// WithEnvironment adds these environment variables to what WASI guests
// see; a later WithEnvironment overrides an earlier one's value of the same
// name. The map is copied.
func WithEnvironment(env map[string]string) Option {
	return func(o *options) {
		if o.env == nil {
			o.env = make(map[string]string, len(env))
		}
		for k, v := range env {
			o.env[k] = v
		}
	}
}

// Compile validates the options, compiles wasm within the memory limit, and
// provides WASI when the module imports it. name identifies the module in
// errors, typically its path. The module's own host functions are defined
// next with DefineHostModule, before the first Instantiate.
//
// Errors: an *OptionError for an option out of range; a *LimitError with
// LimitMemoryPages for a module that declares more memory than the limit;
// any other error means the bytes are not a valid module or the cache
// directory cannot be used.
func Compile(ctx context.Context, name string, wasm []byte, opts ...Option) (*Module, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	m := &Module{name: name}
	for _, opt := range opts {
		opt(&m.opts)
	}
	if err := m.opts.limits.validate(); err != nil {
		return nil, err
	}
	for k := range m.opts.env {
		if err := checkEnvName(k); err != nil {
			return nil, err
		}
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
		if limitErr := m.memoryOverLimit(ctx, wasm); limitErr != nil {
			return nil, limitErr
		}
		return nil, fmt.Errorf("module %s is not a valid WebAssembly module: %s", name, firstLine(err.Error()))
	}
	m.compiled = compiled
	m.description = describe(compiled)
	if m.description.ImportsModule(WASIModule) {
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, m.runtime); err != nil {
			_ = m.Close(ctx)
			return nil, fmt.Errorf("module %s: providing WASI: %w", name, err)
		}
	}
	return m, nil
}

// memoryOverLimit tells whether a module that failed to compile under the
// memory limit is valid without it: then the limit, the only difference,
// refused it. wazero's error does not say so in a typed way, and matching
// its text would break silently when the wording changes.
func (m *Module) memoryOverLimit(ctx context.Context, wasm []byte) error {
	limit := m.opts.limits.MemoryPages
	if limit == 0 {
		return nil
	}
	d, err := Describe(ctx, wasm)
	if err != nil {
		return nil
	}
	detail := fmt.Sprintf("module %s declares more memory than the limit of %d pages of 64 KiB", m.name, limit)
	for _, it := range append(d.Imports, d.Exports...) {
		if it.Kind == KindMemory && it.MinPages > limit {
			detail = fmt.Sprintf("module %s declares memory %q of at least %d pages, more than the limit of %d pages of 64 KiB",
				m.name, it.Name, it.MinPages, limit)
			break
		}
	}
	return &LimitError{Limit: LimitMemoryPages, Max: int64(limit), Detail: detail}
}

// checkEnvName refuses a name WASI cannot carry as NAME=value.
func checkEnvName(k string) error {
	if k == "" || containsByte(k, '=') || containsByte(k, 0) {
		return &OptionError{Option: "WithEnvironment", Value: fmt.Sprintf("%q", k),
			Want: "names that are not empty and hold no = and no NUL byte"}
	}
	return nil
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// Name returns the name the module was compiled with.
func (m *Module) Name() string { return m.name }

// Description returns what the module imports and exports.
func (m *Module) Description() Description { return m.description }

// Limits returns the limits every instance runs under.
func (m *Module) Limits() Limits { return m.opts.limits }

// HostFunction is one function of a host module, called by the guest.
//
// Run reads its arguments from stack and writes its results there, as
// wazero's stack-based host functions do, and reaches guest memory and the
// ABI's state through x. To refuse the guest's request it calls x.Fail,
// which abandons the guest call; it must not panic otherwise.
type HostFunction struct {
	Name      string
	Signature Signature
	Run       func(x *Exchange, stack []uint64)
}

// DefineHostModule provides the functions fns as import module name to the
// module's instances. Call it before the first Instantiate.
func (m *Module) DefineHostModule(ctx context.Context, name string, fns []HostFunction) error {
	b := m.runtime.NewHostModuleBuilder(name)
	for _, f := range fns {
		b.NewFunctionBuilder().
			WithGoModuleFunction(f.goFunction(), f.Signature.Params, f.Signature.Results).
			WithName(f.Name).
			Export(f.Name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("module %s: defining host module %s: %w", m.name, name, err)
	}
	return nil
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
