package transform_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
)

// The Data Transforms conformance guests (testdata/FUNCTIONS-peer-abis.md):
// the same cases, called as Redpanda's Go SDK and as its Rust SDK call the
// ABI.
const (
	goGuest   = "transform_go.wasm"
	rustGuest = "transform_rust.wasm"
)

var guestModules = []string{goGuest, rustGuest}

var guestBytes = map[string]func() ([]byte, error){
	goGuest:   readOnce(goGuest),
	rustGuest: readOnce(rustGuest),
}

func readOnce(module string) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) {
		return os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", module))
	})
}

var cacheDir = filepath.Join(os.TempDir(), "benthos-wasm-transform-test-cache")

// load loads a conformance guest (goGuest or rustGuest) with BW_CASE set to
// behaviour.
func load(t *testing.T, module, behaviour string, cfg transform.Config, opts ...hostabi.Option) *transform.Module {
	t.Helper()
	wasm, err := guestBytes[module]()
	require.NoError(t, err, "run testdata/build.sh")
	opts = append([]hostabi.Option{hostabi.WithCompilationCacheDir(cacheDir),
		hostabi.WithEnvironment(map[string]string{"BW_CASE": behaviour})}, opts...)
	m, err := transform.Load(context.Background(), module, wasm, cfg, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

// runAll runs recs through instances of m as the processor does: a record
// the guest dies on is flagged, a fresh instance carries on after it. It
// returns each record's error.
func runAll(t *testing.T, m *transform.Module, recs []*recordtest.MemRecord) (errs []error, instances int) {
	t.Helper()
	errs = make([]error, len(recs))
	all := make([]record.Record, len(recs))
	for i, r := range recs {
		all[i] = r
	}
	var in *transform.Instance
	for done := 0; done < len(all); {
		if in == nil {
			var err error
			in, err = m.Instantiate(context.Background())
			require.NoError(t, err)
			instances++
		}
		n, err := in.Process(context.Background(), all[done:])
		done += n
		if err != nil {
			errs[done] = err
			done++
		}
		if in.Broken() {
			require.NoError(t, in.Close(context.Background()))
			in = nil
		}
	}
	if in != nil {
		require.NoError(t, in.Close(context.Background()))
	}
	return errs, instances
}

func rec(key, value *string, headers map[string]string) *recordtest.MemRecord {
	return recordtest.New(key, value, recordtest.Str("in"), headers)
}

func s(v string) *string { return recordtest.Str(v) }

// forEachGuest runs f as a subtest for each conformance guest.
func forEachGuest(t *testing.T, f func(t *testing.T, module string)) {
	for _, module := range guestModules {
		t.Run(module, func(t *testing.T) { f(t, module) })
	}
}

func TestIdentityKeepsEveryPartExactly(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		m := load(t, module, "identity", transform.Config{})
		recs := []*recordtest.MemRecord{
			rec(s("k"), s("v"), map[string]string{"h": "1", "e": ""}),
			rec(nil, s("null key"), nil),
			rec(s("tombstone"), nil, nil),
			rec(s(""), s(""), nil),
			rec(s("\x00\xff"), s("\x00\x01\xfe\xff"), map[string]string{"bin": "\xff\x00"}),
		}
		errs, _ := runAll(t, m, recs)
		for i, r := range recs {
			require.NoError(t, errs[i], "record %d", i)
			dropped, emitted := r.Outcome()
			assert.False(t, dropped)
			assert.Empty(t, emitted)
		}
		key, value, topic, headers := recs[0].Parts()
		assert.Equal(t, "k", *key)
		assert.Equal(t, "v", *value)
		assert.Equal(t, "in", *topic, "a write without a topic leaves the topic when there are no output topics")
		assert.Equal(t, map[string]string{"h": "1", "e": ""}, headers)
		key, _, _, _ = recs[1].Parts()
		assert.Nil(t, key, "a null key stays null")
		_, value, _, _ = recs[2].Parts()
		assert.Nil(t, value, "a null value stays null")
		key, value, _, _ = recs[3].Parts()
		assert.Equal(t, "", *key, "an empty key stays empty, not null")
		assert.Equal(t, "", *value)
		key, value, _, headers = recs[4].Parts()
		assert.Equal(t, "\x00\xff", *key)
		assert.Equal(t, "\x00\x01\xfe\xff", *value)
		assert.Equal(t, map[string]string{"bin": "\xff\x00"}, headers)
	})
}

