package processor

// FuzzMessageRecord drives a messageRecord (the Benthos message as a guest
// sees it) with a fuzzed message (payload, typed metadata, Kafka fields) and
// converters, and a fuzzed sequence of record operations, against a model of
// the ABI's transactions:
//
//   - within the call, getters and presence checks see the call's earlier
//     writes (and otherwise the message), HeaderNames lists each present
//     header once and never a reserved field;
//   - setters copy the guest's bytes, and refuse exactly what the converter
//     refuses (and reserved header names);
//   - without commit, the message is unchanged: payload and metadata;
//   - after commit, a fresh record over the message reads what was written
//     last (JSON-equivalent with the json converter), and what was not
//     written reads as before; metadata nobody wrote is unchanged.
//
// Run it with `go test -run='^$' -fuzz='^FuzzMessageRecord$' ./processor`,
// or with every other target through scripts/fuzz.sh.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// fuzzNames are the metadata fields of the record parts, as configured by default.
var fuzzNames = metadataNames{key: "kafka_key", topic: "kafka_topic", partition: kafkameta.Partition, timestamp: kafkameta.TimestampMs}

// fuzzReserved is every metadata field that is not a header (written out
// here, not taken from fields.go, so the test checks that list too).
var fuzzReserved = map[string]bool{
	"kafka_key": true, "kafka_topic": true, "kafka_partition": true, "kafka_offset": true,
	"kafka_timestamp_ms": true, "kafka_timestamp_unix": true, "kafka_lag": true,
	"kafka_tombstone_message": true,
}

// fuzzFieldNames are the metadata names the fuzzer picks from, besides raw ones.
var fuzzFieldNames = []string{
	"kafka_key", "kafka_topic", "kafka_partition", "kafka_timestamp_ms", "kafka_timestamp_unix",
	"kafka_offset", "kafka_lag", "kafka_tombstone_message", "h", "trace-id", "", "ü", "\xff",
}

// fuzzValues are the guest bytes the fuzzer picks from, besides raw ones.
var fuzzValues = []string{
	"", "v", "\xff", "\xc3", "é", `{"a":[1,2.5,"x"]}`, `"text"`, `12345678901234567890`, `1e400`,
	`null`, `true`, ` 1 `, `{`, `01`, "\"\xff\"", `1.0`,
}

var fuzzConverters = []codec.Converter{codec.Bytes{}, codec.String{}, codec.JSON{}}

// fuzzInput reads the fuzzer's bytes; past the end it reads zeros.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

func (in *fuzzInput) take(n int) []byte {
	n = min(n, len(in.b))
	b := in.b[:n:n]
	in.b = in.b[n:]
	return b
}

// pick returns one of dict when the selector's top bit is set, else that
// many raw bytes (up to 127).
func (in *fuzzInput) pick(dict []string) []byte {
	sel := in.byte()
	if sel&0x80 != 0 {
		return []byte(dict[int(sel&0x7f)%len(dict)])
	}
	return bytes.Clone(in.take(int(sel)))
}

// buildMetadata decodes typed metadata from the fuzzer's bytes; called twice
// on the same bytes it builds equal, unshared values.
func buildMetadata(b []byte) map[string]any {
	in := &fuzzInput{b: b}
	meta := map[string]any{}
	for len(in.b) > 0 {
		k := string(in.pick(fuzzFieldNames))
		kind := in.byte()
		raw := in.take(int(in.byte() % 24))
		var n int64
		if len(raw) > 0 {
			var buf [8]byte
			copy(buf[:], raw)
			n = int64(binary.LittleEndian.Uint64(buf[:]))
		}
		switch kind % 7 {
		case 0:
			meta[k] = string(raw)
		case 1:
			meta[k] = n
		case 2:
			meta[k] = len(raw) > 0 && raw[0]&1 == 1
		case 3:
			meta[k] = float64(n%(1<<40)) / 4 // never NaN, so DeepEqual works
		case 4:
			meta[k] = map[string]any{"s": string(raw), "n": n}
		case 5:
			meta[k] = "true"
		default:
			meta[k] = n % 1000 // small: a plausible partition or timestamp
		}
	}
	return meta
}

