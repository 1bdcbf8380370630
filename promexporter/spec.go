package promexporter

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Field names, as in Redpanda Connect's prometheus exporter, so configs carry over.
const (
	fieldUseHistogramTiming = "use_histogram_timing"
	fieldHistogramBuckets   = "histogram_buckets"
	fieldSummaryObjectives  = "summary_quantiles_objectives"
	fieldQuantile           = "quantile"
	fieldError              = "error"
	fieldAddProcessMetrics  = "add_process_metrics"
	fieldAddGoMetrics       = "add_go_metrics"
	fieldPushURL            = "push_url"
	fieldPushInterval       = "push_interval"
	fieldPushJobName        = "push_job_name"
	fieldPushBasicAuth      = "push_basic_auth"
	fieldUsername           = "username"
	fieldPassword           = "password"
	fieldFileOutputPath     = "file_output_path"
)

func init() {
	service.MustRegisterMetricsExporter("prometheus", spec(),
		func(conf *service.ParsedConfig, log *service.Logger) (service.MetricsExporter, error) {
			c, err := parseConfig(conf)
			if err != nil {
				return nil, err
			}
			return newExporter(c, log)
		})
}

func spec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Stable().
		Summary("Serves metrics for Prometheus to scrape at the /metrics endpoint of the HTTP server (`http.address`, 0.0.0.0:4195 by default), and optionally pushes them to a Push Gateway.").
		Description(`
Every Benthos metric is exported, with its labels (`+"`label`, `path`"+` and the metric's own).
Timings are summaries in nanoseconds, or with `+"`use_histogram_timing`"+` histograms in seconds.
Metric names that Prometheus refuses have each bad character replaced by an underscore.`).
		Field(service.NewBoolField(fieldUseHistogramTiming).
			Description("Export timing metrics as histograms (in seconds) instead of summaries (in nanoseconds).").
			Default(false).Advanced()).
		Field(service.NewFloatListField(fieldHistogramBuckets).
			Description("Bucket upper bounds of timing histograms, in seconds; empty means Prometheus's default buckets.").
			Default([]any{}).Advanced()).
		Field(service.NewObjectListField(fieldSummaryObjectives,
			service.NewFloatField(fieldQuantile).Description("A quantile, from 0 to 1."),
			service.NewFloatField(fieldError).Description("Its allowed error."),
		).
			Description("Quantiles of timing summaries, each with its allowed error.").
			Default([]any{
				map[string]any{fieldQuantile: 0.5, fieldError: 0.05},
				map[string]any{fieldQuantile: 0.9, fieldError: 0.01},
				map[string]any{fieldQuantile: 0.99, fieldError: 0.001},
			}).Advanced()).
		Field(service.NewBoolField(fieldAddProcessMetrics).
			Description("Also export the process's metrics (CPU, memory, open files).").
			Default(false).Advanced()).
		Field(service.NewBoolField(fieldAddGoMetrics).
			Description("Also export the Go runtime's metrics (goroutines, GC, heap).").
			Default(false).Advanced()).
		Field(service.NewStringField(fieldPushURL).
			Description("A Prometheus Push Gateway to push the metrics to, as well as serving them.").
			Optional().Advanced()).
		Field(service.NewDurationField(fieldPushInterval).
			Description("How often to push to the Push Gateway; they are pushed once more on shutdown.").
			Default("10s").Advanced()).
		Field(service.NewStringField(fieldPushJobName).
			Description("The job name the metrics are pushed under.").
			Default("benthos_push").Advanced()).
		Field(service.NewObjectField(fieldPushBasicAuth,
			service.NewStringField(fieldUsername).Description("User name.").Default(""),
			service.NewStringField(fieldPassword).Description("Password.").Default("").Secret(),
		).
			Description("Basic authentication for the Push Gateway.").
			Optional().Advanced()).
		Field(service.NewStringField(fieldFileOutputPath).
			Description("A file to write the metrics to, in the Prometheus text format, when the process stops.").
			Default("").Advanced()).
		Example("Scrape a pipeline", "Prometheus scrapes http://HOST:4195/metrics.", `
http:
  address: 0.0.0.0:4195
metrics:
  prometheus: {}
`)
}

// config is the parsed exporter config.
type config struct {
	histogramTiming   bool
	histogramBuckets  []float64
	objectives        map[float64]float64
	addProcessMetrics bool
	addGoMetrics      bool
	push              *pushConfig // nil without push_url
	fileOutputPath    string
}

func parseConfig(conf *service.ParsedConfig) (config, error) {
	var c config
	var err error
	if c.histogramTiming, err = conf.FieldBool(fieldUseHistogramTiming); err != nil {
		return c, err
	}
	if c.histogramBuckets, err = conf.FieldFloatList(fieldHistogramBuckets); err != nil {
		return c, err
	}
	for i := 1; i < len(c.histogramBuckets); i++ {
		if c.histogramBuckets[i] <= c.histogramBuckets[i-1] {
			return c, fmt.Errorf("field %s: bucket bounds must increase, got %v after %v",
				fieldHistogramBuckets, c.histogramBuckets[i], c.histogramBuckets[i-1])
		}
	}
	objectives, err := conf.FieldObjectList(fieldSummaryObjectives)
	if err != nil {
		return c, err
	}
	c.objectives = make(map[float64]float64, len(objectives))
	for i, o := range objectives {
		q, err := o.FieldFloat(fieldQuantile)
		if err != nil {
			return c, err
		}
		e, err := o.FieldFloat(fieldError)
		if err != nil {
			return c, err
		}
		if q < 0 || q > 1 {
			return c, fmt.Errorf("field %s[%d].%s: must be from 0 to 1, got %v", fieldSummaryObjectives, i, fieldQuantile, q)
		}
		c.objectives[q] = e
	}
	if c.addProcessMetrics, err = conf.FieldBool(fieldAddProcessMetrics); err != nil {
		return c, err
	}
	if c.addGoMetrics, err = conf.FieldBool(fieldAddGoMetrics); err != nil {
		return c, err
	}
	if c.push, err = parsePushConfig(conf); err != nil {
		return c, err
	}
	if c.fileOutputPath, err = conf.FieldString(fieldFileOutputPath); err != nil {
		return c, err
	}
	return c, nil
}
