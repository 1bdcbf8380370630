package hostabi

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/tetratelabs/wazero/sys"

	"github.com/tetratelabs/wazero/api"
)

// Instance is one instantiated guest module. It serves one goroutine at a time.
type Instance struct {
	module       *Module
	mod          api.Module
	fn           api.Function // looked up once: each lookup builds a call engine
	dealloc      api.Function
	stack        []uint64 // reused by every call, so a call allocates nothing
	deallocStack []uint64
	x            *exchange
	bound        context.Context // carries x to the host functions
	boundFrom    context.Context // the context bound was made from
	stdout       *lineWriter
	stderr       *lineWriter
	broken       bool
}

func newInstance(m *Module, mod api.Module, stdout, stderr *lineWriter) *Instance {
	in := &Instance{
		module:       m,
		mod:          mod,
		fn:           mod.ExportedFunction(m.function),
		dealloc:      mod.ExportedFunction(ExportDealloc),
		stack:        make([]uint64, 1),
		deallocStack: make([]uint64, 2),
		stdout:       stdout,
		stderr:       stderr,
		x: &exchange{
			function:   m.function,
			mem:        mod.Memory(),
			alloc:      mod.ExportedFunction(ExportAlloc),
			allocStack: make([]uint64, 1),
			opts:       &m.opts,
		},
	}
	in.Bind(context.Background())
	return in
}

// Bind makes ctx the context of the calls that follow. Binding once per batch
// rather than once per call keeps calls free of allocations, and binding the
// same context again (a pipeline thread passes the same one to every batch)
// allocates nothing.
func (in *Instance) Bind(ctx context.Context) {
	if sameContext(ctx, in.boundFrom) {
		return
	}
	in.bound = context.WithValue(ctx, exchangeKey{}, in.x)
	in.boundFrom = ctx
}

// sameContext compares contexts by identity, without the panic that
// comparing two values of an uncomparable type would cause.
func sameContext(a, b context.Context) bool {
	if a == nil || b == nil {
		return false
	}
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

// Call runs the guest function over rec. It returns nil when the function
// succeeded; a *GuestError when the function reported an error; a
// *HostFunctionError when a host function refused the guest's request; a
// *TrapError when the guest trapped or exited. After the last two the
// instance is Broken and must be closed.
func (in *Instance) Call(rec Record) error {
	if in.broken {
		return fmt.Errorf("guest function %s: instance is broken by an earlier failure", in.module.function)
	}
	in.x.begin(rec)
	err := in.callFunction()
	in.x.rec = nil
	in.flushOutput()
	if err != nil {
		in.broken = true
		var exit *sys.ExitError
		switch {
		case in.x.failure != nil:
			return in.x.failure
		case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
			return &TimeoutError{Function: in.module.function, Timeout: in.module.opts.limits.Timeout}
		}
		return &TrapError{Function: in.module.function, Err: err, MemoryPages: in.MemoryPages(),
			MemoryLimit: in.module.opts.limits.MemoryPages}
	}
	if !in.module.shape.ReturnsResult {
		return nil
	}
	return in.takeResult(in.stack[0])
}

// callFunction calls the guest function, under the timeout when there is one.
func (in *Instance) callFunction() error { return in.call(in.fn, in.stack) }

// call calls a guest export under the timeout when there is one. Without a
// timeout it allocates nothing.
func (in *Instance) call(fn api.Function, stack []uint64) error {
	timeout := in.module.opts.limits.Timeout
	if timeout <= 0 {
		return fn.CallWithStack(in.bound, stack)
	}
	ctx, cancel := context.WithTimeout(in.bound, timeout)
	defer cancel()
	return fn.CallWithStack(ctx, stack)
}

// takeResult reads a packed function result, then hands its buffer back to
// the guest's dealloc, as the ABI says, whatever it held.
func (in *Instance) takeResult(packed uint64) error {
	ptr, rawLen := unpack(packed)
	var result error
	if rawLen&errorBit != 0 {
		msg, ok := in.x.mem.Read(ptr, rawLen&^errorBit)
		if !ok {
			in.broken = true
			return &HostFunctionError{Function: in.module.function, Import: "(result)",
				Err: fmt.Errorf("the error message at offset %d, %d bytes, is outside guest memory of %d bytes",
					ptr, rawLen&^errorBit, in.x.mem.Size())}
		}
		result = &GuestError{Function: in.module.function, Message: string(msg)}
	}
	in.deallocStack[0], in.deallocStack[1] = uint64(ptr), uint64(rawLen)
	if err := in.call(in.dealloc, in.deallocStack); err != nil {
		in.broken = true
		return &TrapError{Function: in.module.function + " (its " + ExportDealloc + ")", Err: err}
	}
	return result
}

func (in *Instance) flushOutput() {
	if in.stdout != nil {
		in.stdout.Flush()
		in.stderr.Flush()
	}
}

// Broken reports whether a trap or host failure left the instance unusable.
func (in *Instance) Broken() bool { return in.broken }

// MemoryPages returns the size of the instance's linear memory in 64 KiB pages.
func (in *Instance) MemoryPages() uint32 { return in.x.mem.Size() / 65536 }

// Close releases the instance.
func (in *Instance) Close(ctx context.Context) error {
	return in.mod.Close(ctx)
}
