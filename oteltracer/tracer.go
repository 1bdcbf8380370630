// Package oteltracer registers the open_telemetry_collector tracer, which sends
// Benthos tracing spans to OpenTelemetry collectors over OTLP (HTTP or gRPC).
//
// Import it for its side effect:
//
//	import _ "github.com/benthos-wasm/benthos-wasm/oteltracer"
//
// The config fields are those of Redpanda Connect's tracer of the same name,
// so a tracer section carries over unchanged.
package oteltracer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Name is the name of the tracer in a config's tracer section.
const Name = "open_telemetry_collector"

// DefaultServiceName is the service.name resource attribute of every span
// when neither the service field nor a service.name tag sets one.
const DefaultServiceName = "benthos-wasm"

const (
	fieldService  = "service"
	fieldHTTP     = "http"
	fieldGRPC     = "grpc"
	fieldAddress  = "address"
	fieldURL      = "url"
	fieldSecure   = "secure"
	fieldTags     = "tags"
	fieldSampling = "sampling"
	fieldEnabled  = "enabled"
	fieldRatio    = "ratio"

	defaultHTTPAddress = "localhost:4318"
	defaultGRPCAddress = "localhost:4317"

	// exporterSetupTimeout bounds the creation of one exporter. Neither
	// exporter dials at creation (gRPC connects lazily), so this is a guard.
	exporterSetupTimeout = 30 * time.Second
)

// Spec is the config spec of the open_telemetry_collector tracer.
func Spec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Summary("Send tracing spans to an [OpenTelemetry collector](https://opentelemetry.io/docs/collector/) over OTLP, by HTTP, gRPC or both.").
		Description(`
Benthos starts a trace for every message at the input (a span named `+"`input_<type>`"+`, such as `+"`input_generate`"+`), adds a child span per processor named after the processor type (such as `+"`mapping`"+` or `+"`wasm_smt`"+`) and one at the output (`+"`output_<type>`"+`). Spans are batched and sent in the background; stopping the stream flushes what is left.

Each entry of `+"`http`"+` and `+"`grpc`"+` is one collector, and every span goes to all of them. An address is `+"`host:port`"+` without a scheme: `+"`4318`"+` is the usual OTLP/HTTP port (spans are posted to `+"`/v1/traces`"+`), `+"`4317`"+` the usual OTLP/gRPC port. The standard `+"`OTEL_EXPORTER_OTLP_*`"+` environment variables (headers, certificates, compression, timeouts) still apply to what these fields do not set.

The fields are those of Redpanda Connect's tracer of the same name, so a tracer section carries over; unlike there, an entry that is not `+"`host:port`"+`, a ratio outside 0 to 1, sampling enabled without a ratio, or no collector at all is an error.`).
		Fields(
			service.NewStringField(fieldService).
				Description("The name of the service in traces: the `service.name` resource attribute, unless `tags` sets `service.name`.").
				Default(DefaultServiceName),
			service.NewObjectListField(fieldHTTP,
				service.NewStringField(fieldAddress).
					Description("The `host:port` of a collector's OTLP/HTTP receiver.").
					Optional().
					Example(defaultHTTPAddress),
				service.NewStringField(fieldURL).
					Description("The `host:port` of a collector's OTLP/HTTP receiver, used when `address` is not set.").
					Deprecated().
					Default(defaultHTTPAddress),
				service.NewBoolField(fieldSecure).
					Description("Connect to the collector over HTTPS (verified against the system's certificate authorities) instead of plain HTTP.").
					Default(false),
			).Description("Collectors to send spans to over OTLP/HTTP (protobuf).").
				Default([]any{}),
			service.NewObjectListField(fieldGRPC,
				service.NewStringField(fieldAddress).
					Description("The `host:port` of a collector's OTLP/gRPC receiver.").
					Optional().
					Example(defaultGRPCAddress),
				service.NewStringField(fieldURL).
					Description("The `host:port` of a collector's OTLP/gRPC receiver, used when `address` is not set.").
					Deprecated().
					Default(defaultGRPCAddress),
				service.NewBoolField(fieldSecure).
					Description("Connect to the collector with TLS (verified against the system's certificate authorities) instead of in plain text.").
					Default(false),
			).Description("Collectors to send spans to over OTLP/gRPC.").
				Default([]any{}),
			service.NewStringMapField(fieldTags).
				Description("Resource attributes added to every span, such as `deployment.environment`. A `service.name` or `service.version` here overrides the default.").
				Default(map[string]any{}).
				Example(map[string]any{"deployment.environment": "production", "team": "payments"}).
				Advanced(),
			service.NewObjectField(fieldSampling,
				service.NewBoolField(fieldEnabled).
					Description("Whether to sample traces. Without sampling every trace is sent (unless an incoming trace context says it is not sampled).").
					Default(false),
				service.NewFloatField(fieldRatio).
					Description("The fraction of traces to send, from 0 (none) to 1 (all), decided by trace ID so that a trace is kept or dropped whole. Required when sampling is enabled.").
					Examples(0.85, 0.5).
					Optional(),
			).Description("Settings for trace sampling. Sampling is recommended for high-volume production workloads."),
		).
		LintRule(`root = if this.sampling.ratio.type() == "number" && (this.sampling.ratio < 0 || this.sampling.ratio > 1) { "field sampling.ratio: must be between 0 and 1, got %v".format(this.sampling.ratio) }`).
		Example("An OpenTelemetry collector on this host",
			"Sends every span over OTLP/gRPC to a collector (or Jaeger, or Grafana Tempo) listening on the standard port.",
			`
tracer:
  open_telemetry_collector:
    service: orders-pipeline
    grpc:
      - address: localhost:4317
    tags:
      deployment.environment: production
`).
		Example("Sampled, over HTTPS",
			"Sends one trace in ten to a collector's OTLP/HTTP receiver over TLS.",
			`
tracer:
  open_telemetry_collector:
    http:
      - address: otel-collector.example.com:4318
        secure: true
    sampling:
      enabled: true
      ratio: 0.1
`)
}

