package hostabi

import (
	"fmt"
	"time"
)

// MaxMemoryPages is the most linear memory Wasm allows one memory: 65536
// pages of 64 KiB, 4 GiB.
const MaxMemoryPages = 65536

// Limits bound what one guest can cost the host. A zero field means no
// bound (for MemoryPages, Wasm's own 4 GiB).
type Limits struct {
	// MemoryPages is the most linear memory an instance may have, in 64 KiB
	// pages, at most MaxMemoryPages. A module that declares more fails to
	// load; a guest whose memory.grow would pass it sees the grow fail (most
	// guests then trap).
	MemoryPages uint32
	// Timeout is the most time one call may take. Interrupting a guest needs
	// wazero's termination checks in every loop, which slow loops down: see
	// the README for the measured cost.
	Timeout time.Duration
	// HostCalls is the most host function calls one guest call may make.
	HostCalls int
	// CallBytes is the most bytes one guest call may move between host and
	// guest, both ways: everything read from or written to guest memory.
	CallBytes int64
}

// validate range-checks every limit.
func (l Limits) validate() error {
	switch {
	case l.MemoryPages > MaxMemoryPages:
		return &OptionError{Option: "Limits.MemoryPages", Value: l.MemoryPages,
			Want: fmt.Sprintf("0 (no limit) to %d pages", MaxMemoryPages)}
	case l.Timeout < 0:
		return &OptionError{Option: "Limits.Timeout", Value: l.Timeout, Want: "0 (off) or more"}
	case l.HostCalls < 0:
		return &OptionError{Option: "Limits.HostCalls", Value: l.HostCalls, Want: "0 (no limit) or more"}
	case l.CallBytes < 0:
		return &OptionError{Option: "Limits.CallBytes", Value: l.CallBytes, Want: "0 (no limit) or more"}
	}
	return nil
}

// Limit names one of the Limits, in a *LimitError.
type Limit int

// The limits a call or a module can pass.
const (
	LimitMemoryPages Limit = iota + 1
	LimitHostCalls
	LimitCallBytes
)

func (l Limit) String() string {
	switch l {
	case LimitMemoryPages:
		return "memory pages"
	case LimitHostCalls:
		return "host calls"
	case LimitCallBytes:
		return "call bytes"
	}
	return fmt.Sprintf("Limit(%d)", int(l))
}
