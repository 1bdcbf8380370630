package oteltracer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"

	"github.com/benthos-wasm/benthos-wasm/oteltracer"
	"github.com/benthos-wasm/benthos-wasm/oteltracer/otlptest"
)

// streamYAML is three generated messages through a mapping into drop, with
// the tracer section appended.
const streamYAML = `
logger:
  level: none
input:
  generate:
    count: 3
    interval: ""
    mapping: 'root = "hello " + counter().string()'
pipeline:
  threads: 1
  processors:
    - mapping: 'root = content().uppercase()'
output:
  drop: {}
tracer:
  open_telemetry_collector:
%s
`

// indent indents a YAML body to sit under open_telemetry_collector.
func indent(body string) string {
	lines := strings.Split(strings.Trim(body, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

// buildStream builds the test stream with the given tracer fields.
func buildStream(tracerFields string) (*service.Stream, error) {
	b := service.NewStreamBuilder()
	if err := b.SetYAML(fmt.Sprintf(streamYAML, indent(tracerFields))); err != nil {
		return nil, err
	}
	return b.Build()
}

// runStream runs the test stream to its end; the tracer is shut down (and so
// flushed) before this returns.
func runStream(t *testing.T, tracerFields string) {
	t.Helper()
	strm, err := buildStream(tracerFields)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, strm.Run(ctx))
}

// assertMappingSpans checks that a receiver got one mapping span per message,
// each from a resource with the given attributes.
func assertMappingSpans(t *testing.T, r *otlptest.Receiver, resource map[string]string) {
	t.Helper()
	spans := r.Named("mapping")
	require.Len(t, spans, 3, "span names received: %v", r.Names())
	traces := map[string]bool{}
	for _, s := range spans {
		assert.Equal(t, "benthos", s.Scope)
		for k, v := range resource {
			assert.Equal(t, v, s.Resource[k], "resource attribute %s", k)
		}
		traces[s.TraceID] = true
	}
	assert.Len(t, traces, 3, "one trace per message")
}

func TestSpansReachHTTPAndGRPCCollectorsWithTagsAndServiceName(t *testing.T) {
	httpRecv := otlptest.NewHTTPReceiver(t)
	grpcRecv := otlptest.NewGRPCReceiver(t)

	// No waiting after the run: the batcher would hold spans for 5 s, so
	// spans here mean the shutdown flushed them.
	runStream(t, fmt.Sprintf(`
service: trace-test
http:
  - address: %s
grpc:
  - address: %s
tags:
  deployment.environment: test
  team: wasm
`, httpRecv.Addr, grpcRecv.Addr))

	want := map[string]string{
		"service.name":           "trace-test",
		"deployment.environment": "test",
		"team":                   "wasm",
	}
	assertMappingSpans(t, httpRecv, want)
	assertMappingSpans(t, grpcRecv, want)
	assert.NotEmpty(t, httpRecv.Spans()[0].Resource["service.version"])
}

func TestServiceNameDefaultsToBenthosWasm(t *testing.T) {
	recv := otlptest.NewGRPCReceiver(t)
	runStream(t, fmt.Sprintf("grpc:\n  - address: %s\n", recv.Addr))
	assertMappingSpans(t, recv, map[string]string{"service.name": oteltracer.DefaultServiceName})
}

func TestATagOverridesTheServiceName(t *testing.T) {
	recv := otlptest.NewHTTPReceiver(t)
	runStream(t, fmt.Sprintf(`
service: ignored
http:
  - address: %s
tags:
  service.name: from-tags
  service.version: "9.9"
`, recv.Addr))
	assertMappingSpans(t, recv, map[string]string{"service.name": "from-tags", "service.version": "9.9"})
}

func TestTheDeprecatedURLFieldStillWorks(t *testing.T) {
	recv := otlptest.NewHTTPReceiver(t)
	runStream(t, fmt.Sprintf("http:\n  - url: %s\n", recv.Addr))
	assertMappingSpans(t, recv, nil)
}

func TestSamplingRatio(t *testing.T) {
	t.Run("0 sends no span", func(t *testing.T) {
		httpRecv := otlptest.NewHTTPReceiver(t)
		grpcRecv := otlptest.NewGRPCReceiver(t)
		runStream(t, fmt.Sprintf(`
http:
  - address: %s
grpc:
  - address: %s
sampling:
  enabled: true
  ratio: 0
`, httpRecv.Addr, grpcRecv.Addr))
		assert.Empty(t, httpRecv.Spans())
		assert.Empty(t, grpcRecv.Spans())
	})
	t.Run("1 sends every span", func(t *testing.T) {
		recv := otlptest.NewHTTPReceiver(t)
		runStream(t, fmt.Sprintf(`
http:
  - address: %s
sampling:
  enabled: true
  ratio: 1
`, recv.Addr))
		assertMappingSpans(t, recv, nil)
	})
	t.Run("a ratio with sampling disabled is ignored", func(t *testing.T) {
		recv := otlptest.NewHTTPReceiver(t)
		runStream(t, fmt.Sprintf(`
http:
  - address: %s
sampling:
  enabled: false
  ratio: 0
`, recv.Addr))
		assertMappingSpans(t, recv, nil)
	})
}

func TestBadFieldsFailClearlyNamingTheField(t *testing.T) {
	for _, tc := range []struct {
		name, fields, want string
	}{
		{"ratio above 1", "grpc: [{address: 127.0.0.1:4317}]\nsampling: {enabled: true, ratio: 1.5}",
			"sampling.ratio: must be between 0 and 1, got 1.5"},
		{"negative ratio", "grpc: [{address: 127.0.0.1:4317}]\nsampling: {enabled: true, ratio: -0.1}",
			"sampling.ratio: must be between 0 and 1, got -0.1"},
		{"ratio not a number", "grpc: [{address: 127.0.0.1:4317}]\nsampling: {enabled: true, ratio: lots}",
			"ratio"},
		{"sampling without a ratio", "grpc: [{address: 127.0.0.1:4317}]\nsampling: {enabled: true}",
			"field sampling.ratio: required when sampling.enabled is true"},
		{"grpc address with a scheme", "grpc: [{address: 'http://127.0.0.1:4317'}]",
			`field grpc[0].address: "http://127.0.0.1:4317" has a scheme: give host:port (127.0.0.1:4317)`},
		{"http address without a port", "http: [{address: 127.0.0.1:4318}, {address: collector}]",
			`field http[1].address: "collector" is not host:port`},
		{"http address with a path", "http: [{address: 'collector:4318/v1/traces'}]",
			`field http[0].address: "collector:4318/v1/traces" is not host:port: it has a path`},
		{"deprecated url without a port", "http: [{url: collector}]",
			`field http[0].url: "collector" is not host:port`},
		{"secure not a bool", "grpc: [{address: 127.0.0.1:4317, secure: maybe}]",
			"secure"},
		{"no collector", "service: x",
			"fields http and grpc: no collector configured"},
		{"empty service name", "service: ''\ngrpc: [{address: 127.0.0.1:4317}]",
			"field service: must not be empty"},
		{"empty tag name", "grpc: [{address: 127.0.0.1:4317}]\ntags: {'': x}",
			"field tags: a tag has an empty name"},
		{"unknown field", "grpc: [{address: 127.0.0.1:4317}]\nendpoint: x",
			"endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			strm, err := buildStream(tc.fields)
			require.Error(t, err)
			assert.Nil(t, strm)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTheSpecExamplesLint(t *testing.T) {
	// Each example is a whole tracer section, which must pass the linter.
	env := service.NewEnvironment()
	spec, ok := env.GetTracerConfig(oteltracer.Name)
	require.True(t, ok)
	data, err := spec.FormatJSON()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"open_telemetry_collector"`)

	for _, conf := range []string{
		"tracer:\n  open_telemetry_collector:\n    grpc: [{address: localhost:4317}]\n",
		"tracer:\n  open_telemetry_collector:\n    http: [{address: 'otel:4318', secure: true}]\n    sampling: {enabled: true, ratio: 0.1}\n",
	} {
		b := env.NewStreamBuilder()
		assert.NoError(t, b.SetYAML(conf+"input: {generate: {count: 1, interval: '', mapping: 'root = 1'}}\noutput: {drop: {}}\n"))
	}
}
