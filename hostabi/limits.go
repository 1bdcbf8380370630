package hostabi

import (
	"fmt"
	"time"
)

// Limits bound what one guest can cost the host. A zero field means no
// bound (beyond wazero's own 4 GiB of memory).
type Limits struct {
	// MemoryPages is the most linear memory an instance may have, in 64 KiB
	// pages. A module that declares more fails to load; a guest whose
	// memory.grow would pass it sees the grow fail (most guests then trap).
	MemoryPages uint32
	// Timeout is the most time one call may take. Interrupting a guest needs
	// wazero's termination checks in every loop, which slow loops down: see
	// the README for the measured cost.
	Timeout time.Duration
	// HostCalls is the most host function calls one guest call may make.
	HostCalls int
	// CallBytes is the most bytes one guest call may move between host and
	// guest, both ways: what getters copy in, and what setters, emit_record
	// and log copy out.
	CallBytes int64
}

// WithLimits bounds every instance of the module.
func WithLimits(l Limits) Option {
	return func(o *options) { o.limits = l }
}

// LimitError is a guest call stopped for passing one of its Limits. The
// instance is discarded, like after a trap.
type LimitError struct {
	Function string
	Limit    string // the config field of the limit, e.g. max_host_calls
	Detail   string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("guest function %s stopped: %s (%s)", e.Function, e.Detail, e.Limit)
}

// TimeoutError is a guest call stopped after running longer than the
// timeout. The instance is discarded.
type TimeoutError struct {
	Function string
	Timeout  time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("guest function %s stopped: it ran longer than the timeout of %s", e.Function, e.Timeout)
}

// countCall counts one host function call against the limit.
func (x *exchange) countCall() {
	x.hostCalls++
	if max := x.opts.limits.HostCalls; max > 0 && x.hostCalls > max {
		x.stop("max_host_calls", fmt.Sprintf("it made more than %d host function calls", max))
	}
}

// countBytes counts bytes crossing between host and guest against the limit.
func (x *exchange) countBytes(n int) {
	x.callBytes += int64(n)
	if max := x.opts.limits.CallBytes; max > 0 && x.callBytes > max {
		x.stop("max_call_bytes", fmt.Sprintf("it moved more than %d bytes between host and guest", max))
	}
}

// stop abandons the call for passing a limit.
func (x *exchange) stop(limit, detail string) {
	x.failure = &LimitError{Function: x.function, Limit: limit, Detail: detail}
	panic(abandon{})
}
