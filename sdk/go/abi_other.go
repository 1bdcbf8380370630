//go:build !wasm

package smt

import (
	"errors"
	"fmt"
)

// Outside wasm there is no host: the API reads and writes an in-memory
// record installed with SetTestRecord, so guest logic can be unit tested with
// a native `go test`. Like the real host, reading an absent key, value, topic
// or header fails: here it panics.

var (
	testRecord *Record
	testErrors = map[uint32]string{}
	testNextID uint32
)

// SetTestRecord makes the SDK functions read and write *r (native builds
// only). Unlike the real host, writes are applied at once, not only when the
// call succeeds.
func SetTestRecord(r *Record) { testRecord = r }

// TestResult decodes a function result in a native build: nil for success,
// else the error message made with Error, Errorf or Result. Like the host's
// dealloc, it releases the message.
func TestResult(res uint64) error {
	if uint32(res)&errFlag == 0 {
		return nil
	}
	id := uint32(res >> 32)
	msg, ok := testErrors[id]
	if !ok {
		return fmt.Errorf("smt: unknown error result %#x", res)
	}
	delete(testErrors, id)
	return errors.New(msg)
}

func current() *Record {
	if testRecord == nil {
		panic("smt: no host (not a wasm build): call SetTestRecord first")
	}
	return testRecord
}

func get(k kind, name string) ([]byte, bool) {
	r := current()
	var b []byte
	switch k {
	case kindKey:
		if !r.HasKey {
			panic("smt: the record has no key")
		}
		b = r.Key
	case kindValue:
		if !r.HasValue {
			panic("smt: the record has no value")
		}
		b = r.Value
	case kindTopic:
		if !r.HasTopic {
			panic("smt: the record has no topic")
		}
		b = []byte(r.Topic)
	case kindHeader:
		v, ok := r.Headers[name]
		if !ok {
			panic("smt: the record has no header " + name)
		}
		b = v
	case kindRecord:
		b = encodeRecord(*r)
	}
	return append(make([]byte, 0, len(b)), b...), true
}

func set(k kind, name string, v []byte) {
	r := current()
	v = append(make([]byte, 0, len(v)), v...) // the host copies
	switch k {
	case kindKey:
		r.SetKey(v)
	case kindValue:
		r.SetValue(v)
	case kindTopic:
		r.SetTopic(string(v))
	case kindHeader:
		if r.Headers == nil {
			r.Headers = map[string][]byte{}
		}
		r.Headers[name] = v
	case kindRecord:
		n, err := decodeRecord(v)
		if err != nil {
			panic(err)
		}
		*r = n
	}
}

func pinError(msg string) uint64 {
	testNextID++
	testErrors[testNextID] = msg
	return uint64(testNextID)<<32 | uint64(len(msg)) | errFlag
}
