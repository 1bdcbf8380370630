package hostabi

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"
)

// ErrBroken is returned by Instance.Call on an instance that an earlier
// failure left unusable (see Instance.Broken).
var ErrBroken = errors.New("the instance is broken by an earlier failure")

// OptionError is an option given out of its range. Nothing was loaded.
type OptionError struct {
	Option string // e.g. Limits.MemoryPages
	Value  any    // what was given
	Want   string // the allowed range
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("option %s is %v, expected %s", e.Option, e.Value, e.Want)
}

// LimitError is a module or a call stopped for passing one of its Limits.
// After a call, the instance is broken.
type LimitError struct {
	Function string // the export that was running; empty when a module failed to load
	Limit    Limit
	Max      int64 // the limit's value
	Detail   string
}

func (e *LimitError) Error() string {
	if e.Function == "" {
		return e.Detail
	}
	return fmt.Sprintf("guest function %s stopped: %s", e.Function, e.Detail)
}

// TimeoutError is a call stopped after running longer than Limits.Timeout.
// The instance is broken.
type TimeoutError struct {
	Function string
	Timeout  time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("guest function %s stopped: it ran longer than the timeout of %s", e.Function, e.Timeout)
}

// HostFunctionError is a host function refusing what the guest asked of it
// (a pointer outside guest memory, a part the record does not have, bytes
// the host cannot take). The call is abandoned and the instance is broken.
type HostFunctionError struct {
	Function string // the guest function that was running
	Import   string // the host function that failed
	Err      error
}

func (e *HostFunctionError) Error() string {
	return fmt.Sprintf("guest function %s: host function %s failed: %v", e.Function, e.Import, e.Err)
}

func (e *HostFunctionError) Unwrap() error { return e.Err }

// TrapError is a call that did not return normally: a Wasm trap
// (unreachable, an out-of-bounds access, ...) or a WASI exit. The guest's
// state is undefined afterwards, so the instance is broken.
type TrapError struct {
	Function string
	Err      error
	// MemoryPages and MemoryLimit describe the instance's memory when it
	// trapped, to tell a guest that may have run out of memory.
	MemoryPages, MemoryLimit uint32
}

// ExitCode returns the code a guest exited with (WASI proc_exit, or a Go
// guest's panic), and false when it trapped instead.
func (e *TrapError) ExitCode() (uint32, bool) {
	var exit *sys.ExitError
	if errors.As(e.Err, &exit) {
		return exit.ExitCode(), true
	}
	return 0, false
}

// MayBeOutOfMemory reports whether the guest's memory had passed half its
// limit when it trapped. A failed memory.grow asks for an unknown number of
// pages, and a guest that cannot grow usually traps, so such a trap may be a
// guest that ran out.
func (e *TrapError) MayBeOutOfMemory() bool {
	return e.MemoryLimit > 0 && uint64(e.MemoryPages)*2 >= uint64(e.MemoryLimit)
}

func (e *TrapError) Error() string {
	if code, exited := e.ExitCode(); exited {
		return fmt.Sprintf("guest function %s exited with code %d (a standard Go guest exits with code 2 when it panics; what the guest wrote to stderr is in the log)", e.Function, code)
	}
	msg := fmt.Sprintf("guest function %s trapped: %s", e.Function, firstLine(e.Err.Error()))
	if e.MayBeOutOfMemory() {
		msg += fmt.Sprintf(" (its memory was %d of at most %d pages)", e.MemoryPages, e.MemoryLimit)
	}
	return msg
}

func (e *TrapError) Unwrap() error { return e.Err }

// firstLine drops the Wasm stack trace wazero appends to trap messages.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
