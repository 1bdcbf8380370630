package hostabi

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// Exchange is the one place where bytes cross between the host and one
// guest instance. Host functions read and write guest memory only through
// it, so every access is bounds-checked and counted against the limits, and
// every refusal abandons the call with a typed error.
type Exchange struct {
	mem        api.Memory
	alloc      api.Function // the guest's allocator, for Give
	allocName  string
	allocStack []uint64
	bound      context.Context // the context of calls without a timeout
	limits     Limits
	state      any // the ABI's state of the instance

	ctx        context.Context // what the caller of Call passed
	hostCtx    context.Context // what wazero passed the running host function
	function   string          // the guest function being called, for errors
	importName string          // the host function running, for errors
	failure    error           // why the host abandoned the call, if it did
	hostCalls  int             // host function calls so far in this call
	callBytes  int64           // bytes moved so far in this call
}

type exchangeKey struct{}

// abandon is the panic value that unwinds a guest call after a host failure.
// wazero turns a host function's panic into an error returned by the call.
type abandon struct{}

func (x *Exchange) begin(ctx context.Context, function string) {
	x.ctx, x.function, x.failure, x.hostCalls, x.callBytes = ctx, function, nil, 0, 0
}

// end forgets the caller's context, so it is not kept alive by the instance.
func (x *Exchange) end() { x.ctx, x.hostCtx = nil, nil }

// goFunction wraps a host function for wazero: it finds the exchange of the
// calling instance and counts the call against the limit.
func (f HostFunction) goFunction() api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		x := ctx.Value(exchangeKey{}).(*Exchange)
		x.hostCtx = ctx
		x.importName = f.Name
		x.countCall()
		f.Run(x, stack)
	}
}

// State returns the ABI's state of the instance (Instance.SetState).
func (x *Exchange) State() any { return x.state }

// Context returns the context the running call was given.
func (x *Exchange) Context() context.Context {
	if x.ctx == nil {
		return context.Background()
	}
	return x.ctx
}

// Fail abandons the running call: it returns a *HostFunctionError naming the
// running host function with err. Fail does not return.
func (x *Exchange) Fail(err error) {
	x.failure = &HostFunctionError{Function: x.function, Import: x.importName, Err: err}
	panic(abandon{})
}

// Read returns length bytes of guest memory at ptr, counted against
// Limits.CallBytes. The result is a view, valid until the guest runs again
// or memory grows: copy what you keep. Outside guest memory, the call fails.
func (x *Exchange) Read(ptr, length uint32) []byte {
	x.countBytes(int64(length))
	b, ok := x.mem.Read(ptr, length)
	if !ok {
		x.Fail(fmt.Errorf("the guest passed %d bytes at offset %d, outside its memory of %d bytes",
			length, ptr, x.mem.Size()))
	}
	return b
}

// Write copies b into guest memory at ptr, counted against
// Limits.CallBytes. Outside guest memory, the call fails.
func (x *Exchange) Write(ptr uint32, b []byte) {
	x.countBytes(int64(len(b)))
	if !x.mem.Write(ptr, b) {
		x.Fail(fmt.Errorf("%d bytes at offset %d are outside the guest's memory of %d bytes",
			len(b), ptr, x.mem.Size()))
	}
}

// WriteUint32 and the other fixed-size writes store a little-endian value
// at ptr, as Wasm lays numbers out. Outside guest memory, the call fails.
func (x *Exchange) WriteUint32(ptr, v uint32) {
	x.countBytes(4)
	if !x.mem.WriteUint32Le(ptr, v) {
		x.Fail(fmt.Errorf("4 bytes at offset %d are outside the guest's memory of %d bytes", ptr, x.mem.Size()))
	}
}

// WriteUint8 stores one byte at ptr.
func (x *Exchange) WriteUint8(ptr uint32, v uint8) {
	x.countBytes(1)
	if !x.mem.WriteByte(ptr, v) {
		x.Fail(fmt.Errorf("1 byte at offset %d is outside the guest's memory of %d bytes", ptr, x.mem.Size()))
	}
}

// WriteUint16 stores a little-endian uint16 at ptr.
func (x *Exchange) WriteUint16(ptr uint32, v uint16) {
	x.countBytes(2)
	if !x.mem.WriteUint16Le(ptr, v) {
		x.Fail(fmt.Errorf("2 bytes at offset %d are outside the guest's memory of %d bytes", ptr, x.mem.Size()))
	}
}

