//go:build !wasm

package smt

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Outside wasm there is no host: the API reads and writes an in-memory
// TestHost, so guest logic can be unit tested with a native `go test`. Like
// the real host, reading an absent key, value, topic or header, or setting
// a negative timestamp, fails the record: here it panics (which
// [TestHost.Run] turns into an error, as the real host does with a trap).

// TestHost is the in-memory host of native (non-wasm) builds. Install it
// with [SetTestHost], or use [TestHost.Run], which also gives the call the
// real host's all-or-nothing semantics.
type TestHost struct {
	// Record is the record the SDK functions read and write.
	Record Record

	// Partition is what [Partition] returns when HasPartition is true.
	Partition    int32
	HasPartition bool
	// TimestampMillis is what [TimestampMillis] returns when HasTimestamp
	// is true; [SetTimestamp] sets both.
	TimestampMillis int64
	HasTimestamp    bool

	// Params is the processor's `params` map that [Param] reads.
	Params map[string]string

	// Outputs of the calls: Dropped is set by [Drop], Emitted collects the
	// records passed to [Emit] and Logs the messages passed to [Log].
	Dropped bool
	Emitted []Record
	Logs    []LogEntry
}

// LogEntry is one message written with [Log] to a [TestHost].
type LogEntry struct {
	Level   LogLevel
	Message string
}

var (
	testHost *TestHost
	testRec  *Record // &testHost.Record, or the record given to SetTestRecord

	testErrors [errSlotCount]string
	testNext   int
)

// SetTestHost makes the SDK functions read and write h (native builds
// only); nil uninstalls it. Writes are applied to h at once; use
// [TestHost.Run] to apply them only when the call succeeds, as the real host
// does.
func SetTestHost(h *TestHost) {
	testHost, testRec = h, nil
	if h != nil {
		testRec = &h.Record
	}
}

// SetTestRecord makes the SDK functions read and write *r (native builds
// only), with no partition, timestamp or params; nil uninstalls it. Unlike
// the real host, writes are applied at once, not only when the call
// succeeds.
func SetTestRecord(r *Record) {
	if r == nil {
		SetTestHost(nil)
		return
	}
	testHost, testRec = &TestHost{}, r
}

// Run calls f, a guest function of type func() or func() uint64, the way
// the real host calls an exported function: with h installed, all of the
// call's writes (record, timestamp, Drop, Emit) applied to h only if it
// succeeds, and the result decoded. It returns nil on success, the error
// message of an error result, or an error describing a panic (which the real
// host sees as a trap; this includes reading an absent field). Dropped and
// Emitted describe the last call only; Logs accumulates, even from failed
// calls.
func (h *TestHost) Run(f any) (err error) {
	saved := *h
	saved.Record = cloneRecord(h.Record)
	h.Dropped, h.Emitted = false, nil
	prevHost, prevRec := testHost, testRec
	SetTestHost(h)
	defer func() { testHost, testRec = prevHost, prevRec }()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("smt: guest function panicked: %v", p)
		}
		if err != nil {
			logs := h.Logs
			*h = saved
			h.Logs = logs
			h.Dropped, h.Emitted = false, nil
		}
	}()
	switch f := f.(type) {
	case func():
		f()
		return nil
	case func() uint64:
		return TestResult(f())
	default:
		return fmt.Errorf("smt: Run needs a func() or func() uint64, not %T", f)
	}
}

func cloneRecord(r Record) Record {
	r.Key = slices.Clone(r.Key)
	r.Value = slices.Clone(r.Value)
	if r.Headers != nil {
		r.Headers = maps.Clone(r.Headers)
		for k, v := range r.Headers {
			r.Headers[k] = slices.Clone(v)
		}
	}
	return r
}

// TestResult decodes a function result in a native build: nil for success,
// else the error message made with Error, Errorf or Result.
func TestResult(res uint64) error {
	if uint32(res)&errFlag == 0 {
		return nil
	}
	id := res >> 32
	if id < 1 || id > errSlotCount {
		return fmt.Errorf("smt: unknown error result %#x", res)
	}
	return errors.New(testErrors[id-1])
}

func current() *Record {
	if testRec == nil {
		panic("smt: no host (not a wasm build): call SetTestHost or SetTestRecord first")
	}
	return testRec
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
	default:
		panic("smt: bad getter")
	}
	return append(make([]byte, 0, len(b)), b...), true
}

func getHeaderNames() []byte {
	return encodeHeaderNames(slices.Sorted(maps.Keys(current().Headers)))
}

func getParam(name string) ([]byte, bool) {
	current()
	v, ok := testHost.Params[name]
	return []byte(v), ok
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
	default:
		panic("smt: bad setter")
	}
}

func hasKey() bool { return current().HasKey }

func hasHeader(name string) bool {
	_, ok := current().Headers[name]
	return ok
}

func removeHeader(name string) { delete(current().Headers, name) }

func partition() int32 {
	current()
	if !testHost.HasPartition {
		return -1
	}
	return testHost.Partition
}

func timestamp() int64 {
	current()
	if !testHost.HasTimestamp {
		return -1
	}
	return testHost.TimestampMillis
}

func setTimestamp(ms int64) {
	current()
	if ms < 0 {
		panic(fmt.Sprintf("smt: set_timestamp(%d): the timestamp must be 0 or more", ms))
	}
	testHost.TimestampMillis, testHost.HasTimestamp = ms, true
}

func drop() {
	current()
	testHost.Dropped = true
}

func emit(recordJSON []byte) {
	current()
	n, err := decodeRecord(recordJSON) // a copy, as the host makes
	if err != nil {
		panic(err)
	}
	testHost.Emitted = append(testHost.Emitted, n)
}

func logMessage(level LogLevel, msg string) {
	current()
	testHost.Logs = append(testHost.Logs, LogEntry{Level: level, Message: msg})
}

func errorResult(msg string) uint64 {
	testErrors[testNext] = msg
	id := testNext + 1
	testNext = (testNext + 1) % errSlotCount
	return uint64(id)<<32 | uint64(len(msg)) | errFlag
}
