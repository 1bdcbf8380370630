package kafkaconnect

// Fuzz targets of the host side of the ABI (docs/ABI.md):
//
//   - FuzzRecordJSON: the record JSON of get_record, set_record and
//     emit_record, against an independent reading of the ABI's grammar.
//   - FuzzHostFunctions: every host function, run by the real exchange of a
//     real instance, with fuzzed pointers, lengths, names, record JSON, log
//     levels, timestamps, limits and a misbehaving alloc, against a model of
//     what the ABI says each call does.
//
// Run one with `go test -run='^$' -fuzz='^FuzzRecordJSON$' ./hostabi`, or
// all of them with scripts/fuzz.sh. Plain `go test` runs the seeds and
// testdata/fuzz/ as regression tests.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

// ---------------------------------------------------------------------------
// Record state, for comparing a MemRecord before and after.

// recState is everything a MemRecord holds, copied.
type recState struct {
	key, value, topic *string
	headers           map[string]string
	partition         int32
	timestamp         int64
	dropped           bool
	emitted           []recState
}

func stateOf(r *recordtest.MemRecord) recState {
	key, value, topic, headers := r.Parts()
	partition, _ := r.Partition()
	timestamp, _ := r.Timestamp()
	dropped, emitted := r.Outcome()
	s := recState{
		key: clonePtr(key), value: clonePtr(value), topic: clonePtr(topic),
		headers:   maps.Clone(headers),
		partition: partition, timestamp: timestamp, dropped: dropped,
	}
	for _, e := range emitted {
		s.emitted = append(s.emitted, stateOf(e))
	}
	return s
}

func clonePtr(p *string) *string {
	if p == nil {
		return nil
	}
	return recordtest.Str(*p)
}

func (s recState) clone() recState {
	c := s
	c.key, c.value, c.topic = clonePtr(s.key), clonePtr(s.value), clonePtr(s.topic)
	c.headers = maps.Clone(s.headers)
	c.emitted = slices.Clone(s.emitted)
	return c
}

// partsEqual compares topic, key, value and headers; absent is not empty.
func (s recState) partsEqual(o recState) bool {
	return ptrEqual(s.key, o.key) && ptrEqual(s.value, o.value) && ptrEqual(s.topic, o.topic) &&
		maps.Equal(s.headers, o.headers) // a nil map and an empty one both mean no headers
}

func (s recState) equal(o recState) bool {
	if !s.partsEqual(o) || s.partition != o.partition || s.timestamp != o.timestamp ||
		s.dropped != o.dropped || len(s.emitted) != len(o.emitted) {
		return false
	}
	for i := range s.emitted {
		if !s.emitted[i].partsEqual(o.emitted[i]) {
			return false
		}
	}
	return true
}

func ptrEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func (s recState) String() string {
	show := func(p *string) string {
		if p == nil {
			return "<absent>"
		}
		return fmt.Sprintf("%q", *p)
	}
	return fmt.Sprintf("{topic %s key %s value %s headers %q partition %d timestamp %d dropped %v emitted %d}",
		show(s.topic), show(s.key), show(s.value), s.headers, s.partition, s.timestamp, s.dropped, len(s.emitted))
}

// withParts returns s with topic, key, value and headers replaced by in's,
// as set_record and emit_record replace them.
func (s recState) withParts(in recordJSON) recState {
	c := s.clone()
	c.topic, c.key, c.value = nil, nil, nil
	if in.Topic != nil {
		c.topic = recordtest.Str(*in.Topic)
	}
	if in.Key != nil {
		c.key = recordtest.Str(string(*in.Key))
	}
	if in.Value != nil {
		c.value = recordtest.Str(string(*in.Value))
	}
	c.headers = map[string]string{}
	for k, v := range in.Headers {
		c.headers[k] = string(v)
	}
	return c
}

// ---------------------------------------------------------------------------
// An independent reading of the record JSON grammar of docs/ABI.md.

// Ways the host's parser is known to accept record JSON the ABI does not
// allow (see the fuzzing report). For such input the target checks only
// what holds for every input; anything else outside the grammar must be
// refused.
const (
	devNull        = "null instead of a string or object"
	devFieldCase   = "field name matching a known field only case-insensitively"
	devDuplicate   = "duplicate field (the ABI does not say which one wins)"
	devBase64      = "non-canonical base64 (line breaks, or non-zero padding bits)"
	devInvalidUTF8 = "invalid UTF-8 inside a JSON string (replaced by U+FFFD)"
	devTrailing    = "non-JSON whitespace after the object"
)

// oracle is what the ABI says record JSON b means.
type oracle struct {
	valid     bool   // b is record JSON as the ABI defines it
	deviation string // b is outside the ABI in a way the host is known to tolerate
	why       string // why b is not valid, for messages
	state     recState
}

var recordFields = []string{"headers", "topic", "key", "value"}

