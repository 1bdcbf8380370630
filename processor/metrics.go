package processor

import (
	"errors"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
)

// Metric names of the processor. Benthos adds its own `label` and `path`
// labels to each; the processor adds `module` and `function`, and `kind` or
// `outcome` where noted. README.md documents them for users.
const (
	metricCalls       = "wasm_smt_calls"           // counter: guest function calls
	metricErrors      = "wasm_smt_errors"          // counter, + kind: failed messages
	metricSkipped     = "wasm_smt_skipped"         // counter: messages `check` let through untouched
	metricDropped     = "wasm_smt_dropped"         // counter: records the guest dropped
	metricEmitted     = "wasm_smt_emitted"         // counter: records the guest emitted
	metricLatency     = "wasm_smt_call_latency_ns" // timer: one guest call, in nanoseconds
	metricInstances   = "wasm_smt_instances"       // gauge: live guest instances
	metricMemoryPages = "wasm_smt_memory_pages"    // gauge: 64 KiB pages of linear memory, summed over instances
	metricReloads     = "wasm_smt_reloads"         // counter, + outcome: hot reloads
)

// Values of the `kind` label of wasm_smt_errors.
const (
	kindGuestError   = "guest_error"   // the guest returned an error
	kindTrap         = "trap"          // the guest trapped or exited (also when it ran out of memory)
	kindTimeout      = "timeout"       // the call ran past `timeout`
	kindHostFunction = "host_function" // a host function refused the guest's request
	kindLimit        = "limit"         // the call passed max_host_calls or max_call_bytes
	kindInstance     = "instance"      // no instance could be started to replace a broken one
	kindCheck        = "check"         // the `check` condition failed to evaluate
	kindSchema       = "schema"        // a part's schema could not be had, so the guest was not called
)

// Values of the `outcome` label of wasm_smt_reloads.
const (
	reloadOK      = "ok"
	reloadRefused = "refused"
)

// smtMetrics are the processor's own metrics. Label values are built once so
// that counting allocates nothing per message.
type smtMetrics struct {
	calls, skipped, dropped, emitted *service.MetricCounter
	errors, reloads                  *service.MetricCounter
	latency                          *service.MetricTimer
	instances, memoryPages           *service.MetricGauge

	// The gauges' values, kept here: Benthos's plugin metrics API forgets a
	// gauge's value between calls, so its Incr and Decr would set ±n.
	liveInstances, livePages atomic.Int64

	labels     []string            // module, function
	kindLabels map[string][]string // kind -> module, function, kind
	reloadOK   []string
	reloadFail []string
}

func newSMTMetrics(m *service.Metrics, module, function string) *smtMetrics {
	base := []string{"module", "function"}
	with := func(key string) []string { return append(base[:2:2], key) }
	sm := &smtMetrics{
		calls:       m.NewCounter(metricCalls, base...),
		skipped:     m.NewCounter(metricSkipped, base...),
		dropped:     m.NewCounter(metricDropped, base...),
		emitted:     m.NewCounter(metricEmitted, base...),
		errors:      m.NewCounter(metricErrors, with("kind")...),
		reloads:     m.NewCounter(metricReloads, with("outcome")...),
		latency:     m.NewTimer(metricLatency, base...),
		instances:   m.NewGauge(metricInstances, base...),
		memoryPages: m.NewGauge(metricMemoryPages, base...),
		labels:      []string{module, function},
		kindLabels:  map[string][]string{},
	}
	for _, kind := range []string{kindGuestError, kindTrap, kindTimeout, kindHostFunction, kindLimit, kindInstance, kindCheck, kindSchema} {
		sm.kindLabels[kind] = []string{module, function, kind}
	}
	sm.reloadOK = []string{module, function, reloadOK}
	sm.reloadFail = []string{module, function, reloadRefused}
	return sm
}

// batchCounts tallies one batch, so each counter is touched once per batch.
type batchCounts struct {
	calls, skipped, dropped, emitted int64
	errors                           map[string]int64 // nil until the first error
}

func (c *batchCounts) failed(kind string) {
	if c.errors == nil {
		c.errors = map[string]int64{}
	}
	c.errors[kind]++
}

func (m *smtMetrics) record(c *batchCounts) {
	incr := func(counter *service.MetricCounter, n int64) {
		if n > 0 {
			counter.Incr(n, m.labels...)
		}
	}
	incr(m.calls, c.calls)
	incr(m.skipped, c.skipped)
	incr(m.dropped, c.dropped)
	incr(m.emitted, c.emitted)
	for kind, n := range c.errors {
		m.errors.Incr(n, m.kindLabels[kind]...)
	}
}

// instancesChanged adds n (maybe negative) to the live instances.
func (m *smtMetrics) instancesChanged(n int64) {
	m.instances.Set(m.liveInstances.Add(n), m.labels...)
}

// pagesChanged adds n (maybe negative) to the memory pages in use.
func (m *smtMetrics) pagesChanged(n int64) {
	m.memoryPages.Set(m.livePages.Add(n), m.labels...)
}

func (m *smtMetrics) reloaded(ok bool) {
	if ok {
		m.reloads.Incr(1, m.reloadOK...)
	} else {
		m.reloads.Incr(1, m.reloadFail...)
	}
}

// callErrorKind names the kind of a failed guest call for wasm_smt_errors.
func callErrorKind(err error) string {
	var (
		guest   *kafkaconnect.GuestError
		limit   *hostabi.LimitError
		timeout *hostabi.TimeoutError
		host    *hostabi.HostFunctionError
	)
	switch {
	case errors.As(err, &guest):
		return kindGuestError
	case errors.As(err, &limit):
		return kindLimit
	case errors.As(err, &timeout):
		return kindTimeout
	case errors.As(err, &host):
		return kindHostFunction
	}
	return kindTrap
}

// succeeded counts what a successful call did to the batch.
func (c *batchCounts) succeeded(r *messageRecord) {
	if r.dropped {
		c.dropped++
	}
	c.emitted += int64(len(r.emitted))
}
