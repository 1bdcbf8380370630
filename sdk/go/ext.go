package smt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"
)

// The ABI extensions (docs/ABI.md, "Extensions"): presence tests, header
// listing and removal, partition and timestamp, filtering and fan-out,
// parameters and logging. A guest that calls none of these imports none of
// the extension host functions and runs on any original-ABI host.

// HasKey reports whether the record has a key (after the writes made earlier
// in the same call). Unlike [Key] it never fails the record.
func HasKey() bool { return hasKey() }

// HasHeader reports whether the record has a header called name. Unlike
// [Header] it never fails the record.
func HasHeader(name string) bool { return hasHeader(name) }

// RemoveHeader removes the header called name; removing an absent header is
// not an error.
func RemoveHeader(name string) { removeHeader(name) }

// HeaderNames returns the names of the record's headers, each once, in
// ascending byte order. It returns an empty (non-nil) slice when there are
// none.
func HeaderNames() []string {
	names, err := decodeHeaderNames(getHeaderNames())
	if err != nil {
		panic(err) // a host bug, not something the guest can handle
	}
	return names
}

// Partition returns the record's partition, or false if it has none.
func Partition() (int32, bool) {
	p := partition()
	return p, p >= 0
}

// TimestampMillis returns the record's timestamp in milliseconds since the
// Unix epoch, or false if it has none.
func TimestampMillis() (int64, bool) {
	ms := timestamp()
	return ms, ms >= 0
}

// Timestamp returns the record's timestamp (in UTC, millisecond precision),
// or false if it has none.
func Timestamp() (time.Time, bool) {
	ms, ok := TimestampMillis()
	if !ok {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}

// SetTimestampMillis sets the record's timestamp, in milliseconds since the
// Unix epoch. A negative ms fails the record (the host refuses it).
func SetTimestampMillis(ms int64) { setTimestamp(ms) }

// SetTimestamp sets the record's timestamp to t, truncated to the
// millisecond. A time before 1970 fails the record.
func SetTimestamp(t time.Time) { setTimestamp(t.UnixMilli()) }

// Drop filters the record out: if the call succeeds, the record is
// acknowledged and goes no further (it is not an error). Records passed to
// [Emit] in the same call are still output.
func Drop() { drop() }

// Emit outputs an extra record after this one (fan-out: one record in, many
// out). The emitted record is a copy of the incoming record (partition,
// timestamp and so on) whose topic, key, value and headers are replaced by
// r's, as [SetRecord] would. Emitted records appear in the order of the Emit
// calls, and only if the call succeeds. Writes made to the current record
// before Emit do not carry over to the emitted one: start from [GetRecord]
// and change that.
func Emit(r Record) { emit(encodeRecord(r)) }

// Param returns the value of the entry name of the processor's `params`
// map, or false if there is no such entry. An empty value is present.
func Param(name string) (string, bool) {
	b, ok := getParam(name)
	if !ok {
		return "", false
	}
	// b is a fresh slice nobody else references, so the string may share it.
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

// LogLevel is the level of a message written with [Log].
type LogLevel int32

// The log levels of the host's logger.
const (
	LevelDebug LogLevel = 0
	LevelInfo  LogLevel = 1
	LevelWarn  LogLevel = 2
	LevelError LogLevel = 3
)

// String returns "debug", "info", "warn" or "error" (the host's reading of
// the level: below debug is debug, above error is error).
func (l LogLevel) String() string {
	switch {
	case l <= LevelDebug:
		return "debug"
	case l == LevelInfo:
		return "info"
	case l == LevelWarn:
		return "warn"
	default:
		return "error"
	}
}

// Log writes msg (UTF-8) to the host's log at the given level. Logging does
// not change the record and is not undone if the call fails.
func Log(level LogLevel, msg string) { logMessage(level, msg) }

// Logf is Log with fmt.Sprintf formatting.
func Logf(level LogLevel, format string, args ...any) {
	logMessage(level, fmt.Sprintf(format, args...))
}

// decodeHeaderNames parses the get_header_names buffer: a u32 little-endian
// count, then per name a u32 little-endian length and the name's bytes. The
// strings share b, which the caller must own and never change.
func decodeHeaderNames(b []byte) ([]string, error) {
	if len(b) < 4 {
		return nil, errors.New("smt: header names buffer shorter than its count")
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	// Each name takes at least 4 bytes: do not trust count for the size.
	names := make([]string, 0, min(uint64(count), uint64(len(b)/4)))
	for i := uint32(0); i < count; i++ {
		if len(b) < 4 {
			return nil, errors.New("smt: header names buffer truncated at name " + strconv.FormatUint(uint64(i), 10))
		}
		n := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return nil, errors.New("smt: header names buffer truncated in name " + strconv.FormatUint(uint64(i), 10))
		}
		names = append(names, unsafe.String(unsafe.SliceData(b), int(n)))
		b = b[n:]
	}
	if len(b) != 0 {
		return nil, errors.New("smt: header names buffer has trailing bytes")
	}
	return names, nil
}

// encodeHeaderNames builds the get_header_names buffer for names (used by
// the native test host, and by tests of the decoder).
func encodeHeaderNames(names []string) []byte {
	size := 4
	for _, n := range names {
		size += 4 + len(n)
	}
	b := make([]byte, 0, size)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
	for _, n := range names {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(n)))
		b = append(b, n...)
	}
	return b
}
