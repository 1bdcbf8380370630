package hostabi

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// exchange is the one place where bytes cross between the host and one guest
// instance. It holds the record of the call in progress and turns every
// host-side failure into an abandoned call with a HostFunctionError.
type exchange struct {
	function   string // the guest function being called, for errors
	mem        api.Memory
	alloc      api.Function
	allocStack []uint64
	opts       *options // the module's params and log

	names   []string // scratch for get_header_names
	scratch []byte   // scratch for get_header_names

	rec        Record // the record of the call in progress
	importName string // the host function running, for errors
	failure    error  // why the host abandoned the call, if it did
	hostCalls  int    // host function calls so far in this call
	callBytes  int64  // bytes moved so far in this call
}

// begin readies the exchange for a call over rec.
func (x *exchange) begin(rec Record) {
	x.rec, x.failure, x.hostCalls, x.callBytes = rec, nil, 0, 0
}

// abandon is the panic value that unwinds a guest call after a host failure.
// wazero turns a host function's panic into an error returned by the call.
type abandon struct{}

// fail records why the call is abandoned and unwinds the guest.
func (x *exchange) fail(err error) {
	x.failure = &HostFunctionError{Function: x.function, Import: x.importName, Err: err}
	panic(abandon{})
}

// read returns a view of guest memory; the caller copies what it keeps.
func (x *exchange) read(ptr, length uint32) []byte {
	x.countBytes(int(length))
	b, ok := x.mem.Read(ptr, length)
	if !ok {
		x.fail(fmt.Errorf("the guest passed %d bytes at offset %d, outside its memory of %d bytes",
			length, ptr, x.mem.Size()))
	}
	return b
}

// give copies b into a buffer the guest allocates with its alloc export, and
// returns the packed pointer and length the getter returns to the guest.
func (x *exchange) give(ctx context.Context, b []byte, err error) uint64 {
	if err != nil {
		x.fail(err)
	}
	length := uint32(len(b))
	if uint64(length) != uint64(len(b)) || length&errorBit != 0 {
		x.fail(fmt.Errorf("%d bytes do not fit the ABI's 31-bit length", len(b)))
	}
	x.countBytes(len(b))
	x.allocStack[0] = uint64(length)
	if callErr := x.alloc.CallWithStack(ctx, x.allocStack); callErr != nil {
		x.fail(fmt.Errorf("the guest's %s(%d) failed: %s", ExportAlloc, length, firstLine(callErr.Error())))
	}
	ptr := uint32(x.allocStack[0])
	if !x.mem.Write(ptr, b) {
		x.fail(fmt.Errorf("the guest's %s(%d) returned offset %d, outside its memory of %d bytes",
			ExportAlloc, length, ptr, x.mem.Size()))
	}
	return pack(ptr, length)
}

type exchangeKey struct{}

// exchangeFrom finds the exchange of the instance whose call is running.
func exchangeFrom(ctx context.Context) *exchange {
	return ctx.Value(exchangeKey{}).(*exchange)
}