func init() {
	service.MustRegisterOtelTracerProvider(Name, Spec(),
		func(conf *service.ParsedConfig) (trace.TracerProvider, error) {
			cfg, err := parseConfig(conf)
			if err != nil {
				return nil, err
			}
			return newProvider(context.Background(), cfg)
		})
}

// collector is one OTLP endpoint.
type collector struct {
	address string
	secure  bool
}

// config is a parsed and validated tracer section.
type config struct {
	serviceName    string
	serviceVersion string
	http           []collector
	grpc           []collector
	tags           map[string]string
	sampling       bool
	ratio          float64
}

func parseConfig(conf *service.ParsedConfig) (config, error) {
	var cfg config
	var err error
	if cfg.serviceName, err = conf.FieldString(fieldService); err != nil {
		return config{}, fmt.Errorf("field %s: %w", fieldService, err)
	}
	cfg.serviceVersion = conf.EngineVersion()
	if cfg.http, err = parseCollectors(conf, fieldHTTP); err != nil {
		return config{}, err
	}
	if cfg.grpc, err = parseCollectors(conf, fieldGRPC); err != nil {
		return config{}, err
	}
	if len(cfg.http) == 0 && len(cfg.grpc) == 0 {
		return config{}, fmt.Errorf("fields %s and %s: no collector configured, add at least one address to either", fieldHTTP, fieldGRPC)
	}
	if cfg.tags, err = conf.FieldStringMap(fieldTags); err != nil {
		return config{}, fmt.Errorf("field %s: %w", fieldTags, err)
	}
	for k := range cfg.tags {
		if strings.TrimSpace(k) == "" {
			return config{}, fmt.Errorf("field %s: a tag has an empty name", fieldTags)
		}
	}
	if cfg.serviceName == "" && cfg.tags[string(semconv.ServiceNameKey)] == "" {
		return config{}, fmt.Errorf("field %s: must not be empty", fieldService)
	}

	sampling := conf.Namespace(fieldSampling)
	if cfg.sampling, err = sampling.FieldBool(fieldEnabled); err != nil {
		return config{}, fmt.Errorf("field %s.%s: %w", fieldSampling, fieldEnabled, err)
	}
	if sampling.Contains(fieldRatio) {
		if cfg.ratio, err = sampling.FieldFloat(fieldRatio); err != nil {
			return config{}, fmt.Errorf("field %s.%s: %w", fieldSampling, fieldRatio, err)
		}
		if cfg.ratio < 0 || cfg.ratio > 1 {
			return config{}, fmt.Errorf("field %s.%s: must be between 0 and 1, got %v", fieldSampling, fieldRatio, cfg.ratio)
		}
	} else if cfg.sampling {
		return config{}, fmt.Errorf("field %s.%s: required when %s.%s is true (0 sends no trace, 1 every trace)",
			fieldSampling, fieldRatio, fieldSampling, fieldEnabled)
	}
	return cfg, nil
}