func TestZeroWritesDropAndTwoWritesFanOut(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		r := rec(s("k"), s("v"), nil)
		errs, _ := runAll(t, load(t, module, "drop", transform.Config{}), []*recordtest.MemRecord{r})
		require.NoError(t, errs[0])
		dropped, _ := r.Outcome()
		assert.True(t, dropped, "no write drops the record")

		r = rec(s("k"), s("v"), nil)
		errs, _ = runAll(t, load(t, module, "twice", transform.Config{}), []*recordtest.MemRecord{r})
		require.NoError(t, errs[0])
		dropped, emitted := r.Outcome()
		assert.False(t, dropped)
		require.Len(t, emitted, 1, "the second write is an emitted record")
		_, value, _, _ := emitted[0].Parts()
		assert.Equal(t, "v", *value)
	})
}

func TestWritesGoToEveryOutputTopic(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		topics := []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}
		r := rec(s("k"), s("v"), nil)
		errs, _ := runAll(t, load(t, module, "multi_topic", transform.Config{InputTopic: "in", OutputTopics: topics}), []*recordtest.MemRecord{r})
		require.NoError(t, errs[0])
		_, _, topic, _ := r.Parts()
		got := []string{*topic}
		_, emitted := r.Outcome()
		for _, e := range emitted {
			_, _, topic, _ := e.Parts()
			got = append(got, *topic)
		}
		assert.Equal(t, topics, got)
	})
}

func TestTheGuestSeesTimestampsOffsetsAndAConsistentBatchHeader(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		var recs []*recordtest.MemRecord
		for i := 0; i < 3; i++ {
			r := rec(s("k"), s("v"), map[string]string{"h": "x"})
			r.SetOffset(int64(100 + i))
			_ = r.SetTimestamp(int64(1700000000000 + 10*(2-i))) // decreasing: max is the first
			recs = append(recs, r)
		}
		errs, _ := runAll(t, load(t, module, "describe", transform.Config{InputTopic: "orders"}), recs)
		for i, r := range recs {
			require.NoError(t, errs[i])
			_, value, _, _ := r.Parts()
			var got struct {
				Timestamp, Offset int64
				Batch             map[string]int64
				InputTopic        string `json:"input_topic"`
				Headers           [][]*string
			}
			require.NoError(t, json.Unmarshal([]byte(*value), &got), *value)
			assert.Equal(t, int64(100+i), got.Offset)
			assert.Equal(t, int64(1700000000000+10*(2-i)), got.Timestamp)
			assert.Equal(t, map[string]int64{"base_offset": 100, "record_count": 3, "base_timestamp": 1700000000020,
				"max_timestamp": 1700000000020, "last_offset_delta": 2, "max_size": got.Batch["max_size"]}, got.Batch)
			assert.Positive(t, got.Batch["max_size"])
			assert.Equal(t, "orders", got.InputTopic)
		}
	})
}

// The two guests write the same describe JSON, byte for byte, for records
// whose parts need every kind of JSON escape and hold bytes that are not
// UTF-8 (each such byte is \ufffd, as Go's encoding/json writes it).
func TestTheGuestsDescribeAlike(t *testing.T) {
	values := map[string][]string{}
	forEachGuest(t, func(t *testing.T, module string) {
		recs := []*recordtest.MemRecord{
			rec(s("k\"\\\n\r\t\b\f\x01\x7f"), s("<&> \u2028\u2029 \xe2\x82A \xed\xa0\x80 \xff \ufffd é"),
				map[string]string{"h\x00": "\xc0\x80", "": ""}),
			rec(nil, nil, nil),
			rec(s(""), s("plain"), map[string]string{"a": "1", "b": "2"}),
		}
		for i, r := range recs {
			r.SetOffset(int64(7 + i))
			_ = r.SetTimestamp(int64(1700000000123 + i))
		}
		errs, _ := runAll(t, load(t, module, "describe", transform.Config{InputTopic: "in\"put"}), recs)
		for i, r := range recs {
			require.NoError(t, errs[i], "record %d", i)
			_, value, _, _ := r.Parts()
			require.True(t, json.Valid([]byte(*value)), *value)
			values[module] = append(values[module], *value)
		}
	})
	require.Len(t, values[rustGuest], 3)
	assert.Equal(t, values[goGuest], values[rustGuest])
	// DEL and a valid U+FFFD are written as they are.
	assert.Equal(t, `{"key":"k\"\\\n\r\t\b\f\u0001`+"\x7f"+`","value":"<&> \u2028\u2029 \ufffd\ufffdA \ufffd\ufffd\ufffd \ufffd `+"\ufffd"+` é",`+
		`"headers":[["",""],["h\u0000","\ufffd\ufffd"]],"timestamp":1700000000123,"offset":7,"attributes":0,`+
		`"batch":{"base_offset":7,"record_count":3,"base_timestamp":1700000000123,"max_timestamp":1700000000125,"last_offset_delta":2,"max_size":`,
		values[rustGuest][0][:strings.Index(values[rustGuest][0], `"max_size":`)+len(`"max_size":`)])
}

