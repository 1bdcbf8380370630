package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/oteltracer/otlptest"
)

func TestTracerSendsWasmSMTSpansFromTheBinary(t *testing.T) {
	module := filepath.Join(repoRoot, "testdata", "wasm", "rust.wasm")
	_, err := os.Stat(module)
	require.NoError(t, err, "the Rust guest the test runs")

	httpRecv := otlptest.NewHTTPReceiver(t)
	grpcRecv := otlptest.NewGRPCReceiver(t)

	conf := filepath.Join(t.TempDir(), "traced.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(`
http:
  enabled: false
input:
  generate:
    count: 3
    interval: ""
    mapping: 'root = if counter() == 2 { "trap me" } else { "hello from wasm, message " + counter().string() }'
pipeline:
  processors:
    - wasm_smt:
        module_path: ./testdata/wasm/rust.wasm
        function: upper_or_trap
        value_converter: string
output:
  drop: {}
tracer:
  open_telemetry_collector:
    service: benthos-wasm-tracer-test
    http:
      - address: %s
    grpc:
      - address: %s
    tags:
      deployment.environment: test
`, httpRecv.Addr, grpcRecv.Addr)), 0o600))

	// The binary exits when the three messages are through; it flushes the
	// spans on the way out, so they are all here when it returns.
	out, err := benthosWasm(t, "run", "--log.level", "warn", conf)
	require.NoError(t, err, out)

	for name, recv := range map[string]*otlptest.Receiver{"http": httpRecv, "grpc": grpcRecv} {
		spans := recv.Named("wasm_smt")
		require.Len(t, spans, 3, "%s collector: wasm_smt spans among %v", name, recv.Names())
		for _, s := range spans {
			assert.Equal(t, "benthos-wasm-tracer-test", s.Resource["service.name"], name)
			assert.Equal(t, "test", s.Resource["deployment.environment"], name)
			assert.Equal(t, printedVersion(t), s.Resource["service.version"], name)
		}
		assertCallSpans(t, name, recv)
		assert.Len(t, recv.Named("input_generate"), 3, "%s collector", name)
		assert.Len(t, recv.Named("output_drop"), 3, "%s collector", name)
	}
}

// Each guest call is a wasm_smt.call span with the function, module and
// outcome; a trap is an error. Its parent is the message's span, the input's
// span, as is Benthos's wasm_smt processor span: Benthos does not hand the
// processor span to the processor.
func assertCallSpans(t *testing.T, collector string, recv *otlptest.Receiver) {
	t.Helper()
	messageSpans := map[string]otlptest.Span{}
	for _, s := range recv.Named("input_generate") {
		messageSpans[s.SpanID] = s
	}
	calls := recv.Named("wasm_smt.call")
	require.Len(t, calls, 3, "%s collector: one call span per message", collector)
	outcomes := map[string]int{}
	for _, call := range calls {
		parent, ok := messageSpans[call.ParentSpanID]
		require.True(t, ok, "%s collector: a call span's parent is its message's span", collector)
		assert.Equal(t, parent.TraceID, call.TraceID)
		assert.Equal(t, "upper_or_trap", call.Attributes["wasm.function"])
		assert.Equal(t, "./testdata/wasm/rust.wasm", call.Attributes["wasm.module"])
		outcome := call.Attributes["wasm_smt.outcome"]
		outcomes[outcome]++
		if outcome == "trap" {
			assert.Contains(t, call.StatusError, "guest function upper_or_trap trapped")
		} else {
			assert.Empty(t, call.StatusError)
		}
	}
	assert.Equal(t, map[string]int{"ok": 2, "trap": 1}, outcomes, collector)
}