func parseCollectors(conf *service.ParsedConfig, field string) ([]collector, error) {
	list, err := conf.FieldObjectList(field)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", field, err)
	}
	out := make([]collector, 0, len(list))
	for i, entry := range list {
		path := fmt.Sprintf("%s[%d]", field, i)
		name := fieldAddress
		address, _ := entry.FieldString(fieldAddress)
		if address == "" {
			name = fieldURL
			if address, err = entry.FieldString(fieldURL); err != nil {
				return nil, fmt.Errorf("field %s.%s: %w", path, fieldURL, err)
			}
		}
		if err := checkAddress(address); err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", path, name, err)
		}
		secure, err := entry.FieldBool(fieldSecure)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", path, fieldSecure, err)
		}
		out = append(out, collector{address: address, secure: secure})
	}
	return out, nil
}

// checkAddress accepts host:port, which is what both OTLP exporters take.
func checkAddress(address string) error {
	if address == "" {
		return errors.New("an address is required, such as localhost:4317")
	}
	if i := strings.Index(address, "://"); i >= 0 {
		return fmt.Errorf("%q has a scheme: give host:port (%s), and secure: true for TLS", address, address[i+3:])
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		var addrErr *net.AddrError
		if errors.As(err, &addrErr) {
			return fmt.Errorf("%q is not host:port: %s", address, addrErr.Err)
		}
		return fmt.Errorf("%q is not host:port: %w", address, err)
	}
	if host == "" || port == "" {
		return fmt.Errorf("%q is not host:port: both a host and a port are required", address)
	}
	if strings.ContainsAny(address, "/?#") {
		return fmt.Errorf("%q is not host:port: it has a path", address)
	}
	return nil
}

// newProvider builds a tracer provider with a batch span processor per
// collector. Its Shutdown, which Benthos calls when the stream stops, flushes
// the spans still queued.
func newProvider(ctx context.Context, cfg config) (*sdktrace.TracerProvider, error) {
	var exporters []sdktrace.SpanExporter
	fail := func(err error) (*sdktrace.TracerProvider, error) {
		for _, e := range exporters {
			_ = e.Shutdown(context.Background())
		}
		return nil, err
	}
	for i, c := range cfg.http {
		opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(c.address)}
		if !c.secure {
			opts = append(opts, otlptracehttp.WithInsecure())
		}
		exp, err := withTimeout(ctx, func(ctx context.Context) (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, opts...)
		})
		if err != nil {
			return fail(fmt.Errorf("field %s[%d]: creating the OTLP/HTTP exporter for %s: %w", fieldHTTP, i, c.address, err))
		}
		exporters = append(exporters, exp)
	}
	for i, c := range cfg.grpc {
		opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(c.address)}
		if !c.secure {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		exp, err := withTimeout(ctx, func(ctx context.Context) (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, opts...)
		})
		if err != nil {
			return fail(fmt.Errorf("field %s[%d]: creating the OTLP/gRPC exporter for %s: %w", fieldGRPC, i, c.address, err))
		}
		exporters = append(exporters, exp)
	}

	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(newResource(cfg))}
	if cfg.sampling {
		// Parent-based, so a trace started upstream and marked sampled (or
		// not) keeps that decision; new traces are kept at the ratio.
		opts = append(opts, sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.ratio))))
	}
	for _, exp := range exporters {
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

func withTimeout(ctx context.Context, f func(context.Context) (sdktrace.SpanExporter, error)) (sdktrace.SpanExporter, error) {
	ctx, cancel := context.WithTimeout(ctx, exporterSetupTimeout)
	defer cancel()
	return f(ctx)
}

// newResource describes the process sending the spans: the tags, plus
// service.name and service.version unless the tags set them.
func newResource(cfg config) *resource.Resource {
	keys := make([]string, 0, len(cfg.tags))
	for k := range cfg.tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]attribute.KeyValue, 0, len(keys)+2)
	for _, k := range keys {
		attrs = append(attrs, attribute.String(k, cfg.tags[k]))
	}
	if _, ok := cfg.tags[string(semconv.ServiceNameKey)]; !ok {
		attrs = append(attrs, semconv.ServiceName(cfg.serviceName))
	}
	if _, ok := cfg.tags[string(semconv.ServiceVersionKey)]; !ok && cfg.serviceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(cfg.serviceVersion))
	}
	return resource.NewWithAttributes(semconv.SchemaURL, attrs...)
}