// Batches of different sizes through one instance: the Rust guest resizes
// its buffer to exactly read_batch_header's result every batch (shrinking
// it too) and dies on a -2, so the host must report each batch's own
// largest payload, wherever in the batch it is.
func TestEachBatchIsSizedByItsOwnLargestRecord(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		m := load(t, module, "identity", transform.Config{})
		in, err := m.Instantiate(context.Background())
		require.NoError(t, err)
		defer in.Close(context.Background())
		big, small := strings.Repeat("b", 100_000), "s"
		for _, values := range [][]string{{big}, {small}, {small, big, small}, {small, small}, {big, big}, {""}} {
			recs := make([]record.Record, len(values))
			for i, v := range values {
				recs[i] = rec(s("k"), s(v), map[string]string{"h": v[:min(len(v), 3)]})
			}
			n, err := in.Process(context.Background(), recs)
			require.NoError(t, err, "batch of %d values", len(values))
			require.Equal(t, len(values), n)
			for i, r := range recs {
				_, value, _, _ := r.(*recordtest.MemRecord).Parts()
				assert.Equal(t, values[i], *value)
			}
		}
	})
}

// guestOutput collects what the guests write to stderr.
type guestOutput struct {
	mu    sync.Mutex
	lines []string
}

func (o *guestOutput) option() hostabi.Option {
	return hostabi.WithGuestOutput(func(stream, line string) {
		if stream == "stderr" {
			o.mu.Lock()
			o.lines = append(o.lines, line)
			o.mu.Unlock()
		}
	})
}

func (o *guestOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}

// How each fault ends, by guest: standard Go exits (proc_exit 2 after a
// panic, or the code given to os.Exit); Rust on wasm32-wasi prints the
// panic and aborts, which is the unreachable instruction: a trap. An
// infinite loop ends only at the timeout, in both.
var faults = []struct {
	fault  string
	opts   []hostabi.Option
	want   map[string]string // in the record's error
	stderr map[string]string // in the guest's stderr
}{
	{"panic", nil,
		map[string]string{goGuest: "exited with code 2", rustGuest: "trapped: wasm error: unreachable"},
		map[string]string{
			goGuest:   `panic: transforming record failed: user error: the value starts with "panic"`,
			rustGuest: `panicked at 'transforming record failed: user error: the value starts with "panic"', ./testdata/transform/rust/transform.rs:`,
		}},
	{"exit", nil,
		map[string]string{goGuest: "exited with code 3", rustGuest: "exited with code 3"},
		map[string]string{goGuest: "", rustGuest: ""}},
	{"bomb", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{MemoryPages: 600})},
		map[string]string{goGuest: "exited with code 2", rustGuest: "trapped: wasm error: unreachable (its memory was"},
		map[string]string{goGuest: "fatal error: out of memory", rustGuest: "memory allocation of 1048576 bytes failed"}},
	{"loop", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{Timeout: 300 * time.Millisecond})},
		map[string]string{goGuest: "ran longer than the timeout of 300ms", rustGuest: "ran longer than the timeout of 300ms"},
		map[string]string{goGuest: "", rustGuest: ""}},
}

