package promexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestExporter(t *testing.T, yaml string) *exporter {
	t.Helper()
	conf, err := spec().ParseYAML(yaml, nil)
	require.NoError(t, err)
	c, err := parseConfig(conf)
	require.NoError(t, err)
	e, err := newExporter(c, service.MockResources().Logger())
	require.NoError(t, err)
	return e
}

// scrape serves the exporter's handler once and returns the page.
func scrape(t *testing.T, e *exporter) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.HandlerFunc()(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return rec.Body.String()
}

// lines returns the page's sample lines that start with prefix.
func lines(page, prefix string) []string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestCountersGaugesAndSummariesAreServed(t *testing.T) {
	e := newTestExporter(t, "{}")
	received := e.NewCounterCtor("input_received", "label", "path")
	received("in", "root.input").Incr(3)
	received("in", "root.input").Incr(2)
	received("in", "root.input").Incr(-1) // ignored: counters only go up
	e.NewGaugeCtor("wasm_smt_instances", "label")("smt").Set(4)
	timer := e.NewTimerCtor("processor_latency_ns", "label")("smt")
	for i := 1; i <= 100; i++ {
		timer.Timing(int64(i) * 1000)
	}

	page := scrape(t, e)
	assert.Equal(t, []string{`input_received{label="in",path="root.input"} 5`}, lines(page, "input_received"))
	assert.Equal(t, []string{`wasm_smt_instances{label="smt"} 4`}, lines(page, "wasm_smt_instances"))
	assert.Contains(t, page, `processor_latency_ns{label="smt",quantile="0.5"} 50000`)
	assert.Contains(t, page, `processor_latency_ns_count{label="smt"} 100`)
	assert.Contains(t, page, `processor_latency_ns_sum{label="smt"} 5.05e+06`)
}

func TestHistogramTimingIsInSeconds(t *testing.T) {
	e := newTestExporter(t, "use_histogram_timing: true\nhistogram_buckets: [0.001, 0.01]")
	timer := e.NewTimerCtor("processor_latency_ns")()
	timer.Timing(int64(500 * time.Microsecond))
	timer.Timing(int64(5 * time.Millisecond))
	timer.Timing(int64(time.Second))
	page := scrape(t, e)
	assert.Contains(t, page, `processor_latency_ns_bucket{le="0.001"} 1`)
	assert.Contains(t, page, `processor_latency_ns_bucket{le="0.01"} 2`)
	assert.Contains(t, page, `processor_latency_ns_bucket{le="+Inf"} 3`)
	assert.Contains(t, page, `processor_latency_ns_sum 1.0055`)
}

// Every component asks for its metrics by name: the same name is one family,
// and a name Prometheus refuses is made acceptable.
func TestSameNameIsOneFamilyAndBadNamesAreFixed(t *testing.T) {
	e := newTestExporter(t, "{}")
	e.NewCounterCtor("processor_received", "label")("a").Incr(1)
	e.NewCounterCtor("processor_received", "label")("b").Incr(2)
	e.NewCounterCtor("my.custom-metric", "the label")("x").Incr(7)
	page := scrape(t, e)
	assert.Equal(t, []string{`processor_received{label="a"} 1`, `processor_received{label="b"} 2`}, lines(page, "processor_received"))
	assert.Equal(t, []string{`my_custom_metric{the_label="x"} 7`}, lines(page, "my_custom_metric"))
}

// A name asked for again with other labels cannot be exported by
// Prometheus: its values are dropped (and logged), the rest still served.
func TestConflictingLabelsAreDroppedNotFatal(t *testing.T) {
	e := newTestExporter(t, "{}")
	e.NewCounterCtor("thing", "a")("1").Incr(1)
	e.NewCounterCtor("thing", "b")("2").Incr(5)
	e.NewGaugeCtor("thing", "a")("3").Set(9)
	assert.Equal(t, []string{`thing{a="1"} 1`}, lines(scrape(t, e), "thing"))
}

func TestRuntimeMetricsOnRequest(t *testing.T) {
	page := scrape(t, newTestExporter(t, "add_go_metrics: true\nadd_process_metrics: true"))
	assert.Contains(t, page, "go_goroutines ")
	assert.Contains(t, page, "process_open_fds ")
	assert.NotContains(t, scrape(t, newTestExporter(t, "{}")), "go_goroutines")
}

func TestPushGatewayGetsTheMetricsAndALastPushOnClose(t *testing.T) {
	var mu sync.Mutex
	var pushes []string
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		user, pass, _ := r.BasicAuth()
		mu.Lock()
		pushes = append(pushes, r.Method+" "+r.URL.Path+" "+user+":"+pass+" "+string(body))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer gateway.Close()

	e := newTestExporter(t, "push_url: "+gateway.URL+"\npush_interval: 20ms\npush_job_name: wasm\npush_basic_auth: { username: u, password: p }")
	e.NewCounterCtor("input_received")().Incr(42)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(pushes) >= 1 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, e.Close(context.Background()))
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(pushes), 2, "pushed on a tick and on close")
	last := pushes[len(pushes)-1]
	assert.True(t, strings.HasPrefix(last, "PUT /metrics/job/wasm u:p "), last)
	// The push body is protobuf; the metric name is in it verbatim.
	assert.Contains(t, last, "input_received")
}

func TestFileOutputIsWrittenOnClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.prom")
	e := newTestExporter(t, "file_output_path: "+path)
	e.NewCounterCtor("output_sent", "label")("out").Incr(9)
	require.NoError(t, e.Close(context.Background()))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), `output_sent{label="out"} 9`)
}

func TestBadConfigNamesTheField(t *testing.T) {
	tests := map[string]string{
		"push_url: not a url":                                             "field push_url: expected a URL such as http://pushgateway:9091",
		"push_url: http://x:9091\npush_interval: 0s":                      "field push_interval: must be more than 0",
		"histogram_buckets: [0.1, 0.01]":                                  "field histogram_buckets: bucket bounds must increase",
		"summary_quantiles_objectives: [ { quantile: 1.5, error: 0.1 } ]": "field summary_quantiles_objectives[0].quantile: must be from 0 to 1",
	}
	for yaml, want := range tests {
		conf, err := spec().ParseYAML(yaml, nil)
		require.NoError(t, err)
		_, err = parseConfig(conf)
		require.Error(t, err, yaml)
		assert.Contains(t, err.Error(), want)
	}
}
