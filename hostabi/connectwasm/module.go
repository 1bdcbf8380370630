package connectwasm

import (
	"context"
	"errors"
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Message is the host's view of the message a guest call works on. Writes
// must not reach the message before the host commits them, so that a call
// that fails leaves it as it was.
type Message interface {
	// Payload returns the message's bytes (empty for a message with none).
	Payload() ([]byte, error)
	// SetPayload replaces them; b is a view of guest memory, valid only
	// until the method returns.
	SetPayload(b []byte) error
	// Meta returns a metadata value as text; ok is false when the message
	// has no such field.
	Meta(name []byte) (value []byte, ok bool, err error)
	// SetMeta sets a metadata field; name and value are views of guest
	// memory, valid only until the method returns.
	SetMeta(name, value []byte) error
}

// Module is a guest module compiled, checked against the ABI for its
// function, and ready to instantiate. It is safe for concurrent use.
type Module struct {
	core     *hostabi.Module
	function string
	shape    Shape
}

// Load compiles wasm with the core's options, checks it against the ABI
// for calling function (DefaultFunction when empty), and provides the host
// functions.
//
// Errors: a *MismatchError naming every import and export that does not
// fit; or one of hostabi.Compile's.
func Load(ctx context.Context, name string, wasm []byte, function string, opts ...hostabi.Option) (*Module, error) {
	core, err := hostabi.Compile(ctx, name, wasm, opts...)
	if err != nil {
		return nil, err
	}
	return New(ctx, core, function)
}

// New checks a compiled module against the ABI for calling function
// (DefaultFunction when empty) and provides the host functions. It takes
// core over: on error core is closed.
func New(ctx context.Context, core *hostabi.Module, function string) (*Module, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if function == "" {
		function = DefaultFunction
	}
	shape, problems := Check(core.Description(), function)
	if len(problems) > 0 {
		_ = core.Close(ctx)
		return nil, &MismatchError{Module: core.Name(), ABI: ABIName, Problems: problems}
	}
	if err := core.DefineHostModule(ctx, HostModule, hostFunctions); err != nil {
		_ = core.Close(ctx)
		return nil, err
	}
	return &Module{core: core, function: function, shape: shape}, nil
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
	free     *hostabi.Func
	state    *callState
}

// callState is what the host functions of one instance work with.
type callState struct {
	msg       Message // the message of the call in progress
	allocator Allocator
	owned     []buffer // buffers to free after the call: given, and passed when the host takes them
}

type buffer struct{ ptr, size uint32 }

// Instantiate makes a new instance and runs its _initialize (a standard Go
// reactor) or its _start (a TinyGo module, whose main returns).
func (m *Module) Instantiate(ctx context.Context) (*Instance, error) {
	cfg := hostabi.InstanceConfig{Allocator: m.shape.Allocator.Alloc}
	if m.shape.Start != "" {
		cfg.Start = []string{m.shape.Start}
	}
	core, err := m.core.Instantiate(ctx, cfg)
	if err != nil {
		if m.shape.Start == ExportStart {
			err = fmt.Errorf("%w (its _start must return: a standard Go module must be built as a reactor, -buildmode=c-shared)", err)
		}
		return nil, err
	}
	in := &Instance{
		core:     core,
		function: core.Func(m.function),
		free:     core.Func(m.shape.Allocator.Free),
		state:    &callState{allocator: m.shape.Allocator},
	}
	core.SetState(in.state)
	return in, nil
}

// Call runs the guest function over msg, then frees the buffers the host
// owns (see Allocator). It returns nil, or one of hostabi.Instance.Call's
// errors; after any error the instance is Broken.
func (in *Instance) Call(ctx context.Context, msg Message) error {
	if msg == nil {
		return errors.New("connectwasm: Call needs a message, got nil")
	}
	in.state.msg = msg
	in.state.owned = in.state.owned[:0]
	err := in.core.Call(ctx, in.function)
	in.state.msg = nil
	if err != nil {
		return err
	}
	for _, b := range in.state.owned {
		in.free.Stack[0] = uint64(b.ptr)
		if in.state.allocator.FreeTakesSize {
			in.free.Stack[1] = uint64(b.size)
		}
		if err := in.core.Call(ctx, in.free); err != nil {
			return fmt.Errorf("freeing the buffers of guest function %s: %w", in.function.Name(), err)
		}
	}
	return nil
}

// Broken reports whether a failure left the instance unusable.
func (in *Instance) Broken() bool { return in.core.Broken() }

// MemoryPages returns the size of the instance's linear memory in 64 KiB pages.
func (in *Instance) MemoryPages() uint32 { return in.core.MemoryPages() }

// Close releases the instance.
func (in *Instance) Close(ctx context.Context) error { return in.core.Close(ctx) }
