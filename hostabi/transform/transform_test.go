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

var goGuest = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", "transform_go.wasm"))
})

var cacheDir = filepath.Join(os.TempDir(), "benthos-wasm-transform-test-cache")

// load loads the Go transform guest with BW_CASE set to behaviour.
func load(t *testing.T, behaviour string, cfg transform.Config, opts ...hostabi.Option) *transform.Module {
	t.Helper()
	wasm, err := goGuest()
	require.NoError(t, err, "run testdata/build.sh")
	opts = append([]hostabi.Option{hostabi.WithCompilationCacheDir(cacheDir),
		hostabi.WithEnvironment(map[string]string{"BW_CASE": behaviour})}, opts...)
	m, err := transform.Load(context.Background(), "transform_go.wasm", wasm, cfg, opts...)
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

func TestIdentityKeepsEveryPartExactly(t *testing.T) {
	m := load(t, "identity", transform.Config{})
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
}

func TestZeroWritesDropAndTwoWritesFanOut(t *testing.T) {
	r := rec(s("k"), s("v"), nil)
	errs, _ := runAll(t, load(t, "drop", transform.Config{}), []*recordtest.MemRecord{r})
	require.NoError(t, errs[0])
	dropped, _ := r.Outcome()
	assert.True(t, dropped, "no write drops the record")

	r = rec(s("k"), s("v"), nil)
	errs, _ = runAll(t, load(t, "twice", transform.Config{}), []*recordtest.MemRecord{r})
	require.NoError(t, errs[0])
	dropped, emitted := r.Outcome()
	assert.False(t, dropped)
	require.Len(t, emitted, 1, "the second write is an emitted record")
	_, value, _, _ := emitted[0].Parts()
	assert.Equal(t, "v", *value)
}

func TestWritesGoToEveryOutputTopic(t *testing.T) {
	topics := []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}
	r := rec(s("k"), s("v"), nil)
	errs, _ := runAll(t, load(t, "multi_topic", transform.Config{InputTopic: "in", OutputTopics: topics}), []*recordtest.MemRecord{r})
	require.NoError(t, errs[0])
	_, _, topic, _ := r.Parts()
	got := []string{*topic}
	_, emitted := r.Outcome()
	for _, e := range emitted {
		_, _, topic, _ := e.Parts()
		got = append(got, *topic)
	}
	assert.Equal(t, topics, got)
}

func TestTheGuestSeesTimestampsOffsetsAndAConsistentBatchHeader(t *testing.T) {
	var recs []*recordtest.MemRecord
	for i := 0; i < 3; i++ {
		r := rec(s("k"), s("v"), map[string]string{"h": "x"})
		r.SetOffset(int64(100 + i))
		_ = r.SetTimestamp(int64(1700000000000 + 10*(2-i))) // decreasing: max is the first
		recs = append(recs, r)
	}
	errs, _ := runAll(t, load(t, "describe", transform.Config{InputTopic: "orders"}), recs)
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
}

// A fault on one record in the middle of a batch of 64 fails exactly that
// record; every other record's output is there once.
func TestAFaultFailsOnlyItsRecord(t *testing.T) {
	for _, tt := range []struct {
		fault string
		opts  []hostabi.Option
		want  string
	}{
		{"panic", nil, "exited with code 2"},
		{"exit", nil, "exited with code 3"},
		{"bomb", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{MemoryPages: 600})}, "exited with code 2"}, // Go panics when out of memory
		{"loop", []hostabi.Option{hostabi.WithLimits(hostabi.Limits{Timeout: 300 * time.Millisecond})}, "ran longer than the timeout of 300ms"},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			m := load(t, "upper", transform.Config{}, tt.opts...)
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
					assert.Contains(t, errs[i].Error(), tt.want)
					continue
				}
				require.NoError(t, errs[i], "record %d", i)
				assert.Equal(t, strings.ToUpper(*value), *value, "record %d transformed", i)
			}
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
