package kafkaconnect

import (
	"context"
	"errors"
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// Config is what the ABI needs beyond the module's bytes.
type Config struct {
	// Function is the exported guest function each call runs.
	Function string
	// Params are the values get_param reads. The map is not copied: do not
	// change it after Load.
	Params map[string]string
	// Log receives what guests write with the log host function; nil
	// discards it.
	Log func(level LogLevel, msg string)
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

// Module is a guest module compiled, checked against the ABI for its
// function, and ready to instantiate. It is safe for concurrent use.
type Module struct {
	core  *hostabi.Module
	cfg   Config
	shape Shape
}

// Load compiles wasm with the core's options, checks it against the ABI for
// calling cfg.Function, and provides the host functions. name identifies
// the module in errors, typically its path.
//
// Errors: a *MismatchError naming every import and export that does not
// fit; or one of hostabi.Compile's (*hostabi.OptionError,
// *hostabi.LimitError, an invalid module).
func Load(ctx context.Context, name string, wasm []byte, cfg Config, opts ...hostabi.Option) (*Module, error) {
	if cfg.Function == "" {
		return nil, &MismatchError{Module: name, ABI: ABIName, Problems: []Problem{{Kind: "export", Detail: errNoFunction.Error()}}}
	}
	core, err := hostabi.Compile(ctx, name, wasm, opts...)
	if err != nil {
		return nil, err
	}
	return New(ctx, core, cfg)
}

// New checks a compiled module against the ABI for calling cfg.Function
// and provides the host functions. It takes core over: on error core is
// closed.
func New(ctx context.Context, core *hostabi.Module, cfg Config) (*Module, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if cfg.Function == "" {
		_ = core.Close(ctx)
		return nil, &MismatchError{Module: core.Name(), ABI: ABIName, Problems: []Problem{{Kind: "export", Detail: errNoFunction.Error()}}}
	}
	m := &Module{core: core, cfg: cfg}
	var problems []Problem
	if m.shape, problems = Check(core.Description(), cfg.Function); len(problems) > 0 {
		_ = core.Close(ctx)
		return nil, &MismatchError{Module: core.Name(), ABI: ABIName, Problems: problems}
	}
	if err := core.DefineHostModule(ctx, HostModule, allHostFunctions); err != nil {
		_ = core.Close(ctx)
		return nil, err
	}
	return m, nil
}

// Shape returns what the module offers the host.
func (m *Module) Shape() Shape { return m.shape }

// MemoryLimit returns the memory limit of every instance, in 64 KiB pages (0: none).
func (m *Module) MemoryLimit() uint32 { return m.core.Limits().MemoryPages }

// Close releases the module and every instance.
func (m *Module) Close(ctx context.Context) error { return m.core.Close(ctx) }

// Instance is one instantiated guest module. It serves one goroutine at a time.
type Instance struct {
	core     *hostabi.Instance
	function *hostabi.Func
	dealloc  *hostabi.Func
	state    *callState
	returns  bool // the function returns a packed result
}

// callState is what the host functions of one instance work with.
type callState struct {
	rec     record.Record // the record of the call in progress; nil between calls
	cfg     *Config
	names   []string // scratch for get_header_names
	scratch []byte   // scratch for get_header_names
}

// Instantiate makes a new instance, running _initialize when the module
// has it.
func (m *Module) Instantiate(ctx context.Context) (*Instance, error) {
	core, err := m.core.Instantiate(ctx, hostabi.InstanceConfig{
		Start:     []string{ExportInitialize},
		Allocator: ExportAlloc,
	})
	if err != nil {
		return nil, err
	}
	in := &Instance{
		core:     core,
		function: core.Func(m.cfg.Function),
		dealloc:  core.Func(ExportDealloc),
		state:    &callState{cfg: &m.cfg},
		returns:  m.shape.ReturnsResult,
	}
	core.SetState(in.state)
	return in, nil
}

// Call runs the guest function over rec. ctx is passed to the core (see
// hostabi.Instance.Call: with a timeout, the call also stops when ctx is
// done). It returns nil when the function succeeded, or one of:
//   - *GuestError: the function reported an error; the instance stays usable;
//   - *hostabi.HostFunctionError: a host function refused the guest's request
//     (an absent part, bytes a converter refuses, a pointer outside memory);
//   - *hostabi.LimitError: the call passed the host call or byte limit;
//   - *hostabi.TimeoutError: the call ran longer than the timeout;
//   - *hostabi.TrapError: the guest trapped or exited;
//   - an error wrapping hostabi.ErrBroken: an earlier failure broke the
//     instance, and nothing ran.
//
// After any error but a *GuestError the instance is Broken and must be closed.
func (in *Instance) Call(ctx context.Context, rec record.Record) error {
	if rec == nil {
		return errors.New("kafkaconnect: Call needs a record, got nil")
	}
	in.state.rec = rec
	err := in.core.Call(ctx, in.function)
	in.state.rec = nil
	if err != nil || !in.returns {
		return err
	}
	return in.takeResult(ctx, in.function.Stack[0])
}

// takeResult reads a packed function result, then hands its buffer back to
// the guest's dealloc, as the ABI says, whatever it held.
func (in *Instance) takeResult(ctx context.Context, packed uint64) error {
	ptr, rawLen := unpack(packed)
	var result error
	if rawLen&errorBit != 0 {
		msg, err := in.readResult(ptr, rawLen&^errorBit)
		if err != nil {
			in.core.Break()
			return err
		}
		result = &GuestError{Function: in.function.Name(), Message: msg}
	}
	in.dealloc.Stack[0], in.dealloc.Stack[1] = uint64(ptr), uint64(rawLen)
	if err := in.core.Call(ctx, in.dealloc); err != nil {
		return fmt.Errorf("guest function %s, handing its result back: %w", in.function.Name(), err)
	}
	return result
}

// readResult copies the error message of a result out of guest memory.
func (in *Instance) readResult(ptr, length uint32) (string, error) {
	msg, err := in.core.Exchange().Copy(ptr, length)
	if err != nil {
		return "", &hostabi.HostFunctionError{Function: in.function.Name(), Import: "(result)",
			Err: fmt.Errorf("the error message: %w", err)}
	}
	return string(msg), nil
}

// Broken reports whether a failure left the instance unusable.
func (in *Instance) Broken() bool { return in.core.Broken() }

// MemoryPages returns the size of the instance's linear memory in 64 KiB pages.
func (in *Instance) MemoryPages() uint32 { return in.core.MemoryPages() }

// Close releases the instance.
func (in *Instance) Close(ctx context.Context) error { return in.core.Close(ctx) }
