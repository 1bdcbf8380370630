package smt

import (
	"fmt"
	"unsafe"
)

// kind selects which host getter or setter a call goes to.
type kind uint8

const (
	kindKey kind = iota
	kindValue
	kindTopic
	kindHeader
	kindRecord
)

// owned returns the bytes of a host getter as a slice the caller owns. It is
// never nil (an empty value is a non-nil empty slice).
func owned(k kind, name string) []byte {
	b, fresh := get(k, name)
	if fresh {
		return b
	}
	return append(make([]byte, 0, len(b)), b...)
}

// appended appends the bytes of a host getter to dst without allocating when
// dst has room.
func appended(k kind, name string, dst []byte) []byte {
	b, _ := get(k, name)
	return append(dst, b...)
}

// Key returns the record key (after the host's key converter).
func Key() []byte { return owned(kindKey, "") }

// AppendKey appends the record key to dst and returns the extended slice.
func AppendKey(dst []byte) []byte { return appended(kindKey, "", dst) }

// SetKey replaces the record key. The host copies k during the call.
func SetKey(k []byte) { set(kindKey, "", k) }

// Value returns the record value (the message payload).
func Value() []byte { return owned(kindValue, "") }

// AppendValue appends the record value to dst and returns the extended slice.
// With a reused dst it reads the value without allocating.
func AppendValue(dst []byte) []byte { return appended(kindValue, "", dst) }

// SetValue replaces the record value. The host copies v during the call.
func SetValue(v []byte) { set(kindValue, "", v) }

// Topic returns the record topic.
func Topic() string {
	b := owned(kindTopic, "")
	// b is a fresh slice nobody else references, so the string may share it.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// SetTopic replaces the record topic.
func SetTopic(t string) { set(kindTopic, "", unsafe.Slice(unsafe.StringData(t), len(t))) }

// Header returns the value of the header called name.
func Header(name string) []byte { return owned(kindHeader, name) }

// AppendHeader appends the value of the header called name to dst.
func AppendHeader(dst []byte, name string) []byte { return appended(kindHeader, name, dst) }

// SetHeader sets the header called name to v, adding it if it is not there.
func SetHeader(name string, v []byte) { set(kindHeader, name, v) }

// GetRecord returns the whole record (topic, key, value and all headers).
// The error reports a record JSON the SDK cannot parse, which means a host
// bug.
func GetRecord() (Record, error) {
	b, _ := get(kindRecord, "")
	return decodeRecord(b)
}

// SetRecord replaces the topic, key, value and all headers of the record
// with r. An absent (Has* false) key, value or topic becomes absent; nil
// Headers removes every header.
func SetRecord(r Record) { set(kindRecord, "", encodeRecord(r)) }

// errFlag is bit 31 of the length half of a packed result: the buffer is an
// error message.
const errFlag = 1 << 31

// errSlotCount error results may be built in one call and all stay valid;
// the next Error reuses the oldest one's buffer.
const errSlotCount = 4

// Error returns a function result that fails the record with msg. Return it
// from the exported function:
//
//	//go:wasmexport check
//	func check() uint64 {
//		if len(smt.Value()) == 0 {
//			return smt.Error("empty value")
//		}
//		return 0
//	}
//
// Return the result directly: the message lives in one of a few reused
// buffers, which the host reads right after the call. Up to four error
// results built in one call stay valid; a fifth reuses the first one's
// buffer. A message longer than 2 GiB - 1 bytes is truncated.
func Error(msg string) uint64 {
	if len(msg) > errFlag-1 {
		msg = msg[:errFlag-1]
	}
	return errorResult(msg)
}

// Errorf is Error with fmt.Sprintf formatting.
func Errorf(format string, args ...any) uint64 {
	return Error(fmt.Sprintf(format, args...))
}

// Result turns an error into a function result: 0 (success) for nil, else
// Error(err.Error()).
func Result(err error) uint64 {
	if err == nil {
		return 0
	}
	return Error(err.Error())
}