func readRecordJSON(b []byte) (o oracle) {
	invalid := func(format string, args ...any) oracle {
		return oracle{why: fmt.Sprintf(format, args...)}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return invalid("not an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return invalid("bad field name: %v", err)
		}
		name := tok.(string)
		if seen[name] {
			o.deviation = devDuplicate
		}
		seen[name] = true
		if !slices.Contains(recordFields, name) {
			for _, known := range recordFields {
				if strings.EqualFold(name, known) {
					return oracle{deviation: devFieldCase, why: "field " + name}
				}
			}
			return invalid("unknown field %q", name)
		}
		tok, err = dec.Token()
		if err != nil {
			return invalid("bad value of %s: %v", name, err)
		}
		if tok == nil {
			return oracle{deviation: devNull, why: name + " is null"}
		}
		if name == "headers" {
			if tok != json.Delim('{') {
				return invalid("headers is %v, not an object", tok)
			}
			headers := map[string]string{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return invalid("bad header name: %v", err)
				}
				hname := tok.(string)
				tok, err = dec.Token()
				if err != nil {
					return invalid("bad header value: %v", err)
				}
				if tok == nil {
					return oracle{deviation: devNull, why: "header " + hname + " is null"}
				}
				s, ok := tok.(string)
				if !ok {
					return invalid("header %q is %v, not a string", hname, tok)
				}
				v, dev, err := strictBase64(s)
				if err != nil {
					return invalid("header %q: %v", hname, err)
				}
				if dev != "" {
					return oracle{deviation: dev}
				}
				if _, dup := headers[hname]; dup {
					return invalid("header %q appears twice (the ABI refuses duplicates)", hname)
				}
				headers[hname] = v
			}
			if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
				return invalid("headers object not closed")
			}
			o.state.headers = headers
			continue
		}
		s, ok := tok.(string)
		if !ok {
			return invalid("%s is %v, not a string", name, tok)
		}
		if name == "topic" {
			o.state.topic = recordtest.Str(s)
			continue
		}
		v, dev, err := strictBase64(s)
		if err != nil {
			return invalid("%s: %v", name, err)
		}
		if dev != "" {
			return oracle{deviation: dev}
		}
		if name == "key" {
			o.state.key = recordtest.Str(v)
		} else {
			o.state.value = recordtest.Str(v)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return invalid("object not closed")
	}
	if rest := b[dec.InputOffset():]; len(bytes.Trim(rest, " \t\r\n")) > 0 {
		if len(bytes.TrimSpace(rest)) == 0 {
			return oracle{deviation: devTrailing}
		}
		return invalid("data after the object")
	}
	if !utf8.Valid(b) {
		return oracle{deviation: devInvalidUTF8}
	}
	if o.deviation != "" {
		return oracle{deviation: o.deviation}
	}
	o.valid = true
	return o
}

// strictBase64 decodes standard base64 with padding, refusing anything
// non-canonical; dev names a non-canonical form encoding/json tolerates.
func strictBase64(s string) (decoded, dev string, err error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err == nil && !strings.ContainsAny(s, "\r\n") {
		return string(b), "", nil
	}
	if _, lenientErr := base64.StdEncoding.DecodeString(s); lenientErr == nil {
		return "", devBase64, nil
	}
	return "", "", errors.New("bad base64")
}

// ---------------------------------------------------------------------------
// FuzzRecordJSON

// startRecords are the records set_record is applied to.
func startRecord(i uint8) *recordtest.MemRecord {
	switch i % 4 {
	case 0:
		return recordtest.New(nil, nil, nil, nil)
	case 1:
		return recordtest.New(recordtest.Str(""), recordtest.Str(""), recordtest.Str(""), map[string]string{"": ""})
	case 2:
		r := recordtest.New(recordtest.Str("k"), recordtest.Str("v\x00\xff"), recordtest.Str("orders"), map[string]string{"a": "1", "trace-id": "\xff\xfe"})
		r.SetPartition(3)
		_ = r.SetTimestamp(1700000000000)
		return r
	default:
		return recordtest.New(nil, recordtest.Str("only a value"), nil, map[string]string{"ü": "é"})
	}
}

