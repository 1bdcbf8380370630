package hostabi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// InstanceConfig says how the ABI starts an instance.
type InstanceConfig struct {
	// Start lists exports to run once, in order, when present (for example
	// "_initialize" of a WASI reactor). Absent ones are skipped.
	Start []string
	// Allocator is the export (i32) -> (i32) that Exchange.Give asks for
	// guest buffers; empty when the ABI never gives the guest bytes that way.
	Allocator string
	// Environment adds WASI environment variables to the module's
	// (WithEnvironment), overriding those of the same name.
	Environment map[string]string
}

// Instance is one instantiated guest module. It serves one goroutine at a time.
type Instance struct {
	module *Module
	mod    api.Module
	x      *Exchange
	// bound is the context of calls without a timeout, made once: it
	// carries x to the host functions, and wazero watches no context then.
	bound          context.Context
	stdout, stderr *lineWriter
	broken         bool
}

// Instantiate makes a new instance and runs cfg.Start. WASI guests get no
// files, arguments or network, the environment of WithEnvironment, real
// clocks and randomness, and their stdout and stderr go to the guest output.
func (m *Module) Instantiate(ctx context.Context, cfg InstanceConfig) (*Instance, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if cfg.Allocator != "" {
		want := Signature{Params: []ValueType{I32}, Results: []ValueType{I32}}
		if e, ok := m.description.Export(cfg.Allocator); !ok || e.Kind != KindFunction || !e.Signature.Equal(want) {
			return nil, fmt.Errorf("instantiating module %s: allocator %s is not an exported function %s", m.name, cfg.Allocator, want)
		}
	}
	mc := wazero.NewModuleConfig().
		WithName(""). // anonymous, so one runtime holds many instances
		WithStartFunctions().
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep().
		WithRandSource(rand.Reader)
	var start []string
	for _, name := range cfg.Start {
		if e, ok := m.description.Export(name); ok && e.Kind == KindFunction {
			start = append(start, name)
		}
	}
	mc = mc.WithStartFunctions(start...)
	env := m.opts.env
	if len(cfg.Environment) > 0 {
		env = make(map[string]string, len(m.opts.env)+len(cfg.Environment))
		for k, v := range m.opts.env {
			env[k] = v
		}
		for k, v := range cfg.Environment {
			if err := checkEnvName(k); err != nil {
				return nil, err
			}
			env[k] = v
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mc = mc.WithEnv(k, env[k])
	}
	var stdout, stderr *lineWriter
	if m.opts.output != nil {
		stdout = newLineWriter("stdout", m.opts.output)
		stderr = newLineWriter("stderr", m.opts.output)
		mc = mc.WithStdout(stdout).WithStderr(stderr)
	}
	mod, err := m.runtime.InstantiateModule(ctx, m.compiled, mc)
	if stdout != nil {
		stdout.Flush()
		stderr.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("instantiating module %s: %s", m.name, firstLine(err.Error()))
	}
	if mod.IsClosed() {
		// A start function that called proc_exit(0): wazero reports no
		// error, but nothing can be called any more.
		return nil, fmt.Errorf("instantiating module %s: its start function (%s) exited, so no function can be called after it", m.name, strings.Join(start, ", "))
	}
	in := &Instance{module: m, mod: mod, stdout: stdout, stderr: stderr}
	in.x = &Exchange{mem: mod.Memory(), limits: m.opts.limits, allocStack: make([]uint64, 1)}
	if cfg.Allocator != "" {
		in.x.alloc, in.x.allocName = mod.ExportedFunction(cfg.Allocator), cfg.Allocator
	}
	in.bound = context.WithValue(context.Background(), exchangeKey{}, in.x)
	in.x.bound = in.bound
	return in, nil
}

// Func is an export of an instance, looked up once (each lookup builds a
// call engine in wazero), with the stack its calls reuse so that a call
// allocates nothing.
type Func struct {
	name string
	fn   api.Function
	// Stack holds the arguments before a call and the results after it;
	// it is as long as the larger of the two.
	Stack []uint64
}

// Name returns the export's name.
func (f *Func) Name() string { return f.name }

// Func returns the exported function name, or nil when there is none.
func (in *Instance) Func(name string) *Func {
	fn := in.mod.ExportedFunction(name)
	if fn == nil {
		return nil
	}
	def := fn.Definition()
	return &Func{name: name, fn: fn, Stack: make([]uint64, max(len(def.ParamTypes()), len(def.ResultTypes()), 1))}
}

// State sets the ABI's state of this instance, which its host functions
// read with Exchange.State.
func (in *Instance) SetState(state any) { in.x.state = state }

// Exchange returns the instance's guest-memory exchange.
func (in *Instance) Exchange() *Exchange { return in.x }

// Call runs f with its Stack under the module's limits; the results are in
// f.Stack when it returns nil. ctx is what host functions see with
// Exchange.Context; with a Timeout the call also stops when ctx is done
// (without one, wazero cannot interrupt a guest, and does not watch ctx).
//
// It returns nil, or one of:
//   - ErrBroken: an earlier failure broke the instance; nothing ran;
//   - *HostFunctionError: a host function refused the guest's request;
//   - *LimitError: the call passed Limits.HostCalls or Limits.CallBytes;
//   - *TimeoutError: the call ran longer than Limits.Timeout;
//   - *TrapError: the guest trapped or exited.
//
// Each of the last four breaks the instance: its memory is in an unknown
// state, so it must be closed and replaced.
func (in *Instance) Call(ctx context.Context, f *Func) error {
	if in.broken {
		return fmt.Errorf("guest function %s: %w", f.name, ErrBroken)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	in.x.begin(ctx, f.name)
	timedOut, err := in.call(ctx, f)
	in.x.end()
	in.flushOutput()
	if err == nil {
		return nil
	}
	in.broken = true
	switch {
	case timedOut:
		// Also when the deadline struck inside a host function (in the
		// guest's allocator, say), which then failed for that reason.
		return &TimeoutError{Function: f.name, Timeout: in.module.opts.limits.Timeout}
	case in.x.failure != nil:
		return in.x.failure
	}
	return &TrapError{Function: f.name, Err: err, MemoryPages: in.MemoryPages(),
		MemoryLimit: in.module.opts.limits.MemoryPages}
}

// Run calls f like Call, but without the per-call Timeout: it is for a
// guest-driven ABI whose export runs for the life of the instance (a WASI
// command's _start that loops over batches) and bounds each unit of work
// itself. When the module has a Timeout, wazero watches ctx, so cancelling
// it stops the guest (the error is then a *TrapError whose ExitCode is
// sys.ExitCodeContextCanceled); without one, nothing can interrupt it.
// Counts and limits start afresh, as for Call; Exchange.ResetCounts starts
// them again for each unit of work.
func (in *Instance) Run(ctx context.Context, f *Func) error {
	if in.broken {
		return fmt.Errorf("guest function %s: %w", f.name, ErrBroken)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	in.x.begin(ctx, f.name)
	callCtx := in.bound
	if in.module.opts.limits.Timeout > 0 {
		callCtx = context.WithValue(ctx, exchangeKey{}, in.x)
	}
	err := f.fn.CallWithStack(callCtx, f.Stack)
	in.x.end()
	in.flushOutput()
	if err == nil {
		return nil
	}
	in.broken = true
	if in.x.failure != nil {
		return in.x.failure
	}
	return &TrapError{Function: f.name, Err: err, MemoryPages: in.MemoryPages(),
		MemoryLimit: in.module.opts.limits.MemoryPages}
}

// call calls f under the timeout when there is one, and tells whether the
// call ran past it. Without a timeout it allocates nothing.
func (in *Instance) call(ctx context.Context, f *Func) (timedOut bool, err error) {
	timeout := in.module.opts.limits.Timeout
	if timeout <= 0 {
		return false, f.fn.CallWithStack(in.bound, f.Stack)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = f.fn.CallWithStack(context.WithValue(ctx, exchangeKey{}, in.x), f.Stack)
	var exit *sys.ExitError
	deadline := errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded
	return err != nil && (deadline || errors.Is(ctx.Err(), context.DeadlineExceeded)), err
}

func (in *Instance) flushOutput() {
	if in.stdout != nil {
		in.stdout.Flush()
		in.stderr.Flush()
	}
}

// MuteOutput discards what the guest writes to stdout and stderr from now
// on: an ABI that stops a guest on purpose (a transform told there is no
// next batch panics, as its SDK does) does not want its dying words logged.
// It is safe to call from another goroutine than the guest's.
func (in *Instance) MuteOutput() {
	if in.stdout != nil {
		in.stdout.muted.Store(true)
		in.stderr.muted.Store(true)
	}
}

// Break marks the instance broken, for an ABI that finds the guest's state
// undefined after a call that itself succeeded.
func (in *Instance) Break() { in.broken = true }

// Broken reports whether a failure left the instance unusable.
func (in *Instance) Broken() bool { return in.broken }

// MemoryPages returns the size of the instance's linear memory in 64 KiB
// pages (0 for a module without memory).
func (in *Instance) MemoryPages() uint32 {
	if in.x.mem == nil {
		return 0
	}
	return in.x.mem.Size() / 65536
}

// Close releases the instance.
func (in *Instance) Close(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return in.mod.Close(ctx)
}

// Unwrap returns the instance's wazero module, for tests that look into the
// guest (its globals, all of its memory). Calls made through it bypass the
// limits and the exchange.
func (in *Instance) Unwrap() api.Module { return in.mod }
