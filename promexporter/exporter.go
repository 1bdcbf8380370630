package promexporter

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// exporter holds one Prometheus registry for the process's metrics. Benthos
// asks for the same metric once per component that has it, so each name is
// made into a vector once and shared.
type exporter struct {
	conf     config
	log      *service.Logger
	registry *prometheus.Registry
	pusher   *pusher // nil without push_url

	mu      sync.Mutex
	vectors map[string]vector // by Prometheus name
}

// vector is one registered metric family with its label names.
type vector struct {
	labels []string
	vec    any // *prometheus.CounterVec, *prometheus.GaugeVec or prometheus.ObserverVec
}

func newExporter(conf config, log *service.Logger) (*exporter, error) {
	e := &exporter{
		conf:     conf,
		log:      log,
		registry: prometheus.NewRegistry(),
		vectors:  map[string]vector{},
	}
	if conf.addProcessMetrics {
		if err := e.registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldAddProcessMetrics, err)
		}
	}
	if conf.addGoMetrics {
		if err := e.registry.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldAddGoMetrics, err)
		}
	}
	if conf.push != nil {
		e.pusher = startPusher(*conf.push, e.registry, log)
	}
	return e, nil
}

// HandlerFunc serves the metrics; Benthos mounts it at /metrics and /stats
// of its HTTP server.
func (e *exporter) HandlerFunc() http.HandlerFunc {
	return promhttp.HandlerFor(e.registry, promhttp.HandlerOpts{ErrorLog: promLogger{e.log}}).ServeHTTP
}

// NewCounterCtor implements service.MetricsExporter.
func (e *exporter) NewCounterCtor(name string, labelKeys ...string) service.MetricsExporterCounterCtor {
	vec, ok := e.vector(name, labelKeys, func(name string, labels []string) prometheus.Collector {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: "Benthos counter " + name}, labels)
	}).(*prometheus.CounterVec)
	if !ok {
		return func(...string) service.MetricsExporterCounter { return discard{} }
	}
	return func(labelValues ...string) service.MetricsExporterCounter {
		return counter{vec.WithLabelValues(labelValues...)}
	}
}

// NewGaugeCtor implements service.MetricsExporter.
func (e *exporter) NewGaugeCtor(name string, labelKeys ...string) service.MetricsExporterGaugeCtor {
	vec, ok := e.vector(name, labelKeys, func(name string, labels []string) prometheus.Collector {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: "Benthos gauge " + name}, labels)
	}).(*prometheus.GaugeVec)
	if !ok {
		return func(...string) service.MetricsExporterGauge { return discard{} }
	}
	return func(labelValues ...string) service.MetricsExporterGauge {
		return gauge{vec.WithLabelValues(labelValues...)}
	}
}

// NewTimerCtor implements service.MetricsExporter. Benthos times in
// nanoseconds: summaries keep them, histograms take seconds, as Prometheus
// bucket conventions expect.
func (e *exporter) NewTimerCtor(name string, labelKeys ...string) service.MetricsExporterTimerCtor {
	scale := 1.0
	newVec := func(name string, labels []string) prometheus.Collector {
		return prometheus.NewSummaryVec(prometheus.SummaryOpts{
			Name: name, Help: "Benthos timing " + name + " in nanoseconds", Objectives: e.conf.objectives,
		}, labels)
	}
	if e.conf.histogramTiming {
		scale = 1e-9
		newVec = func(name string, labels []string) prometheus.Collector {
			buckets := e.conf.histogramBuckets
			if len(buckets) == 0 {
				buckets = prometheus.DefBuckets
			}
			return prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Name: name, Help: "Benthos timing " + name + " in seconds", Buckets: buckets,
			}, labels)
		}
	}
	vec, ok := e.vector(name, labelKeys, newVec).(prometheus.ObserverVec)
	if !ok {
		return func(...string) service.MetricsExporterTimer { return discard{} }
	}
	return func(labelValues ...string) service.MetricsExporterTimer {
		return timer{vec.WithLabelValues(labelValues...), scale}
	}
}

// vector returns the registered vector of a name, registering it on first
// use. A name asked for again with other labels or of another type cannot be
// exported: it is logged and its values are dropped, rather than failing
// the pipeline over a metric.
func (e *exporter) vector(name string, labels []string, newVec func(string, []string) prometheus.Collector) any {
	name = promName(name)
	labels = promNames(labels)
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := e.vectors[name]; ok {
		if !slices.Equal(v.labels, labels) {
			e.log.Errorf("metric %s: asked for with labels %v, but it has labels %v; these values are not exported", name, labels, v.labels)
			return nil
		}
		return v.vec
	}
	c := newVec(name, labels)
	if err := e.registry.Register(c); err != nil {
		e.log.Errorf("metric %s: cannot be exported: %v", name, err)
		return nil
	}
	e.vectors[name] = vector{labels: labels, vec: c}
	return c
}

// Close pushes a last time and writes file_output_path when set.
func (e *exporter) Close(ctx context.Context) error {
	var errs []error
	if e.pusher != nil {
		if err := e.pusher.stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if path := e.conf.fileOutputPath; path != "" {
		if err := prometheus.WriteToTextfile(path, e.registry); err != nil {
			errs = append(errs, fmt.Errorf("field %s: writing %s: %w", fieldFileOutputPath, path, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("closing the prometheus exporter: %v", errs)
	}
	return nil
}

var badNameChars = regexp.MustCompile(`[^a-zA-Z0-9_:]`)

// promName makes a metric or label name Prometheus accepts.
func promName(name string) string {
	name = badNameChars.ReplaceAllString(name, "_")
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		name = "_" + name
	}
	return name
}

func promNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = promName(n)
	}
	return out
}

type counter struct{ c prometheus.Counter }

// Incr adds to the counter; a negative count, which a Prometheus counter
// cannot take, is ignored.
func (c counter) Incr(n int64) {
	if n > 0 {
		c.c.Add(float64(n))
	}
}

func (c counter) IncrFloat64(n float64) {
	if n > 0 {
		c.c.Add(n)
	}
}

type gauge struct{ g prometheus.Gauge }

func (g gauge) Set(v int64)          { g.g.Set(float64(v)) }
func (g gauge) SetFloat64(v float64) { g.g.Set(v) }

type timer struct {
	o     prometheus.Observer
	scale float64 // from nanoseconds to the exported unit
}

func (t timer) Timing(ns int64) { t.o.Observe(float64(ns) * t.scale) }

// discard takes the values of a metric that cannot be exported.
type discard struct{}

func (discard) Incr(int64)          {}
func (discard) IncrFloat64(float64) {}
func (discard) Set(int64)           {}
func (discard) SetFloat64(float64)  {}
func (discard) Timing(int64)        {}

// promLogger sends promhttp's errors to the Benthos log.
type promLogger struct{ log *service.Logger }

func (l promLogger) Println(v ...any) { l.log.Error(fmt.Sprint(v...)) }