func FuzzRecordJSON(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"headers":{},"topic":"","key":"","value":""}`,
		`{"headers":{"a":"AP8=","b":"Mg=="},"topic":"foo","value":""}`,
		`{"headers":{"new":"eQ=="},"key":"a2V5","value":""}`,
		` {"topic":"t"} ` + "\n",
		`{"topic":"\u00fc\ud83d\ude00","key":"/w==","value":"AAEC"}`,
		`{"headers":{"":""}}`,
		`{"headers":{"h":"QQ=="},"headers":{"i":"Qg=="}}`,
		`{"key":"QQ==","key":"Qg=="}`,
		`{"value":"AA==","partition":1}`,
		`{"value":"not base64!"}`,
		`{"value":"QQ"}`,
		`{"value":"QR=="}`,
		`{"value":"QQ\n=="}`,
		`{"value":5}`,
		`{"value":null}`,
		`{"headers":{"h":null}}`,
		`{"headers":null}`,
		`{"headers":{"h":1}}`,
		`{"headers":[]}`,
		`{"KEY":"QQ=="}`,
		`{"Topic":"t"}`,
		`[]`, `null`, ``, `{`, `{"value":`, `{"value":""} {}`, `{"value":""}x`,
		"{}\u00a0", "{}\v", "\v{}",
		"{\"topic\":\"\xff\"}",
		`{"topic":"\ud800"}`,
	} {
		for start := range uint8(4) {
			f.Add([]byte(s), start)
		}
	}
	f.Fuzz(func(t *testing.T, input []byte, start uint8) {
		rec := startRecord(start)
		before := stateOf(rec)
		in, parseErr := parseRecordJSON(input)
		err := decodeRecordInto(rec, input)
		if (parseErr == nil) != (err == nil) {
			t.Fatalf("parseRecordJSON says %v but decodeRecordInto says %v", parseErr, err)
		}
		want := readRecordJSON(input)
		if traceHostFuzz {
			t.Logf("%q: host error %v; ABI valid %v, deviation %q, why %q", input, err, want.valid, want.deviation, want.why)
		}

		if err != nil {
			if !strings.HasPrefix(err.Error(), "record JSON: ") {
				t.Errorf("error %q does not say it is about record JSON", err)
			}
			if want.valid {
				t.Fatalf("refused record JSON the ABI allows (%v): %q", err, input)
			}
			// The parse comes before any write, so a refused record is untouched
			// (the processor would discard the writes anyway).
			if got := stateOf(rec); !got.equal(before) {
				t.Fatalf("a refused record JSON changed the record:\nbefore %v\nafter  %v", before, got)
			}
			return
		}

		// The host now refuses the forms encoding/json alone would tolerate
		// (deviations) as strictly as everything else outside the ABI.
		if !want.valid {
			t.Fatalf("accepted record JSON the ABI refuses (%s%s): %q", want.why, want.deviation, input)
		}
		got := stateOf(rec)
		if want.valid && !got.partsEqual(want.state) {
			t.Fatalf("record JSON %q gave\n%v, the ABI says\n%v", input, got, want.state)
		}
		if !got.partsEqual(before.withParts(in)) {
			t.Fatalf("decodeRecordInto did not apply what parseRecordJSON read:\n%v", got)
		}
		if got.partition != before.partition || got.timestamp != before.timestamp {
			t.Fatalf("set_record changed partition or timestamp: %v", got)
		}

		// get_record after set_record: canonical record JSON that reads back
		// to the same record, and is a fixed point of decode and encode.
		enc, err := encodeRecord(rec)
		if err != nil {
			t.Fatalf("encodeRecord: %v", err)
		}
		if o := readRecordJSON(enc); !o.valid || !o.state.partsEqual(got) {
			t.Fatalf("get_record gave %q (%s), which does not read back as %v", enc, o.why+o.deviation, got)
		}
		again := recordtest.New(nil, nil, nil, nil)
		if err := decodeRecordInto(again, enc); err != nil {
			t.Fatalf("get_record's own JSON %q is refused by set_record: %v", enc, err)
		}
		if s := stateOf(again); !s.partsEqual(got) {
			t.Fatalf("round trip through %q changed the record:\n%v\n%v", enc, got, s)
		}
		enc2, err := encodeRecord(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encode is not a fixed point: %q then %q (%v)", enc, enc2, err)
		}
		// Absent and empty stay apart.
		for _, p := range []struct {
			field string
			part  *string
		}{{"key", got.key}, {"value", got.value}, {"topic", got.topic}} {
			has := bytes.Contains(enc, []byte(`"`+p.field+`":`))
			if has != (p.part != nil) {
				t.Fatalf("%s present=%v but record JSON %q says %v", p.field, p.part != nil, enc, has)
			}
		}
	})
}

// ---------------------------------------------------------------------------
// FuzzHostFunctions

// Layout of the fuzz guest's memory (testdata/wat/fuzz_guest.wat): the test
// writes its inputs below allocStart; the guest's alloc bumps from there.
const (
	memSize    = 65536
	nameOff    = 256   // the fuzzed name bytes, up to 1024
	auxOff     = 1536  // a header or parameter name the test picks
	dataOff    = 4096  // the fuzzed data bytes, up to 12 KiB
	recordOff  = 16384 // the fuzzed record JSON, up to 16 KiB
	allocStart = 32768
)

// traceHostFuzz logs every input FuzzRecordJSON reads and every call
// FuzzHostFunctions makes, to read a reproducer:
// FUZZ_TRACE=1 go test -v -run=FuzzHostFunctions/<name> ./hostabi
var traceHostFuzz = os.Getenv("FUZZ_TRACE") != ""

var fuzzGuest struct {
	once sync.Once
	wasm []byte
	m    *Module // without limits
	err  error
}

// fuzzModule loads the fuzz guest once per process (fuzz workers are
// processes), and keeps it for the life of the process.
func fuzzModule(t testing.TB) *Module {
	fuzzGuest.once.Do(func() {
		wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", "fuzz_guest.wasm"))
		if err != nil {
			fuzzGuest.err = fmt.Errorf("%w (run testdata/build.sh)", err)
			return
		}
		fuzzGuest.wasm = wasm
		fuzzGuest.m, fuzzGuest.err = Load(context.Background(), "fuzz_guest.wasm", wasm, Config{Function: "f"})
	})
	if fuzzGuest.err != nil {
		t.Fatal(fuzzGuest.err)
	}
	return fuzzGuest.m
}

// fuzzModuleWithLimits loads the fuzz guest under limits, for one input; the
// caller closes it.
func fuzzModuleWithLimits(t testing.TB, limits hostabi.Limits) *Module {
	fuzzModule(t)
	m, err := Load(context.Background(), "fuzz_guest.wasm", fuzzGuest.wasm, Config{Function: "f"}, hostabi.WithLimits(limits))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fuzzParams is the params map get_param reads.
var fuzzParams = map[string]string{
	"":         "the empty name",
	"greeting": "hello",
	"empty":    "",
	"ünïcode":  "välue",
	"bin":      "\x00\xff",
}

var fuzzParamNames = slices.Sorted(maps.Keys(fuzzParams))

func hostFunctionIndex(name string) byte {
	for i, f := range hostFunctionTable {
		if f.name == name {
			return byte(i)
		}
	}
	panic("no host function " + name)
}

// program reads the fuzzed instructions; past the end it reads zeros.
type program struct{ b []byte }

func (p *program) byte() byte {
	if len(p.b) == 0 {
		return 0
	}
	c := p.b[0]
	p.b = p.b[1:]
	return c
}

func (p *program) u32() uint32 {
	return uint32(p.byte()) | uint32(p.byte())<<8 | uint32(p.byte())<<16 | uint32(p.byte())<<24
}

func (p *program) u64() uint64 { return uint64(p.u32()) | uint64(p.u32())<<32 }

// Region selectors of a (ptr, len) argument.
const (
	argName = iota
	argData
	argRecord
	argDataSlice  // part of the data region
	argEmpty      // length 0 anywhere
	argMemoryEnd  // around the end of memory
	argHuge       // a length near 4 GiB
	argRaw        // any pointer and length
	argWrap       // ptr+len wraps past 2^32
	argLastGiven  // the last buffer a getter gave the guest
	argHeaderName // a header name of the record
	argParamName  // a name in the params map
	argSelectors  // how many there are
	ctlAllocTrap  = 5
	ctlAllocAt    = 6 // alloc returns near the end of memory
	ctlAllocAtRaw = 7 // alloc returns any offset
	ctlSelectors  = 8
	// Bits of the fuzzed cfg: max host calls (8 bits), max call bytes (16),
	// no logger, partition (6), limits on.
	cfgNoLog       = 1 << 24
	cfgPartitionAt = 25
	cfgLimits      = 1 << 31
)

// hostFuzz is one fuzz input's run.
type hostFuzz struct {
	t          *testing.T
	in         *Instance
	x          *hostabi.Exchange
	st         *callState
	limits     hostabi.Limits
	mem        api.Memory
	next, trap api.MutableGlobal
	allocCalls api.Global
	rec        *recordtest.MemRecord
	name, data []byte
	record     []byte
	lastGiven  [2]uint32
	logged     []string
}

func FuzzHostFunctions(f *testing.F) {
	fuzzModule(f) // fail early without the fixture
	op := hostFunctionIndex
	seeds := []struct {
		program            []byte
		name, data, record string
		cfg                uint32
	}{
		// every getter over a full record
		{[]byte{op("get_key"), 0, op("get_value"), 0, op("get_topic"), 0, op("get_record"), 0,
			op("get_header_names"), 0, op("get_partition"), 0, op("get_timestamp"), 0, op("has_key"), 0},
			"h", "", `{"headers":{"h":"MQ==","a":""},"topic":"t","key":"","value":"dg=="}`, 3 << cfgPartitionAt},
		// headers by name: present, absent, invalid UTF-8, a record's own name
		{[]byte{op("get_header"), 0, argName, op("has_header"), 0, argName, op("remove_header"), 0, argName,
			op("has_header"), 0, argName, op("get_header"), 0, argHeaderName, 0},
			"h", "", `{"headers":{"h":"MQ==","g":"Mg=="}}`, 0},
		{[]byte{op("get_header"), 0, argName}, "\xff", "", `{}`, 0},
		{[]byte{op("get_header"), 0, argName}, "missing", "", `{"headers":{"h":""}}`, 0},
		// setters from the data region, then getters see them
		{[]byte{op("set_value"), 0, argData, op("get_value"), 0, op("set_key"), 0, argEmpty, 0, 0, 0, 0,
			op("get_key"), 0, op("set_topic"), 0, argData, op("get_topic"), 0,
			op("set_header"), 0, argName, argData, op("get_header"), 0, argName, op("get_record"), 0},
			"x-name", "hello", `{}`, 0},
		{[]byte{op("set_topic"), 0, argData}, "", "\xc3", `{}`, 0},
		// set_record and emit_record from the record region
		{[]byte{op("set_record"), 0, argRecord, op("get_record"), 0, op("get_header_names"), 0},
			"", "", `{"headers":{"b":"Mg==","a":"MQ=="},"topic":"t","key":"","value":"AP8="}`, 0},
		{[]byte{op("emit_record"), 0, argRecord, op("drop_record"), 0, op("emit_record"), 0, argRecord},
			"", "", `{"value":"AA=="}`, 0},
		{[]byte{op("set_record"), 0, argRecord}, "", "", `{"value":5}`, 0},
		{[]byte{op("emit_record"), 0, argRecord}, "", "", `{"partition":1}`, 0},
		// getter results passed back to setters
		{[]byte{op("get_record"), 0, op("set_record"), 0, argLastGiven, op("get_value"), 0,
			op("set_key"), 0, argLastGiven}, "", "", `{"headers":{"h":"aA=="},"value":"dg=="}`, 0},
		// out of bounds and huge
		{[]byte{op("set_value"), 0, argMemoryEnd, 10, 128}, "", "", `{}`, 0}, // the last 10 bytes
		{[]byte{op("set_value"), 0, argMemoryEnd, 10, 129}, "", "", `{}`, 0}, // one past the end
		{[]byte{op("set_value"), 0, argMemoryEnd, 0, 128}, "", "", `{}`, 0},  // nothing, at the end
		{[]byte{op("set_value"), 0, argMemoryEnd, 0, 0}, "", "", `{}`, 0},    // a length that wraps
		{[]byte{op("set_key"), 0, argHuge, 0, 0, 0, 0, 0}, "", "", `{}`, 0},
		{[]byte{op("set_header"), 0, argName, argWrap}, "h", "", `{}`, 0},
		{[]byte{op("log"), 0, 0, 0, 0, 0, argRaw, 0xf0, 0xff, 0, 0, 0x20, 0, 0, 0}, "", "", `{}`, 0},
		{[]byte{op("get_param"), 0, argRaw, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}, "", "", `{}`, 0},
		// a misbehaving alloc: trapping, out of memory, at the very end
		{[]byte{op("get_value"), ctlAllocTrap}, "", "", `{"value":"dg=="}`, 0},
		{[]byte{op("get_value"), ctlAllocAt, 0}, "", "", `{"value":"dg=="}`, 0},
		{[]byte{op("get_value"), ctlAllocAt, 1}, "", "", `{"value":"dg=="}`, 0},
		{[]byte{op("get_value"), ctlAllocAt, 0}, "", "", `{"value":""}`, 0},
		{[]byte{op("get_value"), ctlAllocAtRaw, 0xff, 0xff, 0xff, 0xff}, "", "", `{"value":""}`, 0},
		// absent parts
		{[]byte{op("get_key"), 0}, "", "", `{}`, 0},
		{[]byte{op("get_topic"), 0}, "", "", `{"key":""}`, 0},
		// params: each name, a missing one, invalid UTF-8
		{[]byte{op("get_param"), 0, argParamName, 0, op("get_param"), 0, argParamName, 1,
			op("get_param"), 0, argParamName, 2, op("get_param"), 0, argParamName, 3,
			op("get_param"), 0, argParamName, 4, op("get_param"), 0, argName}, "nope", "", `{}`, 0},
		{[]byte{op("get_param"), 0, argName}, "\xff", "", `{}`, 0},
		// log at every level, clamped, with and without a logger
		{[]byte{op("log"), 0, 0xff, 0xff, 0xff, 0xff, argData, op("log"), 0, 1, 0, 0, 0, argData,
			op("log"), 0, 3, 0, 0, 0, argData, op("log"), 0, 9, 0, 0, 0x80, argData}, "", "a message", `{}`, 0},
		{[]byte{op("log"), 0, 2, 0, 0, 0, argData}, "", "\xff not UTF-8", `{}`, cfgNoLog},
		// timestamps
		{[]byte{op("set_timestamp"), 0, 1, 2, 3, 4, 5, 6, 7, 0, op("get_timestamp"), 0}, "", "", `{}`, 0},
		{[]byte{op("set_timestamp"), 0, 0, 0, 0, 0, 0, 0, 0, 0x80}, "", "", `{}`, 0},
		// limits: host calls, bytes
		{[]byte{op("has_key"), 0, op("has_key"), 0, op("has_key"), 0}, "", "", `{}`, cfgLimits | 2},
		{[]byte{op("set_value"), 0, argData, op("get_value"), 0}, "", "0123456789", `{}`, cfgLimits | 15<<8},
		{[]byte{op("set_value"), 0, argData, op("get_value"), 0}, "", "0123456789", `{}`, cfgLimits | 20<<8},
		{[]byte{op("set_value"), 0, argHuge, 0, 0, 0, 0, 0}, "", "", `{}`, cfgLimits | 1<<8},
	}
	for _, s := range seeds {
		f.Add(s.program, []byte(s.name), []byte(s.data), []byte(s.record), s.cfg)
	}
	f.Fuzz(func(t *testing.T, prog, name, data, record []byte, cfg uint32) {
		h := newHostFuzz(t, name, data, record, cfg)
		defer h.in.Close(context.Background())
		p := &program{b: prog}
		for steps := 0; len(p.b) > 0 && steps < 64; steps++ {
			if !h.step(p) {
				return // the call was abandoned: the processor discards the instance
			}
		}
	})
}

func newHostFuzz(t *testing.T, name, data, record []byte, cfg uint32) *hostFuzz {
	m := fuzzModule(t)
	var limits hostabi.Limits
	if cfg&cfgLimits != 0 {
		limits = hostabi.Limits{HostCalls: int(cfg & 0xff), CallBytes: int64(cfg >> 8 & 0xffff)}
		m = fuzzModuleWithLimits(t, limits)
		t.Cleanup(func() { _ = m.Close(context.Background()) })
	}
	in, err := m.Instantiate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	guest := in.core.Unwrap()
	h := &hostFuzz{t: t, in: in, x: in.core.Exchange(), st: in.state, limits: limits, mem: guest.Memory(),
		next:       guest.ExportedGlobal("alloc_next").(api.MutableGlobal),
		trap:       guest.ExportedGlobal("alloc_trap").(api.MutableGlobal),
		allocCalls: guest.ExportedGlobal("alloc_calls"),
		name:       name[:min(len(name), auxOff-nameOff)],
		data:       data[:min(len(data), recordOff-dataOff)],
		record:     record[:min(len(record), allocStart-recordOff)],
	}
	if h.mem.Size() != memSize {
		t.Fatalf("fuzz guest memory is %d bytes, expected %d", h.mem.Size(), memSize)
	}
	for off, b := range map[uint32][]byte{nameOff: h.name, dataOff: h.data, recordOff: h.record} {
		if !h.mem.Write(off, b) {
			t.Fatal("writing the inputs into guest memory")
		}
	}

	h.rec = recordtest.New(recordtest.Str("key"), recordtest.Str("value"), recordtest.Str("topic"), map[string]string{"h": "1"})
	if in, err := parseRecordJSON(record); err == nil {
		if err := applyRecord(h.rec, in); err != nil {
			t.Fatal(err)
		}
	}
	h.rec.SetPartition(int32(cfg>>cfgPartitionAt&0x3f) - 1)
	_ = h.rec.SetTimestamp(int64(cfg>>cfgPartitionAt&0x3f)*1000 - 1)

	fc := &Config{Function: "f", Params: fuzzParams}
	if cfg&cfgNoLog == 0 {
		fc.Log = func(level LogLevel, msg string) {
			h.logged = append(h.logged, fmt.Sprintf("%d:%s", level, msg))
		}
	}
	h.st.cfg, h.st.rec = fc, h.rec
	return h
}

// outcome is what the ABI says one host function call does.
type outcome struct {
	fail    string   // non-empty: the call must fail, for this reason
	give    []byte   // the bytes a getter hands the guest through alloc
	gives   bool     // the call reaches alloc with give
	result  uint64   // the result, for a function with one and no give
	after   recState // the record afterwards
	bytes   int64    // bytes the call moves between host and guest
	logLine string   // what log passes to the logger
}

// step runs one host function call; it returns false once a call failed.
func (h *hostFuzz) step(p *program) bool {
	t := h.t
	fn := hostFunctionTable[int(p.byte())%len(hostFunctionTable)]
	h.controlAlloc(p)
	stack := make([]uint64, max(len(fn.sig.Params), len(fn.sig.Results)))
	var reads [][2]uint32 // the (ptr, len) arguments, in the order the host reads them
	switch len(fn.sig.Params) {
	case 1: // set_timestamp
		stack[0] = p.u64()
	case 2:
		ptr, n := h.region(p)
		stack[0], stack[1] = uint64(ptr), uint64(n)
		reads = append(reads, [2]uint32{ptr, n})
	case 3: // log
		stack[0] = uint64(p.u32())
		ptr, n := h.region(p)
		stack[1], stack[2] = uint64(ptr), uint64(n)
		reads = append(reads, [2]uint32{ptr, n})
	case 4: // set_header
		for i := 0; i < 4; i += 2 {
			ptr, n := h.region(p)
			stack[i], stack[i+1] = uint64(ptr), uint64(n)
			reads = append(reads, [2]uint32{ptr, n})
		}
	}
	before := stateOf(h.rec)
	memBefore := bytes.Clone(h.memory())
	allocAt := uint32(h.next.Get())
	allocsBefore := h.allocCalls.Get()
	trapping := h.trap.Get() != 0
	bytesBefore, callsBefore := h.x.CallBytes(), h.x.HostCalls()
	loggedBefore := len(h.logged)
	want := h.expect(fn, stack, reads, memBefore, before, allocAt, trapping)
	args := slices.Clone(stack)

	failure := h.run(fn, stack)
	h.trap.Set(0)
	describe := func() string {
		return fmt.Sprintf("%s%v (alloc at %d, trapping %v) over %v", fn.name, args, allocAt, trapping, before)
	}
	if traceHostFuzz {
		t.Logf("%s: failure %v; the ABI says %q", describe(), failure, want.fail)
	}

	if failure != nil {
		var hfe *hostabi.HostFunctionError
		var le *hostabi.LimitError
		switch {
		case errors.As(failure, &hfe):
			if hfe.Import != fn.name || hfe.Err == nil || hfe.Err.Error() == "" {
				t.Fatalf("%s: malformed failure %#v", describe(), hfe)
			}
			if want.fail == "" {
				t.Fatalf("%s failed (%v) but the ABI says it succeeds", describe(), failure)
			}
		case errors.As(failure, &le):
			if le.Limit == 0 || le.Detail == "" {
				t.Fatalf("%s: malformed limit error %#v", describe(), le)
			}
			callsOver := h.limits.HostCalls > 0 && h.x.HostCalls() > h.limits.HostCalls
			bytesOver := h.limits.CallBytes > 0 && h.x.CallBytes() > h.limits.CallBytes
			if !callsOver && !bytesOver {
				t.Fatalf("%s stopped by %v within its limits (%d calls, %d bytes)", describe(), le, h.x.HostCalls(), h.x.CallBytes())
			}
		default:
			t.Fatalf("%s abandoned the call with failure %T %v; want a *HostFunctionError or *LimitError", describe(), failure, failure)
		}
		if failure.Error() == "" {
			t.Fatalf("%s: empty failure message", describe())
		}
		if !bytes.Equal(h.memory(), memBefore) {
			t.Fatalf("%s failed after changing guest memory", describe())
		}
		if len(h.logged) != loggedBefore {
			t.Fatalf("%s failed after logging", describe())
		}
		return false
	}
	if want.fail != "" {
		t.Fatalf("%s succeeded, but the ABI says it fails: %s", describe(), want.fail)
	}

	// The call succeeded: check it against the ABI.
	if h.x.HostCalls() != callsBefore+1 {
		t.Fatalf("%s counted %d host calls", describe(), h.x.HostCalls()-callsBefore)
	}
	if moved := h.x.CallBytes() - bytesBefore; moved != want.bytes {
		t.Fatalf("%s counted %d bytes moved, want %d", describe(), moved, want.bytes)
	}
	if limit := h.limits.CallBytes; limit > 0 && h.x.CallBytes() > limit {
		t.Fatalf("%s moved %d bytes in all, past the limit of %d", describe(), h.x.CallBytes(), limit)
	}
	if got := stateOf(h.rec); !got.equal(want.after) {
		t.Fatalf("%s left the record\n%v, want\n%v", describe(), got, want.after)
	}
	allocs := h.allocCalls.Get() - allocsBefore
	mem := h.memory()
	if want.gives {
		if allocs != 1 {
			t.Fatalf("%s called alloc %d times, want once", describe(), allocs)
		}
		if stack[0] != pack(allocAt, uint32(len(want.give))) {
			t.Fatalf("%s returned %#x, want ptr %d len %d", describe(), stack[0], allocAt, len(want.give))
		}
		end := allocAt + uint32(len(want.give))
		if !bytes.Equal(mem[allocAt:end], want.give) {
			t.Fatalf("%s gave %q, want %q", describe(), mem[allocAt:end], want.give)
		}
		if !bytes.Equal(mem[:allocAt], memBefore[:allocAt]) || !bytes.Equal(mem[end:], memBefore[end:]) {
			t.Fatalf("%s wrote guest memory outside the buffer it allocated", describe())
		}
		h.lastGiven = [2]uint32{allocAt, uint32(len(want.give))}
		if fn.name == "get_record" {
			h.checkRecordJSON(want.give, before)
		}
	} else {
		if allocs != 0 {
			t.Fatalf("%s called alloc %d times", describe(), allocs)
		}
		if !bytes.Equal(mem, memBefore) {
			t.Fatalf("%s changed guest memory", describe())
		}
		if len(fn.sig.Results) > 0 && stack[0] != want.result {
			t.Fatalf("%s returned %#x, want %#x", describe(), stack[0], want.result)
		}
	}
	switch {
	case want.logLine != "" && h.st.cfg.Log != nil:
		if len(h.logged) != loggedBefore+1 || h.logged[loggedBefore] != want.logLine {
			t.Fatalf("%s logged %q, want %q", describe(), h.logged[loggedBefore:], want.logLine)
		}
	case len(h.logged) != loggedBefore:
		t.Fatalf("%s logged %q", describe(), h.logged[loggedBefore:])
	}
	return true
}

// checkRecordJSON checks get_record's bytes read back as the record.
func (h *hostFuzz) checkRecordJSON(b []byte, rec recState) {
	o := readRecordJSON(b)
	if !o.valid || !o.state.partsEqual(rec) {
		h.t.Fatalf("get_record gave %q (%s), which is not record JSON for %v", b, o.why, rec)
	}
}

// run calls fn as the host module does, and returns the error that
// abandons the guest call, if any.
func (h *hostFuzz) run(fn hostFunction, stack []uint64) error {
	return h.x.RunHostFunction(fn.core(), stack)
}

func (h *hostFuzz) memory() []byte {
	b, ok := h.mem.Read(0, h.mem.Size())
	if !ok {
		h.t.Fatal("reading all of guest memory")
	}
	return b
}

// controlAlloc makes the guest's next alloc behave (bump from where it is),
// trap, or return a chosen offset.
func (h *hostFuzz) controlAlloc(p *program) {
	switch p.byte() % ctlSelectors {
	case ctlAllocTrap:
		h.trap.Set(1)
	case ctlAllocAt:
		h.next.Set(uint64(memSize - uint32(p.byte())))
	case ctlAllocAtRaw:
		h.next.Set(uint64(p.u32()))
	}
}

// region picks a (ptr, len) argument, writing into guest memory (below the
// allocator's area) what it picks when it is a name.
func (h *hostFuzz) region(p *program) (uint32, uint32) {
	switch p.byte() % argSelectors {
	case argName:
		return nameOff, uint32(len(h.name))
	case argData:
		return dataOff, uint32(len(h.data))
	case argRecord:
		return recordOff, uint32(len(h.record))
	case argDataSlice:
		return dataOff + uint32(p.byte()), uint32(p.byte())
	case argEmpty:
		return p.u32(), 0
	case argMemoryEnd:
		back := uint32(p.byte())
		return memSize - back, back + uint32(p.byte()) - 128
	case argHuge:
		return p.u32(), ^uint32(0) - uint32(p.byte())
	case argWrap:
		return ^uint32(0) - uint32(p.byte()), 2 + uint32(p.byte())
	case argLastGiven:
		return h.lastGiven[0], h.lastGiven[1]
	case argHeaderName:
		_, _, _, headers := h.rec.Parts()
		names := slices.Sorted(maps.Keys(headers))
		if len(names) == 0 {
			return auxOff, 0
		}
		return h.writeAux(names[int(p.byte())%len(names)])
	case argParamName:
		return h.writeAux(fuzzParamNames[int(p.byte())%len(fuzzParamNames)])
	default: // argRaw
		return p.u32(), p.u32()
	}
}

func (h *hostFuzz) writeAux(s string) (uint32, uint32) {
	if len(s) > dataOff-auxOff || !h.mem.WriteString(auxOff, s) {
		h.t.Fatalf("cannot write %q into guest memory", s)
	}
	return auxOff, uint32(len(s))
}

// expect is the model: what docs/ABI.md says fn does with these arguments.
func (h *hostFuzz) expect(fn hostFunction, stack []uint64, reads [][2]uint32, mem []byte, rec recState, allocAt uint32, trapping bool) (o outcome) {
	o.after = rec.clone()
	// Every (ptr, len) argument must lie inside guest memory.
	args := make([][]byte, len(reads))
	for i, r := range reads {
		o.bytes += int64(r[1])
		if uint64(r[0])+uint64(r[1]) > memSize {
			o.fail = fmt.Sprintf("argument %d (%d bytes at %d) is outside guest memory", i, r[1], r[0])
			return o
		}
		args[i] = mem[r[0] : r[0]+r[1]]
	}
	give := func(b []byte) {
		o.give, o.gives = b, true
		o.bytes += int64(len(b))
		switch {
		case trapping:
			o.fail = "alloc traps"
		case uint64(allocAt)+uint64(len(b)) > memSize:
			o.fail = "alloc returns a buffer outside guest memory"
		}
	}
	part := func(p *string, what string) {
		if p == nil {
			o.fail = "the " + what + " is absent"
			return
		}
		give([]byte(*p))
	}
	text := func(b []byte, what string) bool {
		if !utf8.Valid(b) {
			o.fail = "the " + what + " is not UTF-8"
			return false
		}
		return true
	}

	switch fn.name {
	case "get_key":
		part(rec.key, "key")
	case "get_value":
		part(rec.value, "value")
	case "get_topic":
		part(rec.topic, "topic")
	case "set_key":
		o.after.key = recordtest.Str(string(args[0]))
	case "set_value":
		o.after.value = recordtest.Str(string(args[0]))
	case "set_topic":
		if text(args[0], "topic") {
			o.after.topic = recordtest.Str(string(args[0]))
		}
	case "get_header":
		if text(args[0], "header name") {
			v, ok := rec.headers[string(args[0])]
			if !ok {
				o.fail = "the header is absent"
				return o
			}
			give([]byte(v))
		}
	case "set_header":
		if text(args[0], "header name") {
			if o.after.headers == nil {
				o.after.headers = map[string]string{}
			}
			o.after.headers[string(args[0])] = string(args[1])
		}
	case "get_record":
		enc, err := encodeRecord(h.rec)
		if err != nil {
			h.t.Fatalf("encodeRecord: %v", err)
		}
		give(enc) // checkRecordJSON checks these bytes against the record
	case "set_record", "emit_record":
		in, err := parseRecordJSON(args[0])
		if err != nil {
			o.fail = "the record JSON is refused: " + err.Error()
			return o
		}
		if fn.name == "set_record" {
			o.after = o.after.withParts(in)
		} else {
			o.after.emitted = append(o.after.emitted, rec.withParts(in))
		}
	case "has_key":
		o.result = boolResult(rec.key != nil)
	case "has_header":
		if text(args[0], "header name") {
			_, ok := rec.headers[string(args[0])]
			o.result = boolResult(ok)
		}
	case "remove_header":
		if text(args[0], "header name") {
			delete(o.after.headers, string(args[0]))
		}
	case "get_header_names":
		names := slices.Sorted(maps.Keys(rec.headers))
		b := binary.LittleEndian.AppendUint32(nil, uint32(len(names)))
		for _, n := range names {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(n)))
			b = append(b, n...)
		}
		give(b)
	case "get_partition":
		o.result = api.EncodeI32(rec.partition)
	case "get_timestamp":
		o.result = api.EncodeI64(rec.timestamp)
	case "set_timestamp":
		if ms := int64(stack[0]); ms < 0 {
			o.fail = "a negative timestamp"
		} else {
			o.after.timestamp = ms
		}
	case "drop_record":
		o.after.dropped = true
	case "get_param":
		if text(args[0], "parameter name") {
			v, ok := fuzzParams[string(args[0])]
			if !ok {
				o.result = ^uint64(0) // -1: no such entry
				return o
			}
			give([]byte(v))
		}
	case "log":
		level := max(0, min(int32(stack[0]), 3))
		o.logLine = fmt.Sprintf("%d:%s", level, args[0])
	default:
		h.t.Fatalf("the model does not know host function %s", fn.name)
	}
	return o
}
