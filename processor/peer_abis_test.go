package processor

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

// transformProcessor runs the Go Data Transforms guest with BW_CASE set.
func transformProcessor(t *testing.T, behaviour, extra string) *wasmSMT {
	p, _ := transformProcessorWithLogs(t, "transform_go.wasm", behaviour, extra)
	return p
}

// transformProcessorWithLogs runs a Data Transforms conformance guest
// (transform_go.wasm or transform_rust.wasm) with BW_CASE set, and returns
// the processor's log too.
func transformProcessorWithLogs(t *testing.T, module, behaviour, extra string) (*wasmSMT, *testutil.SyncBuffer) {
	return processorWithLogs(t, module, "", fmt.Sprintf("environment: { BW_CASE: %s }\n%s", behaviour, extra))
}

func TestDataTransformsKeepEveryPartAndTheMessagesMetadata(t *testing.T) {
	p := transformProcessor(t, "identity", "")
	out := process(t, p,
		message("v1", map[string]any{"kafka_key": "k1", "kafka_topic": "in", "h": "x", "kafka_offset": 7}),
		message("v2", map[string]any{"kafka_topic": "in"}),
		message("", map[string]any{"kafka_key": "k3", "kafka_tombstone_message": true}),
	)
	require.Len(t, out, 3)
	for _, msg := range out {
		require.NoError(t, msg.GetError())
	}
	assert.Equal(t, []string{"v1", "v2", ""}, payloads(t, out))
	assert.Equal(t, map[string]any{"kafka_key": "k1", "kafka_topic": "in", "h": "x", "kafka_offset": 7}, metadata(out[0]),
		"the output message is the input message, its metadata kept")
	assert.Equal(t, map[string]any{"kafka_topic": "in"}, metadata(out[1]), "a null key stays absent")
	assert.Equal(t, true, metadata(out[2])["kafka_tombstone_message"], "a null value stays a tombstone")
}

func TestDataTransformsWriteToNamedTopicsDropAndFanOut(t *testing.T) {
	topics := []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}
	p := transformProcessor(t, "multi_topic", "output_topics: ["+strings.Join(topics, ", ")+"]")
	out := process(t, p, message("a", map[string]any{"kafka_topic": "in", "kafka_key": "k"}), message("b", nil))
	require.Len(t, out, 16)
	for i, msg := range out {
		require.NoError(t, msg.GetError())
		assert.Equal(t, topics[i%8], metadata(msg)["kafka_topic"], "message %d", i)
	}
	assert.Equal(t, strings.Split("aaaaaaaabbbbbbbb", ""), payloads(t, out))
	assert.Equal(t, "k", metadata(out[7])["kafka_key"], "every copy keeps the record's key")

	p = transformProcessor(t, "drop", "")
	assert.Empty(t, messagesOut(t, p, message("a", nil), message("b", nil)), "no write drops the record")

	p = transformProcessor(t, "twice", "output_topics: [out]")
	out = process(t, p, message("a", map[string]any{"kafka_topic": "in"}))
	assert.Equal(t, []string{"a", "a"}, payloads(t, out))
	assert.Equal(t, "out", metadata(out[0])["kafka_topic"], "write_record goes to the first output topic")
	assert.Equal(t, "out", metadata(out[1])["kafka_topic"])
}

// The guest sees the records' real offsets and timestamps, and a batch
// header consistent with them.
func TestDataTransformsSeeOffsetsTimestampsAndTheBatchHeader(t *testing.T) {
	p := transformProcessor(t, "describe", "input_topic: orders")
	out := process(t, p,
		message("a", map[string]any{"kafka_offset": 41, "kafka_timestamp_ms": int64(1700000000500)}),
		message("b", map[string]any{"kafka_offset": 42, "kafka_timestamp_ms": int64(1700000000900)}),
	)
	require.Len(t, out, 2)
	for i, msg := range out {
		require.NoError(t, msg.GetError())
		b, _ := msg.AsBytes()
		assert.Contains(t, string(b), fmt.Sprintf(`"timestamp":%d,"offset":%d`, []int64{1700000000500, 1700000000900}[i], 41+i))
		assert.Contains(t, string(b), `"batch":{"base_offset":41,"record_count":2,"base_timestamp":1700000000500,"max_timestamp":1700000000900,"last_offset_delta":1,`)
		assert.Contains(t, string(b), `"input_topic":"orders"`)
	}
}

