package hostabi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/sys"
)

// GuestError is a record failure the guest function reported itself, by
// returning a message with bit 31 of its length set. The instance stays usable.
type GuestError struct {
	Function string
	Message  string
}

func (e *GuestError) Error() string {
	return fmt.Sprintf("guest function %s returned an error: %s", e.Function, e.Message)
}

// HostFunctionError is a host function refusing what the guest asked of it:
// an absent part, bytes the converter refuses, a pointer outside guest memory.
// The call is abandoned and the instance discarded.
type HostFunctionError struct {
	Function string // the guest function that was running
	Import   string // the host function that failed, e.g. get_key
	Err      error
}

func (e *HostFunctionError) Error() string {
	return fmt.Sprintf("guest function %s: host function %s failed: %v", e.Function, e.Import, e.Err)
}

func (e *HostFunctionError) Unwrap() error { return e.Err }

// TrapError is a guest call that did not return normally: a Wasm trap
// (unreachable, out-of-bounds access, ...) or a WASI exit. The guest's state is
// undefined afterwards, so the instance is discarded.
type TrapError struct {
	Function string
	Err      error
	// MemoryPages and MemoryLimit describe the instance's memory when it
	// trapped, to tell a guest that ran out of memory.
	MemoryPages, MemoryLimit uint32
}

func (e *TrapError) Error() string {
	var exit *sys.ExitError
	if errors.As(e.Err, &exit) && exit.ExitCode() != sys.ExitCodeDeadlineExceeded {
		return fmt.Sprintf("guest function %s exited with code %d (a Go guest exits like this when it panics; its stderr is in the log)", e.Function, exit.ExitCode())
	}
	msg := fmt.Sprintf("guest function %s trapped: %s", e.Function, firstLine(e.Err.Error()))
	// A failed memory.grow asks for an unknown number of pages, so any trap
	// past half the limit may be a guest that ran out.
	if e.MemoryLimit > 0 && uint64(e.MemoryPages)*2 >= uint64(e.MemoryLimit) {
		msg += fmt.Sprintf(" (its memory was %d of at most %d pages: if it ran out, raise max_memory_pages)", e.MemoryPages, e.MemoryLimit)
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