// WriteUint64 stores a little-endian uint64 at ptr.
func (x *Exchange) WriteUint64(ptr uint32, v uint64) {
	x.countBytes(8)
	if !x.mem.WriteUint64Le(ptr, v) {
		x.Fail(fmt.Errorf("8 bytes at offset %d are outside the guest's memory of %d bytes", ptr, x.mem.Size()))
	}
}

// Give copies b into a buffer the guest allocates with its allocator
// (InstanceConfig.Allocator), and returns the buffer's offset. The call
// fails when the allocator traps or returns a buffer outside guest memory.
func (x *Exchange) Give(b []byte) uint32 {
	length := uint32(len(b))
	if uint64(length) != uint64(len(b)) {
		x.Fail(fmt.Errorf("%d bytes do not fit a 32-bit length", len(b)))
	}
	if x.alloc == nil {
		x.Fail(errors.New("the ABI gives the guest bytes, but no allocator was configured"))
	}
	x.countBytes(int64(len(b)))
	x.allocStack[0] = uint64(length)
	// The allocator runs inside the guest call, in its context, which
	// carries the exchange and the timeout.
	if err := x.alloc.CallWithStack(x.hostCtx, x.allocStack); err != nil {
		x.Fail(fmt.Errorf("the guest's %s(%d) failed: %s", x.allocName, length, firstLine(err.Error())))
	}
	ptr := uint32(x.allocStack[0])
	if !x.mem.Write(ptr, b) {
		x.Fail(fmt.Errorf("the guest's %s(%d) returned offset %d, outside its memory of %d bytes",
			x.allocName, length, ptr, x.mem.Size()))
	}
	return ptr
}

// MemorySize returns the size of guest memory in bytes.
func (x *Exchange) MemorySize() uint32 { return x.mem.Size() }

// HostCalls returns the host function calls made so far in the running call.
func (x *Exchange) HostCalls() int { return x.hostCalls }

// CallBytes returns the bytes moved so far in the running call.
func (x *Exchange) CallBytes() int64 { return x.callBytes }

// ResetCounts starts the host call and byte counts afresh, for an ABI whose
// one guest call does many units of work, each under the limits on its own.
func (x *Exchange) ResetCounts() { x.hostCalls, x.callBytes = 0, 0 }

// FunctionName returns the guest function running, for errors.
func (x *Exchange) FunctionName() string { return x.function }

// countCall counts one host function call against the limit.
func (x *Exchange) countCall() {
	x.hostCalls++
	if max := x.limits.HostCalls; max > 0 && x.hostCalls > max {
		x.stop(LimitHostCalls, int64(max), fmt.Sprintf("it made more than %d host function calls", max))
	}
}

// countBytes counts bytes crossing between host and guest against the limit.
func (x *Exchange) countBytes(n int64) {
	x.callBytes += n
	if max := x.limits.CallBytes; max > 0 && x.callBytes > max {
		x.stop(LimitCallBytes, max, fmt.Sprintf("it moved more than %d bytes between host and guest", max))
	}
}

// stop abandons the call for passing a limit.
func (x *Exchange) stop(limit Limit, max int64, detail string) {
	x.failure = &LimitError{Function: x.function, Limit: limit, Max: max, Detail: detail}
	panic(abandon{})
}

// RunHostFunction runs f as a guest calling it would, but without a guest
// call around it, and returns the error that would abandon the guest's
// call (nil when f succeeded). It is for tests of an ABI's host functions:
// counts and limits accumulate as within one call until the next Call.
func (x *Exchange) RunHostFunction(f HostFunction, stack []uint64) (err error) {
	x.failure, x.hostCtx = nil, x.bound
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(abandon); !ok {
				panic(v)
			}
			err = x.failure
		}
	}()
	x.importName = f.Name
	x.countCall()
	f.Run(x, stack)
	return nil
}

// Copy returns a copy of length bytes of guest memory at ptr, for the host
// to read what a guest function returned, outside host functions (where
// Read would abandon a call). Outside guest memory it returns an error.
func (x *Exchange) Copy(ptr, length uint32) ([]byte, error) {
	b, ok := x.mem.Read(ptr, length)
	if !ok {
		return nil, fmt.Errorf("%d bytes at offset %d are outside the guest's memory of %d bytes", length, ptr, x.mem.Size())
	}
	return append([]byte(nil), b...), nil
}