// partModel is what the test knows the call wrote to one part.
type partModel struct {
	written, removed bool
	guest            []byte
}

// getResult is a getter's result, for comparing two reads.
type getResult struct {
	b      []byte
	absent bool
	err    bool // failed otherwise (the stored part does not convert)
}

func resultOf(b []byte, err error) getResult {
	if err != nil {
		return getResult{absent: errors.Is(err, record.ErrAbsent), err: !errors.Is(err, record.ErrAbsent)}
	}
	return getResult{b: bytes.Clone(b)}
}

func (g getResult) String() string {
	switch {
	case g.absent:
		return "<absent>"
	case g.err:
		return "<error>"
	}
	return fmt.Sprintf("%q", g.b)
}

// accepts says whether conv takes bytes a guest sets.
func accepts(conv codec.Converter, b []byte) bool {
	switch conv.Name() {
	case codec.StringName:
		return utf8.Valid(b)
	case codec.JSONName:
		return json.Valid(b)
	}
	return true
}

// sameBytes compares what a getter gives with what the guest set: exactly, or
// as JSON values with the json converter (which stores parsed JSON, numbers as
// int64 when integral and in range, else float64).
func sameBytes(conv codec.Converter, got, want []byte) bool {
	if bytes.Equal(got, want) {
		return true
	}
	if conv == nil || conv.Name() != codec.JSONName {
		return false
	}
	return testutil.EquivalentJSON(got, want)
}

type recordFuzz struct {
	t                      *testing.T
	f                      *recordFields
	msg                    *service.Message
	r                      *messageRecord
	meta                   map[string]any // the metadata as it came in
	payload                []byte
	key, value, topic      partModel
	headers                map[string]partModel
	timestampSet, dropped  bool
	timestamp              int64
	keyConv, valConv, hdrC codec.Converter
}

// before reads a part from a fresh record over the message, which is the
// message as it came in as long as nothing was committed.
func (h *recordFuzz) before(get func(r *messageRecord) ([]byte, error)) getResult {
	r := newMessageRecord(h.f)
	r.reset(h.msg)
	return resultOf(get(r))
}

func (h *recordFuzz) check(what string, got getResult, p partModel, conv codec.Converter, orig getResult) {
	h.t.Helper()
	switch {
	case !p.written:
		if got.absent != orig.absent || got.err != orig.err || !bytes.Equal(got.b, orig.b) {
			h.t.Fatalf("%s reads %v, but nothing wrote it and it was %v", what, got, orig)
		}
	case p.removed:
		if !got.absent {
			h.t.Fatalf("%s reads %v after it was removed", what, got)
		}
	default:
		if got.absent || got.err || !sameBytes(conv, got.b, p.guest) {
			h.t.Fatalf("%s reads %v, but %q was written last", what, got, p.guest)
		}
	}
}

