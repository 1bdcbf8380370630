package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// capturedMetrics is a metrics exporter that keeps every value in memory,
// by `name{label=value,...}` with the labels sorted. Timers keep their count,
// as name_count.
type capturedMetrics struct {
	mu     sync.Mutex
	values map[string]int64
	peaks  map[string]int64 // the highest value each gauge reached
}

func (c *capturedMetrics) key(name string, keys, values []string) string {
	pairs := make([]string, len(keys))
	for i := range keys {
		pairs[i] = keys[i] + "=" + values[i]
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

func (c *capturedMetrics) update(key string, fn func(old int64) int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values[key] = fn(c.values[key])
	c.peaks[key] = max(c.peaks[key], c.values[key])
}

type capturedFunc func(int64)

func (f capturedFunc) Incr(n int64)   { f(n) }
func (f capturedFunc) Set(n int64)    { f(n) }
func (f capturedFunc) Timing(n int64) { f(n) }

func (c *capturedMetrics) NewCounterCtor(name string, keys ...string) service.MetricsExporterCounterCtor {
	return func(values ...string) service.MetricsExporterCounter {
		k := c.key(name, keys, values)
		return capturedFunc(func(n int64) { c.update(k, func(old int64) int64 { return old + n }) })
	}
}

func (c *capturedMetrics) NewGaugeCtor(name string, keys ...string) service.MetricsExporterGaugeCtor {
	return func(values ...string) service.MetricsExporterGauge {
		k := c.key(name, keys, values)
		return capturedFunc(func(n int64) { c.update(k, func(int64) int64 { return n }) })
	}
}

func (c *capturedMetrics) NewTimerCtor(name string, keys ...string) service.MetricsExporterTimerCtor {
	return func(values ...string) service.MetricsExporterTimer {
		k := c.key(name+"_count", keys, values)
		return capturedFunc(func(int64) { c.update(k, func(old int64) int64 { return old + 1 }) })
	}
}

func (c *capturedMetrics) Close(context.Context) error { return nil }

// get returns a metric's value; labels are name=value pairs besides the
// label, path, module and function labels that every wasm_smt metric has.
func (c *capturedMetrics) get(t *testing.T, name, module, function string, labels ...string) int64 {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[c.metricKey(name, module, function, labels)]
}

func (c *capturedMetrics) peak(t *testing.T, name, module, function string) int64 {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peaks[c.metricKey(name, module, function, nil)]
}

func (c *capturedMetrics) metricKey(name, module, function string, labels []string) string {
	pairs := append([]string{"label=smt", "path=root.pipeline.processors.0", "module=" + module, "function=" + function}, labels...)
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// runWithMetrics runs values through a one-processor stream whose processor
// is labelled smt, and returns the metrics it recorded once stopped, with
// the messages that came out.
func runWithMetrics(t *testing.T, processorYAML string, values []string, during func(*capturedMetrics)) (*capturedMetrics, []*service.Message) {
	t.Helper()
	captured := &capturedMetrics{values: map[string]int64{}, peaks: map[string]int64{}}
	env := service.NewEnvironment()
	require.NoError(t, env.RegisterMetricsExporter("captured", service.NewConfigSpec(),
		func(*service.ParsedConfig, *service.Logger) (service.MetricsExporter, error) { return captured, nil }))
	b := env.NewStreamBuilder()
	require.NoError(t, b.SetLoggerYAML("level: none"))
	require.NoError(t, b.SetMetricsYAML("captured: {}"))
	require.NoError(t, b.AddProcessorYAML("label: smt\n"+processorYAML))
	send, err := b.AddBatchProducerFunc()
	require.NoError(t, err)
	var mu sync.Mutex
	var out []*service.Message
	require.NoError(t, b.AddConsumerFunc(func(_ context.Context, msg *service.Message) error {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, msg)
		return nil
	}))
	stream, err := b.Build()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- stream.Run(ctx) }()
	for start := 0; start < len(values); start += 10 {
		var batch service.MessageBatch
		for _, v := range values[start:min(start+10, len(values))] {
			batch = append(batch, service.NewMessage([]byte(v)))
		}
		require.NoError(t, send(ctx, batch))
	}
	if during != nil {
		during(captured)
	}
	require.NoError(t, stream.StopWithin(30*time.Second))
	require.NoError(t, <-done)
	return captured, out
}

// Each kind of failure is counted under its own kind, every call is counted
// and timed, and once the processor closes no instance or page is left.
func TestMetricsCountCallsAndEachKindOfError(t *testing.T) {
	tests := []struct {
		module, function, config, kind string
	}{
		{"rust.wasm", "reject", "", kindGuestError},
		{"hostile.wasm", "bomb_if_bad", "max_memory_pages: 64", kindTrap},
		{"hostile.wasm", "loop_if_bad", "timeout: 20ms", kindTimeout},
		{"hostile.wasm", "oob_if_bad", "", kindHostFunction},
		{"hostile.wasm", "flood_if_bad", "max_host_calls: 1000", kindLimit},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			values := make([]string, 200)
			for i := range values {
				values[i] = fmt.Sprintf("good %d", i)
			}
			values[17], values[150] = "bad 1", "bad 2"
			module := modulePath(tt.module)
			m, out := runWithMetrics(t, fmt.Sprintf("wasm_smt: { module_path: %s, function: %s, compilation_cache_dir: %s, %s }",
				module, tt.function, testCacheDir, tt.config), values, nil)
			require.Len(t, out, 200)

			failed := 2
			if tt.kind == kindGuestError { // reject fails every record
				failed = 200
			}
			assert.EqualValues(t, 200, m.get(t, metricCalls, module, tt.function))
			timed := m.get(t, metricLatency+"_count", module, tt.function)
			// One call in 8 of each instance is timed; instances replaced
			// after a failure may leave up to 7 calls each untimed.
			assert.LessOrEqual(t, timed, int64(200/latencySampling), "one call in %d is timed", latencySampling)
			assert.GreaterOrEqual(t, timed, int64(200/latencySampling-2*failed-2))
			assert.EqualValues(t, failed, m.get(t, metricErrors, module, tt.function, "kind="+tt.kind))
			for _, other := range []string{kindGuestError, kindTrap, kindTimeout, kindHostFunction, kindLimit, kindInstance, kindCheck, kindSchema} {
				if other != tt.kind {
					assert.Zero(t, m.get(t, metricErrors, module, tt.function, "kind="+other), other)
				}
			}
			assert.GreaterOrEqual(t, m.peak(t, metricInstances, module, tt.function), int64(1))
			assert.GreaterOrEqual(t, m.peak(t, metricMemoryPages, module, tt.function), int64(1))
			assert.Zero(t, m.get(t, metricInstances, module, tt.function), "no instance outlives the processor")
			assert.Zero(t, m.get(t, metricMemoryPages, module, tt.function), "no memory outlives the processor")
		})
	}
}

