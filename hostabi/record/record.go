// Package record defines the host's view of one record, the Record
// interface that an ABI's host functions read and write and that a host
// (the wasm_smt processor, a test) implements over its own messages.
package record

import "errors"

// ErrAbsent is returned (wrapped) by a Record for a part it does not have. An
// absent part is not the same as an empty one. Its text is meant to end a
// message that already says what is absent, e.g. "the record has no key:
// absent".
var ErrAbsent = errors.New("absent")

// Record is the host's view of the record a guest call works on.
//
// Getters return the bytes the guest sees (after the part's converter); the
// result is copied into guest memory before the next Record call, so it may
// share memory with the record. Setters receive a view into guest memory that
// is valid only until they return: implementations copy what they keep.
// Within one guest call, a getter must see what earlier setters wrote.
// A Record is used by one goroutine at a time.
type Record interface {
	Key() ([]byte, error)
	SetKey(b []byte) error
	RemoveKey()

	Value() ([]byte, error)
	SetValue(b []byte) error
	RemoveValue()

	Topic() ([]byte, error)
	SetTopic(b []byte) error
	RemoveTopic()

	Header(name []byte) ([]byte, error)
	SetHeader(name, value []byte) error
	RemoveHeader(name []byte)
	// HeaderNames appends the names of the present headers to dst, in any order.
	HeaderNames(dst []string) []string

	// HasKey and HasHeader report presence; they never fail.
	HasKey() bool
	HasHeader(name []byte) bool

	// Partition returns the record's partition, or -1 when it has none; an
	// error means the host holds a partition that is not a number.
	Partition() (int32, error)
	// Timestamp returns milliseconds since the Unix epoch, or -1 when the
	// record has none; an error means the host holds one it cannot read.
	Timestamp() (int64, error)
	SetTimestamp(ms int64) error
	// Offset returns the record's offset in its partition, or -1 when it
	// has none; an error means the host holds one it cannot read.
	Offset() (int64, error)

	// Drop filters the record out if the call succeeds.
	Drop()
	// Emit starts a record that follows this one if the call succeeds: a copy
	// of this record as it was before the call, whose parts the caller then
	// replaces.
	Emit() Record
}

// IsAbsent reports whether err says a part is absent.
func IsAbsent(err error) bool { return errors.Is(err, ErrAbsent) }