// headerNames is the model's list of present headers, sorted.
func (h *recordFuzz) headerNames() []string {
	present := map[string]bool{}
	for k := range h.meta {
		if !fuzzReserved[k] {
			present[k] = true
		}
	}
	for k, p := range h.headers {
		present[k] = !p.removed
	}
	var names []string
	for k, ok := range present {
		if ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

func (h *recordFuzz) checkHeaderNames(r *messageRecord) {
	h.t.Helper()
	got := r.HeaderNames([]string{"sentinel"})
	if len(got) == 0 || got[0] != "sentinel" {
		h.t.Fatalf("HeaderNames did not append to dst: %q", got)
	}
	got = got[1:]
	slices.Sort(got)
	if want := h.headerNames(); !slices.Equal(got, want) {
		h.t.Fatalf("HeaderNames = %q, want %q", got, want)
	}
}

func FuzzMessageRecord(f *testing.F) {
	meta := func(kvs ...string) []byte { // string metadata in the fuzzer's encoding
		var b []byte
		for i := 0; i < len(kvs); i += 2 {
			b = append(b, byte(len(kvs[i])))
			b = append(b, kvs[i]...)
			b = append(b, 0, byte(len(kvs[i+1])))
			b = append(b, kvs[i+1]...)
		}
		return b
	}
	field := func(name string) byte { return 0x80 | byte(slices.Index(fuzzFieldNames, name)) }
	value := func(v string) byte { return 0x80 | byte(slices.Index(fuzzValues, v)) }
	const (
		bytesConvs = 0
		jsonConvs  = 2 + 2*3 + 2*9
		mixed      = 0 + 1*3 + 2*9 // key bytes, value string, headers json
	)
	seeds := []struct {
		payload, meta, ops []byte
		convs, mode        uint8
	}{
		{[]byte("v"), meta("kafka_key", "k", "h", "1", "kafka_topic", "t"),
			[]byte{opSetValue, 2, 'v', '2', opSetKey, 2, 'k', '2', opSetHeader, 2, 'h', '2', 1, '2', opRemoveHeader, 1, 'h',
				opValue, opKey, opHeader, 1, 'h', opHeaderNames}, bytesConvs, commitInPlace},
		{[]byte("v"), meta("kafka_key", "k", "h", "1"),
			[]byte{opSetValue, 2, 'v', '2', opRemoveKey, opRemoveHeader, 1, 'h', opHeaderNames, opHasKey, opHasHeader, 1, 'h'},
			bytesConvs, noCommit},
		// reserved names: refused as headers, untouched by RemoveHeader
		{[]byte(""), meta("kafka_offset", "10", "kafka_partition", "3", "trace-id", "abc", "path", "/in"),
			[]byte{opSetHeader, field("kafka_key"), 1, 'x', opRemoveHeader, field("kafka_offset"), opHeader, field("kafka_offset"),
				opHeaderNames, opPartition}, bytesConvs, commitToBatch},
		// json: structured values, typed metadata, refusals, numbers
		{[]byte(`{"a":1}`), meta("count", "5"),
			[]byte{opSetValue, value(`{"a":[1,2.5,"x"]}`), opSetHeader, 5, 'c', 'o', 'u', 'n', 't', value(`12345678901234567890`),
				opSetKey, value(`"text"`), opSetHeader, 1, 'b', value(`{`), opValue, opKey}, jsonConvs, commitInPlace},
		{[]byte(`{"a":1}`), nil, []byte{opSetValue, value(`1e400`), opValue}, jsonConvs, commitToBatch},
		{[]byte(`x`), nil, []byte{opSetHeader, 1, 'h', value(`1e400`), opHeader, 1, 'h'}, jsonConvs, commitInPlace},
		{[]byte(`not json`), meta("h", "not json"), []byte{opValue, opHeader, 1, 'h', opKey}, jsonConvs, noCommit},
		// string: invalid UTF-8 both ways
		{[]byte("\xff"), meta("h", "\xc3"), []byte{opValue, opSetValue, value("\xc3"), opSetValue, value("é"), opHeader, 1, 'h'},
			mixed, commitToBatch},
		// tombstones: removing the value, and a value set after
		{[]byte("v"), nil, []byte{opRemoveValue, opValue}, bytesConvs, commitInPlace},
		{[]byte(""), meta("kafka_tombstone_message", "true"), []byte{opValue, opSetValue, value("")}, bytesConvs, commitToBatch},
		// timestamps and drop
		{[]byte("v"), meta("kafka_timestamp_ms", "1700000000000", "kafka_timestamp_unix", "1700000000"),
			[]byte{opTimestamp, opSetTimestamp, 1, 2, 3, 4, 5, 6, 7, 0, opTimestamp}, bytesConvs, commitInPlace},
		{[]byte("v"), meta("h", "1"), []byte{opSetValue, 1, 'x', opDrop}, bytesConvs, commitToBatch},
		// set, remove, set again
		{[]byte("v"), meta("h", "1"), []byte{opRemoveHeader, 1, 'h', opSetHeader, 1, 'h', 0, opHasHeader, 1, 'h',
			opRemoveKey, opSetKey, 0, opKey, opRemoveTopic, opTopic, opSetTopic, 1, 't', opTopic}, bytesConvs, commitInPlace},
	}
	for _, s := range seeds {
		f.Add(s.payload, s.meta, s.ops, s.convs, s.mode)
		if s.mode != noCommit {
			f.Add(s.payload, s.meta, s.ops, s.convs, uint8(noCommit))
		}
	}
	f.Fuzz(func(t *testing.T, payload, metaBytes, ops []byte, convs, mode uint8) {
		h := &recordFuzz{t: t, payload: bytes.Clone(payload), meta: buildMetadata(metaBytes),
			headers: map[string]partModel{},
			keyConv: fuzzConverters[convs%3], valConv: fuzzConverters[convs/3%3], hdrC: fuzzConverters[convs/9%3]}
		h.f = newRecordFields(fuzzNames, h.keyConv, h.valConv, h.hdrC)
		for name := range fuzzReserved {
			if h.f.isHeader(name) {
				t.Fatalf("metadata field %s counts as a header", name)
			}
		}
		h.msg = message(string(payload), buildMetadata(metaBytes))
		h.r = newMessageRecord(h.f)
		h.r.reset(h.msg)
		h.run(&fuzzInput{b: ops})
		h.finish(mode % 3)
		h.reuse(payload, metaBytes)
	})
}

// How the call ends: it fails (nothing is committed), or it succeeds and its
// writes are committed as ProcessBatch does, into a new batch or in place.
const (
	noCommit      = 0
	commitToBatch = 1
	commitInPlace = 2 // when the call neither dropped nor emitted; else as commitToBatch
)

// reuse points the same record at a second message, as the processor does
// for the next message of a batch: nothing of the first call may show.
func (h *recordFuzz) reuse(payload, metaBytes []byte) {
	msg := message(string(payload), buildMetadata(metaBytes))
	fresh := newMessageRecord(h.f)
	fresh.reset(msg)
	h.r.reset(msg)
	for what, get := range map[string]func(r *messageRecord) ([]byte, error){
		"key": (*messageRecord).Key, "value": (*messageRecord).Value, "topic": (*messageRecord).Topic,
		"header h": func(r *messageRecord) ([]byte, error) { return r.Header([]byte("h")) },
	} {
		got, want := resultOf(get(h.r)), resultOf(get(fresh))
		if got.absent != want.absent || got.err != want.err || !bytes.Equal(got.b, want.b) {
			h.t.Fatalf("a reused record reads the next message's %s as %v, a fresh one as %v", what, got, want)
		}
	}
	got, want := h.r.HeaderNames(nil), fresh.HeaderNames(nil)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || h.r.changesBatch() {
		h.t.Fatalf("a reused record lists headers %q (changes batch: %v), a fresh one %q", got, h.r.changesBatch(), want)
	}
}

// Operations of the fuzzed sequence.
const (
	opSetKey = iota
	opSetValue
	opSetTopic
	opSetHeader
	opRemoveKey
	opRemoveValue
	opRemoveTopic
	opRemoveHeader
	opHeaderNames
	opKey
	opValue
	opTopic
	opHeader
	opHasKey
	opHasHeader
	opSetTimestamp
	opTimestamp
	opPartition
	opDrop
	opCount
)

func (h *recordFuzz) run(in *fuzzInput) {
	t, r := h.t, h.r
	// set calls a setter with a copy of the guest's bytes, then scribbles
	// over the copy: the ABI says setters copy what they keep.
	set := func(what string, setter func([]byte) error, b []byte, want bool, p *partModel) {
		buf := bytes.Clone(b)
		err := setter(buf)
		for i := range buf {
			buf[i] ^= 0xa5
		}
		if (err == nil) != want {
			t.Fatalf("setting %s to %q: error %v, want accepted=%v", what, b, err, want)
		}
		if err == nil {
			*p = partModel{written: true, guest: bytes.Clone(b)}
		}
	}
	for steps := 0; len(in.b) > 0 && steps < 100; steps++ {
		switch in.byte() % opCount {
		case opSetKey:
			b := in.pick(fuzzValues)
			set("the key", r.SetKey, b, accepts(h.keyConv, b), &h.key)
		case opSetValue:
			b := in.pick(fuzzValues)
			set("the value", r.SetValue, b, accepts(h.valConv, b), &h.value)
		case opSetTopic:
			b := in.pick(fuzzValues)
			set("the topic", r.SetTopic, b, true, &h.topic)
		case opSetHeader:
			name, b := in.pick(fuzzFieldNames), in.pick(fuzzValues)
			p := h.headers[string(name)]
			set(fmt.Sprintf("header %q", name), func(v []byte) error { return r.SetHeader(bytes.Clone(name), v) },
				b, !fuzzReserved[string(name)] && accepts(h.hdrC, b), &p)
			if p.written {
				h.headers[string(name)] = p
			}
		case opRemoveKey:
			r.RemoveKey()
			h.key = partModel{written: true, removed: true}
		case opRemoveValue:
			r.RemoveValue()
			h.value = partModel{written: true, removed: true}
		case opRemoveTopic:
			r.RemoveTopic()
			h.topic = partModel{written: true, removed: true}
		case opRemoveHeader:
			name := in.pick(fuzzFieldNames)
			r.RemoveHeader(name)
			if !fuzzReserved[string(name)] {
				h.headers[string(name)] = partModel{written: true, removed: true}
			}
		case opHeaderNames:
			h.checkHeaderNames(r)
		case opKey:
			h.check("the key", resultOf(r.Key()), h.key, h.keyConv, h.before((*messageRecord).Key))
		case opValue:
			h.check("the value", resultOf(r.Value()), h.value, h.valConv, h.before((*messageRecord).Value))
		case opTopic:
			h.check("the topic", resultOf(r.Topic()), h.topic, nil, h.before((*messageRecord).Topic))
		case opHeader:
			name := in.pick(fuzzFieldNames)
			get := func(r *messageRecord) ([]byte, error) { return r.Header(name) }
			h.check(fmt.Sprintf("header %q", name), resultOf(get(r)), h.headers[string(name)], h.hdrC, h.before(get))
		case opHasKey:
			_, want := h.meta["kafka_key"]
			if h.key.written {
				want = !h.key.removed
			}
			if got := r.HasKey(); got != want {
				t.Fatalf("HasKey = %v, want %v", got, want)
			}
		case opHasHeader:
			name := in.pick(fuzzFieldNames)
			if got, want := r.HasHeader(name), slices.Contains(h.headerNames(), string(name)); got != want {
				t.Fatalf("HasHeader(%q) = %v, want %v", name, got, want)
			}
		case opSetTimestamp:
			ms := int64(binary.LittleEndian.Uint64(append(bytes.Clone(in.take(8)), make([]byte, 8)...)) & math.MaxInt64)
			if err := r.SetTimestamp(ms); err != nil {
				t.Fatalf("SetTimestamp(%d): %v", ms, err)
			}
			h.timestampSet, h.timestamp = true, ms
		case opTimestamp:
			got, err := r.Timestamp()
			if h.timestampSet && (err != nil || got != h.timestamp) {
				t.Fatalf("Timestamp = %d, %v after SetTimestamp(%d)", got, err, h.timestamp)
			}
			if !h.timestampSet {
				want, wantErr := h.beforeTimestamp()
				if got != want || (err == nil) != (wantErr == nil) {
					t.Fatalf("Timestamp = %d, %v; it was %d, %v", got, err, want, wantErr)
				}
			}
		case opPartition:
			got, err := r.Partition()
			if v, ok := h.meta[kafkameta.Partition]; !ok && (got != -1 || err != nil) {
				t.Fatalf("Partition = %d, %v without a partition field", got, err)
			} else if n, isInt := v.(int64); ok && isInt && n >= 0 && n <= math.MaxInt32 && (got != int32(n) || err != nil) {
				t.Fatalf("Partition = %d, %v; the field holds %d", got, err, n)
			}
		case opDrop:
			r.Drop()
			h.dropped = true
		}
	}
}

func (h *recordFuzz) beforeTimestamp() (int64, error) {
	r := newMessageRecord(h.f)
	r.reset(h.msg)
	return r.Timestamp()
}

// unchanged checks the message is as it came in.
func (h *recordFuzz) unchanged(when string) {
	h.t.Helper()
	got, err := h.msg.AsBytes()
	if err != nil || !bytes.Equal(got, h.payload) {
		h.t.Fatalf("%s the payload is %q (%v), want %q unchanged", when, got, err, h.payload)
	}
	if m := metadata(h.msg); !reflect.DeepEqual(m, h.meta) {
		h.t.Fatalf("%s the metadata is\n%#v, want unchanged\n%#v", when, m, h.meta)
	}
}

func (h *recordFuzz) finish(mode uint8) {
	t := h.t
	// What the record held before the call, read while the message is still
	// untouched.
	origKey, origValue, origTopic := h.before((*messageRecord).Key), h.before((*messageRecord).Value), h.before((*messageRecord).Topic)
	origTimestamp, origTimestampErr := h.beforeTimestamp()
	origHeaders := map[string]getResult{}
	for name := range h.meta {
		origHeaders[name] = h.before(func(r *messageRecord) ([]byte, error) { return r.Header([]byte(name)) })
	}
	h.unchanged("before commit,")
	if mode == noCommit {
		h.r.reset(nil) // the call failed: its writes are forgotten
		h.unchanged("after a call that did not commit,")
		return
	}

	if h.r.changesBatch() != h.dropped {
		t.Fatalf("changesBatch = %v, dropped %v (nothing was emitted)", h.r.changesBatch(), h.dropped)
	}
	if mode == commitInPlace && !h.r.changesBatch() {
		h.r.commitInPlace()
	} else if out := h.r.commit(nil); h.dropped {
		if len(out) != 0 {
			t.Fatalf("a dropped record left %d messages", len(out))
		}
		h.unchanged("after a dropped record,")
		return
	} else if len(out) != 1 || out[0] != h.msg {
		t.Fatalf("commit returned %d messages, want the message itself", len(out))
	}

	fresh := newMessageRecord(h.f)
	fresh.reset(h.msg)
	h.check("after commit, the key", resultOf(fresh.Key()), h.key, h.keyConv, origKey)
	h.check("after commit, the value", resultOf(fresh.Value()), h.value, h.valConv, origValue)
	h.check("after commit, the topic", resultOf(fresh.Topic()), h.topic, nil, origTopic)
	for name := range h.meta {
		if !fuzzReserved[name] {
			h.check(fmt.Sprintf("after commit, header %q", name), resultOf(fresh.Header([]byte(name))),
				h.headers[name], h.hdrC, origHeaders[name])
		}
	}
	for name, p := range h.headers {
		h.check(fmt.Sprintf("after commit, header %q", name), resultOf(fresh.Header([]byte(name))),
			p, h.hdrC, getResult{absent: true})
	}
	h.checkHeaderNames(fresh)
	ts, err := fresh.Timestamp()
	switch {
	case h.timestampSet && (ts != h.timestamp || err != nil):
		t.Fatalf("after commit, the timestamp is %d, %v; want %d", ts, err, h.timestamp)
	case !h.timestampSet && (ts != origTimestamp || (err == nil) != (origTimestampErr == nil)):
		t.Fatalf("after commit, the timestamp is %d, %v; it was %d, %v", ts, err, origTimestamp, origTimestampErr)
	}

	// Metadata nobody wrote is unchanged; nothing else appears.
	written := map[string]bool{}
	for name := range h.headers {
		written[name] = true
	}
	if h.key.written {
		written["kafka_key"] = true
	}
	if h.topic.written {
		written["kafka_topic"] = true
	}
	if h.value.written {
		written[kafkameta.Tombstone] = true
	}
	if h.timestampSet {
		written[kafkameta.TimestampMs], written[kafkameta.TimestampUnix] = true, true
	}
	after := metadata(h.msg)
	for _, name := range slices.Sorted(maps.Keys(after)) {
		if written[name] {
			continue
		}
		if want, ok := h.meta[name]; !ok || !reflect.DeepEqual(after[name], want) {
			t.Fatalf("after commit, metadata field %q is %#v; nothing wrote it and it was %#v", name, after[name], want)
		}
	}
	for name := range h.meta {
		if _, ok := after[name]; !ok && !written[name] {
			t.Fatalf("after commit, metadata field %q is gone; nothing removed it", name)
		}
	}
	if !h.value.written {
		if got, err := h.msg.AsBytes(); err != nil || !bytes.Equal(got, h.payload) {
			t.Fatalf("after commit, the payload is %q (%v); nothing wrote it and it was %q", got, err, h.payload)
		}
	}
}