// check-skipped messages are counted apart from calls, and a guest's drops
// and emits are counted as records.
func TestMetricsCountSkippedDroppedAndEmitted(t *testing.T) {
	module := modulePath("rust.wasm")
	values := []string{"a,b,c", "plain", "x,y", "z", "p,q"}
	m, out := runWithMetrics(t, fmt.Sprintf(`wasm_smt: { module_path: %s, function: fan_out, compilation_cache_dir: %s, check: 'content().contains(",")' }`,
		module, testCacheDir), values, nil)
	assert.Len(t, out, 3+2+2+1+1)
	assert.EqualValues(t, 3, m.get(t, metricCalls, module, "fan_out"))
	assert.EqualValues(t, 2, m.get(t, metricSkipped, module, "fan_out"))
	assert.EqualValues(t, 3, m.get(t, metricDropped, module, "fan_out"))
	assert.EqualValues(t, 7, m.get(t, metricEmitted, module, "fan_out"))
}

// Memory pages follow the instances' growth: the gauge is the sum of the
// pages of the live instances.
func TestMetricsMemoryPagesFollowGrowth(t *testing.T) {
	module := modulePath("rust.wasm")
	small, _ := runWithMetrics(t, fmt.Sprintf("wasm_smt: { module_path: %s, function: to_upper, compilation_cache_dir: %s, max_instances: 1 }",
		module, testCacheDir), []string{"a"}, nil)
	big, _ := runWithMetrics(t, fmt.Sprintf("wasm_smt: { module_path: %s, function: to_upper, compilation_cache_dir: %s, max_instances: 1 }",
		module, testCacheDir), []string{strings.Repeat("x", 8<<20)}, nil)
	smallPages := small.peak(t, metricMemoryPages, module, "to_upper")
	bigPages := big.peak(t, metricMemoryPages, module, "to_upper")
	assert.Greater(t, smallPages, int64(0))
	assert.GreaterOrEqual(t, bigPages-smallPages, int64((8<<20)/65536), "an 8 MiB value grows memory by at least 8 MiB")
}

// A reload is counted as ok, and a refused one as refused.
func TestMetricsCountReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.wasm")
	replaceFile(t, path, []byte(readFile(t, modulePath("c.wasm"))))
	_, _ = runWithMetrics(t, fmt.Sprintf("wasm_smt: { module_path: %s, function: to_upper, watch: true, compilation_cache_dir: %s }",
		path, testCacheDir), []string{"a"}, func(m *capturedMetrics) {
		replaceFile(t, path, []byte(readFile(t, modulePath("rust.wasm"))))
		waitFor(t, "the reload to be counted", func() bool { return m.get(t, metricReloads, path, "to_upper", "outcome=ok") == 1 })
		require.NoError(t, os.WriteFile(path, []byte("not wasm"), 0o644))
		waitFor(t, "the refused reload to be counted", func() bool {
			return m.get(t, metricReloads, path, "to_upper", "outcome=refused") == 1
		})
		assert.EqualValues(t, 1, m.get(t, metricReloads, path, "to_upper", "outcome=ok"))
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 20*time.Second, 10*time.Millisecond, "waiting for %s", what)
}

// Data Transforms records are counted one by one, like calls: a fault
// counts under its kind, drops and fan-outs as records, and no instance
// (nor its goroutine's memory) outlives the processor.
func TestMetricsCountDataTransformsRecords(t *testing.T) {
	module := modulePath("transform_go.wasm")
	values := make([]string, 30)
	for i := range values {
		values[i] = fmt.Sprintf("record %d", i)
	}
	values[17] = "panic here"
	m, out := runWithMetrics(t, fmt.Sprintf(`wasm_smt: { module_path: %s, compilation_cache_dir: %s, environment: { BW_CASE: twice } }`,
		module, testCacheDir), values, nil)
	assert.Len(t, out, 29*2+1)
	assert.EqualValues(t, 30, m.get(t, metricCalls, module, ""))
	assert.EqualValues(t, 1, m.get(t, metricErrors, module, "", "kind="+kindTrap))
	assert.EqualValues(t, 29, m.get(t, metricEmitted, module, ""), "each record's second write")
	assert.GreaterOrEqual(t, m.peak(t, metricInstances, module, ""), int64(1))
	assert.Zero(t, m.get(t, metricInstances, module, ""), "no instance outlives the processor")
	assert.Zero(t, m.get(t, metricMemoryPages, module, ""))
}
