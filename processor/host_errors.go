package processor

import (
	"errors"
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// The host core and the ABI packages know no config fields; their errors
// are typed, and these functions name the wasm_smt field a user would
// change.

// limitFields maps each limit onto its config field.
var limitFields = map[hostabi.Limit]string{
	hostabi.LimitMemoryPages: fieldMaxMemoryPages,
	hostabi.LimitHostCalls:   fieldMaxHostCalls,
	hostabi.LimitCallBytes:   fieldMaxCallBytes,
}

// optionFields maps each core option onto its config field.
var optionFields = map[string]string{
	"Limits.MemoryPages": fieldMaxMemoryPages,
	"Limits.Timeout":     fieldTimeout,
	"Limits.HostCalls":   fieldMaxHostCalls,
	"Limits.CallBytes":   fieldMaxCallBytes,
}

// loadError names the field behind an error of loading a module.
func loadError(err error) error {
	var (
		limit    *hostabi.LimitError
		option   *hostabi.OptionError
		mismatch *hostabi.MismatchError
	)
	switch {
	case errors.As(err, &limit):
		return fmt.Errorf("field %s: %w", limitFields[limit.Limit], err)
	case errors.As(err, &option) && optionFields[option.Option] != "":
		return fmt.Errorf("field %s: %w", optionFields[option.Option], err)
	case errors.As(err, &mismatch):
		return fmt.Errorf("field %s: %w", fieldModulePath, err)
	}
	return fmt.Errorf("field %s: %w", fieldModulePath, err)
}

// callError says which field bounds a failed call, where one does.
func callError(err error) error {
	var (
		limit *hostabi.LimitError
		trap  *hostabi.TrapError
	)
	switch {
	case errors.As(err, &limit):
		return fmt.Errorf("%w (%s)", err, limitFields[limit.Limit])
	case errors.As(err, &trap) && trap.MayBeOutOfMemory():
		return fmt.Errorf("%w: if it ran out, raise %s", err, fieldMaxMemoryPages)
	}
	return err
}
