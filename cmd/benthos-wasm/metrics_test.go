package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

// scrapeMetrics fetches and parses the Prometheus page at addr.
func scrapeMetrics(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// sample returns the value of the metric name whose labels include want
// (name=value pairs), failing unless exactly one matches.
func sample(t *testing.T, families map[string]*dto.MetricFamily, name string, want ...string) float64 {
	t.Helper()
	found := samples(t, families, name, want...)
	require.Len(t, found, 1, "one %s sample with %v", name, want)
	return found[0]
}

// samples returns the values of the metric name whose labels include want.
func samples(t *testing.T, families map[string]*dto.MetricFamily, name string, want ...string) []float64 {
	t.Helper()
	family, ok := families[name]
	require.True(t, ok, "metric %s is scraped", name)
	var found []float64
	for _, m := range family.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for _, pair := range want {
			k, v, _ := strings.Cut(pair, "=")
			match = match && labels[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			found = append(found, m.GetCounter().GetValue())
		case m.Gauge != nil:
			found = append(found, m.GetGauge().GetValue())
		case m.Summary != nil:
			found = append(found, float64(m.GetSummary().GetSampleCount()))
		case m.Histogram != nil:
			found = append(found, float64(m.GetHistogram().GetSampleCount()))
		}
	}
	return found
}

// Records posted to a running pipeline show up in the scrape: Benthos's own
// metrics and every wasm_smt metric, counted by processor and outcome.
func TestPrometheusScrapeCountsWhatWasSentAndWhatFailed(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
	const module = "./testdata/wasm/rust.wasm"
	config := writeConfig(t, fmt.Sprintf(`
http:
  address: %s
input:
  http_server: { path: /post }
pipeline:
  threads: 1
  processors:
    - label: filter
      wasm_smt: { module_path: %[2]s, function: filter }
    - label: upper
      wasm_smt: { module_path: %[2]s, function: upper_or_trap }
    - label: reject
      wasm_smt: { module_path: %[2]s, function: reject, check: 'content().has_prefix("REJECT")' }
    - label: fan
      wasm_smt: { module_path: %[2]s, function: fan_out, check: 'content().contains(",") && !errored()' }
output:
  drop: {}
metrics:
  prometheus: {}
`, addr, module))
	runPipeline(t, config)
	waitUntil(t, 30*time.Second, "the HTTP server", func() bool {
		resp, err := http.Get("http://" + addr + "/ping")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})

	sent := []string{"a", "b", "c,d,e", "trap 1", "trap 2", "please drop", "reject me", "f", "g", "h"}
	for _, record := range sent {
		resp, err := http.Post("http://"+addr+"/post", "text/plain", strings.NewReader(record))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, record)
	}

	m := scrapeMetrics(t, addr)
	// Benthos's own metrics: 10 in; 11 out (one dropped, one fanned out to three).
	assert.EqualValues(t, 10, sample(t, m, "input_received"))
	assert.EqualValues(t, 11, sample(t, m, "output_sent"))

	smt := func(label string) []string {
		return []string{"label=" + label, "module=" + module, "path=root.pipeline.processors." + map[string]string{
			"filter": "0", "upper": "1", "reject": "2", "fan": "3"}[label]}
	}
	with := func(label string, more ...string) []string { return append(smt(label), more...) }
	tests := []struct {
		metric string
		labels []string
		want   float64
	}{
		{"wasm_smt_calls", smt("filter"), 10},
		{"wasm_smt_dropped", smt("filter"), 1},
		{"wasm_smt_calls", smt("upper"), 9},
		{"wasm_smt_errors", with("upper", "kind=trap"), 2},
		{"wasm_smt_calls", smt("reject"), 1},
		{"wasm_smt_skipped", smt("reject"), 8},
		{"wasm_smt_errors", with("reject", "kind=guest_error"), 1},
		{"wasm_smt_calls", smt("fan"), 1},
		{"wasm_smt_skipped", smt("fan"), 8},
		{"wasm_smt_dropped", smt("fan"), 1},
		{"wasm_smt_emitted", smt("fan"), 3},
		{"wasm_smt_instances", smt("filter"), 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, sample(t, m, tt.metric, tt.labels...), "%s %v", tt.metric, tt.labels)
	}
	// Every 8th call of an instance is timed: filter's one instance made 10
	// calls; upper's made 4, 1 and 4 (two were replaced after traps).
	assert.EqualValues(t, 1, sample(t, m, "wasm_smt_call_latency_ns", smt("filter")...))
	assert.Empty(t, samples(t, m, "wasm_smt_call_latency_ns", smt("upper")...))
	for _, label := range []string{"filter", "upper", "reject", "fan"} {
		instances := sample(t, m, "wasm_smt_instances", smt(label)...)
		assert.GreaterOrEqual(t, instances, 1.0, label)
		assert.GreaterOrEqual(t, sample(t, m, "wasm_smt_memory_pages", smt(label)...), instances, "at least a page per instance")
	}
	// Only the failures that happened are counted.
	for _, family := range []string{"wasm_smt_errors"} {
		assert.Len(t, m[family].GetMetric(), 2, "errors of two kinds, in two processors")
	}
	_, reloaded := m["wasm_smt_reloads"]
	assert.False(t, reloaded, "no reloads without watch")
}