// A fault on one record in the middle of a batch of 64 fails exactly that
// record; every other record's output is there once.
func TestAFaultFailsOnlyItsRecord(t *testing.T) {
	forEachGuest(t, func(t *testing.T, module string) {
		for _, tt := range faults {
			t.Run(tt.fault, func(t *testing.T) {
				var stderr guestOutput
				// A new slice: appending to tt.opts could write into the
				// table's, which both guests' runs share.
				m := load(t, module, "upper", transform.Config{}, append([]hostabi.Option{stderr.option()}, tt.opts...)...)
				var recs []*recordtest.MemRecord
				for i := 0; i < 64; i++ {
					v := "record " + string(rune('a'+i%26))
					if i == 31 {
						v = tt.fault + " now"
					}
					recs = append(recs, rec(nil, s(v), nil))
				}
				errs, instances := runAll(t, m, recs)
				assert.Equal(t, 2, instances, "one fresh instance after the fault")
				for i, r := range recs {
					_, value, _, _ := r.Parts()
					dropped, emitted := r.Outcome()
					assert.False(t, dropped)
					assert.Empty(t, emitted)
					if i == 31 {
						require.Error(t, errs[i])
						assert.Contains(t, errs[i].Error(), transform.ABIName)
						assert.Contains(t, errs[i].Error(), tt.want[module])
						continue
					}
					require.NoError(t, errs[i], "record %d", i)
					assert.Equal(t, strings.ToUpper(*value), *value, "record %d transformed", i)
				}
				assert.Contains(t, stderr.String(), tt.stderr[module])
			})
		}
	})
}

// An unknown BW_CASE ends the guest before it asks for a batch: the
// module fails to start, the way each language ends a panic.
func TestAGuestThatDiesInMainFailsToStart(t *testing.T) {
	for _, tt := range []struct{ module, want, stderr string }{
		{goGuest, "exited with code 2", `panic: unknown BW_CASE "nope"`},
		{rustGuest, "trapped: wasm error: unreachable", `panicked at 'unknown BW_CASE "nope"'`},
	} {
		t.Run(tt.module, func(t *testing.T) {
			var stderr guestOutput
			m := load(t, tt.module, "nope", transform.Config{}, stderr.option())
			_, err := m.Instantiate(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "the transform exited before asking for its first batch")
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

// The WAT guests use the raw ABI: version 1 (identity) and version 2
// (upper-case, with a trap on a value starting "trap").
func TestRawABIGuests(t *testing.T) {
	for _, tt := range []struct{ module, in, want string }{
		{"transform_identity.wasm", "Hello", "Hello"},
		{"transform_upper.wasm", "Hello", "HELLO"},
	} {
		t.Run(tt.module, func(t *testing.T) {
			wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", tt.module))
			require.NoError(t, err)
			m, err := transform.Load(context.Background(), tt.module, wasm, transform.Config{})
			require.NoError(t, err)
			defer m.Close(context.Background())
			recs := []*recordtest.MemRecord{rec(s("k"), s(tt.in), map[string]string{"h": "v"}), rec(nil, nil, nil)}
			errs, _ := runAll(t, m, recs)
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			key, value, _, headers := recs[0].Parts()
			assert.Equal(t, "k", *key)
			assert.Equal(t, tt.want, *value)
			assert.Equal(t, map[string]string{"h": "v"}, headers)
			key, value, _, _ = recs[1].Parts()
			assert.Nil(t, key)
			assert.Nil(t, value)
		})
	}
}

func TestModulesThatDoNotFitAreRefusedByName(t *testing.T) {
	for _, tt := range []struct{ module, want string }{
		{"rust.wasm", `export _start is missing (expected a function () -> (): a transform is a WASI command`},
		{"connect_malloc.wasm", `imports benthos_wasm.v0_msg_as_bytes, benthos_wasm.v0_msg_set_bytes, benthos_wasm.v0_msg_get_meta and 1 more are from module "benthos_wasm", which the host does not provide (expected redpanda_transform or wasi_snapshot_preview1)`},
	} {
		wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", tt.module))
		require.NoError(t, err)
		_, err = transform.Load(context.Background(), tt.module, wasm, transform.Config{})
		var mismatch *transform.MismatchError
		require.ErrorAs(t, err, &mismatch, tt.module)
		assert.Contains(t, err.Error(), "does not fit the Redpanda Data Transforms ABI")
		assert.Contains(t, err.Error(), tt.want)
	}
	_, err := transform.Load(context.Background(), "x.wasm", nil, transform.Config{OutputTopics: []string{"a", "a"}})
	var optErr *hostabi.OptionError
	require.ErrorAs(t, err, &optErr)
	_, err = transform.Load(context.Background(), "x.wasm", nil, transform.Config{OutputTopics: make([]string, 9)})
	require.ErrorAs(t, err, &optErr)
}