// A fault on one record in the middle of a batch of 64 fails exactly that
// record, unchanged and flagged; every other record comes out once,
// transformed, and the records after it run on a fresh instance. Both
// guests, whose languages end differently: standard Go exits (proc_exit 2
// on a panic or when out of memory), Rust on wasm32-wasi aborts with the
// unreachable instruction, a trap. What the guest wrote to stderr before it
// died (the panic message) is in the log.
func TestDataTransformsIsolateAFaultToItsRecord(t *testing.T) {
	for _, tt := range []struct{ module, fault, extra, want, kind, logged string }{
		{"transform_go.wasm", "panic", "", "exited with code 2", kindTrap,
			`panic: transforming record failed: user error: the value starts with \"panic\"`},
		{"transform_go.wasm", "exit", "", "exited with code 3", kindTrap, ""},
		{"transform_go.wasm", "bomb", "max_memory_pages: 600", "exited with code 2", kindTrap, "fatal error: out of memory"},
		{"transform_go.wasm", "loop", "timeout: 300ms", "ran longer than the timeout of 300ms", kindTimeout, ""},
		{"transform_rust.wasm", "panic", "", "trapped: wasm error: unreachable", kindTrap,
			`panicked at 'transforming record failed: user error: the value starts with \"panic\"'`},
		{"transform_rust.wasm", "exit", "", "exited with code 3", kindTrap, ""},
		{"transform_rust.wasm", "bomb", "max_memory_pages: 600", "trapped: wasm error: unreachable (its memory was", kindTrap,
			"memory allocation of 1048576 bytes failed"},
		{"transform_rust.wasm", "loop", "timeout: 300ms", "ran longer than the timeout of 300ms", kindTimeout, ""},
	} {
		t.Run(tt.module+"/"+tt.fault, func(t *testing.T) {
			p, logs := transformProcessorWithLogs(t, tt.module, "upper", tt.extra)
			batch := make(service.MessageBatch, 64)
			for i := range batch {
				v := fmt.Sprintf("record %d", i)
				if i == 31 {
					v = tt.fault + " here"
				}
				batch[i] = message(v, map[string]any{"kafka_offset": 1000 + i})
			}
			out := process(t, p, batch...)
			require.Len(t, out, 64, "every record comes out once")
			for i, msg := range out {
				b, _ := msg.AsBytes()
				if i == 31 {
					assert.Equal(t, tt.fault+" here", string(b), "the failed record is unchanged")
					require.Error(t, msg.GetError())
					assert.Contains(t, msg.GetError().Error(), transform.ABIName)
					assert.Contains(t, msg.GetError().Error(), tt.want)
					assert.Equal(t, kindTrap == tt.kind, callErrorKind(msg.GetError()) == kindTrap)
					continue
				}
				require.NoError(t, msg.GetError(), "record %d", i)
				assert.Equal(t, fmt.Sprintf("RECORD %d", i), string(b))
				assert.Equal(t, 1000+i, metadata(msg)["kafka_offset"])
			}
			assert.Contains(t, logs.String(), tt.logged)
		})
	}
}

func TestConnectWasmModulesRun(t *testing.T) {
	for _, module := range []string{"connect_malloc.wasm", "connect_allocate.wasm", "connect_rust.wasm", "connect_go.wasm"} {
		t.Run(module, func(t *testing.T) {
			p := processorFor(t, module, "", "") // function defaults to process
			out := process(t, p, message("hello", map[string]any{"kafka_key": "k"}), message("", nil))
			require.NoError(t, out[0].GetError())
			assert.Equal(t, []string{"HELLO", ""}, payloads(t, out))
			assert.Equal(t, "k", metadata(out[0])["kafka_key"])

			p = processorFor(t, module, "set_meta", "")
			out = process(t, p, message("x", map[string]any{"in": "v"}))
			require.NoError(t, out[0].GetError())
			assert.Equal(t, map[string]any{"in": "v", "out": "v"}, metadata(out[0]))

			p = processorFor(t, module, "trap_if", "")
			out = process(t, p, message("a", nil), message("trap!", nil), message("b", nil))
			assert.Equal(t, []string{"A", "trap!", "B"}, payloads(t, out), "the trapped record alone fails, unchanged")
			assert.NoError(t, out[0].GetError())
			assert.ErrorContains(t, out[1].GetError(), "trapped")
			assert.NoError(t, out[2].GetError(), "a fresh instance carries on")
		})
	}
}

func TestTheABIIsDetectedOrForcedAndMismatchesNamed(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"module_path: " + modulePath("transform_go.wasm") + "\nabi: kafka_connect\nfunction: f",
			"does not fit the Kafka Connect ABI"},
		{"module_path: " + modulePath("rust.wasm") + "\nabi: data_transforms",
			"export _start is missing (expected a function () -> (): a transform is a WASI command"},
		{"module_path: " + modulePath("rust.wasm"),
			"field function: required for a module of the Kafka Connect ABI"},
		{"module_path: " + modulePath("transform_go.wasm") + "\nfunction: to_upper",
			"field function: must be empty for a module of the Redpanda Data Transforms ABI"},
		{"module_path: " + modulePath("connect_malloc.wasm") + "\nfunction: nope",
			"export nope is missing"},
		{"module_path: " + modulePath("transform_go.wasm") + "\nenvironment: { REDPANDA_INPUT_TOPIC: x }",
			"field environment: REDPANDA_INPUT_TOPIC: names starting with REDPANDA_ are reserved"},
		{"module_path: " + modulePath("transform_go.wasm") + "\noutput_topics: [a, b, c, d, e, f, g, h, i]",
			"OutputTopics is 9, expected at most 8 topics"},
	} {
		conf, err := wasmSMTSpec().ParseYAML(tt.yaml, nil)
		require.NoError(t, err)
		_, err = newWasmSMT(conf, service.MockResources())
		require.Error(t, err, tt.yaml)
		assert.Contains(t, err.Error(), tt.want)
	}
}

// Hot reload works across ABIs: a Connect wasm module (upper-cases) is
// replaced by a Data Transforms one (identity), then by a Kafka-Connect-ABI
// module that needs a function the config does not give, which is refused
// while the transform keeps serving.
func TestWatchReloadsFromOneABIToAnother(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.wasm")
	replaceFile(t, path, []byte(readFile(t, modulePath("connect_malloc.wasm"))))
	p, logs := newTestProcessor(t, fmt.Sprintf("module_path: %s\nwatch: true\ncompilation_cache_dir: %s", path, testCacheDir))
	out := process(t, p, message("a", nil))
	assert.Equal(t, []string{"A"}, payloads(t, out))

	replaceFile(t, path, []byte(readFile(t, modulePath("transform_identity.wasm"))))
	require.Eventually(t, func() bool {
		out := process(t, p, message("b", map[string]any{"kafka_key": "k"}), message("c", nil))
		require.NoError(t, out[0].GetError())
		return payloads(t, out)[0] == "b"
	}, 10*time.Second, 20*time.Millisecond, "the transform serves after the reload")
	out = process(t, p, message("b", map[string]any{"kafka_key": "k"}), message("c", nil))
	assert.Equal(t, []string{"b", "c"}, payloads(t, out))
	assert.Equal(t, "k", metadata(out[0])["kafka_key"])

	replaceFile(t, path, []byte(readFile(t, modulePath("rust.wasm"))))
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "field function: required for a module of the Kafka Connect ABI")
	}, 10*time.Second, 20*time.Millisecond)
	out = process(t, p, message("d", nil))
	assert.Equal(t, []string{"d"}, payloads(t, out), "the transform keeps serving")
}

// One table of record cases run across the three ABIs where they overlap:
// the same input gives the same value, key and headers, whichever kind of
// module upper-cases it.
func TestTheABIsAgreeWhereTheyOverlap(t *testing.T) {
	modules := []struct{ name, yaml string }{
		{"kafka connect (rust)", "module_path: " + modulePath("rust.wasm") + "\nfunction: to_upper"},
		{"kafka connect (go)", "module_path: " + modulePath("go.wasm") + "\nfunction: to_upper"},
		{"connect wasm (malloc wat)", "module_path: " + modulePath("connect_malloc.wasm")},
		{"connect wasm (allocate wat)", "module_path: " + modulePath("connect_allocate.wasm")},
		{"connect wasm (rust)", "module_path: " + modulePath("connect_rust.wasm")},
		{"connect wasm (go)", "module_path: " + modulePath("connect_go.wasm")},
		{"data transforms (go)", "module_path: " + modulePath("transform_go.wasm") + "\nenvironment: { BW_CASE: upper }"},
		{"data transforms (rust)", "module_path: " + modulePath("transform_rust.wasm") + "\nenvironment: { BW_CASE: upper }"},
		{"data transforms (wat)", "module_path: " + modulePath("transform_upper.wasm")},
	}
	cases := []struct {
		in, want string
		meta     map[string]any
	}{
		{"hello", "HELLO", map[string]any{"kafka_key": "k", "kafka_topic": "t", "h": "v"}},
		{"", "", map[string]any{"kafka_key": "", "h": ""}},
		{"MiXeD 123 é", "MIXED 123 é", nil},
		{"\x00\xffbinary", "\x00\xffBINARY", map[string]any{"bin": "\x01"}},
		{strings.Repeat("long value ", 10_000), strings.Repeat("LONG VALUE ", 10_000), nil},
	}
	for _, m := range modules {
		t.Run(m.name, func(t *testing.T) {
			p, _ := newTestProcessor(t, m.yaml+"\ncompilation_cache_dir: "+testCacheDir)
			batch := make(service.MessageBatch, len(cases))
			for i, c := range cases {
				batch[i] = message(c.in, c.meta)
			}
			out := process(t, p, batch...)
			require.Len(t, out, len(cases))
			for i, c := range cases {
				require.NoError(t, out[i].GetError(), "case %d", i)
				got, _ := out[i].AsBytes()
				assert.Equal(t, c.want, string(got), "case %d", i)
				want := c.meta
				if want == nil {
					want = map[string]any{}
				}
				assert.Equal(t, want, metadata(out[i]), "case %d: key, topic and headers kept", i)
			}
		})
	}
}
