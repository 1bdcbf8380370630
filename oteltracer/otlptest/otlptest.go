// Package otlptest runs loopback OTLP trace receivers (HTTP and gRPC) that
// record every span sent to them, for tests of the open_telemetry_collector
// tracer.
package otlptest

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Span is one span a receiver got, flattened for assertions.
type Span struct {
	// Name is the span's name, such as "mapping" or "wasm_smt".
	Name string
	// TraceID is the hex trace ID.
	TraceID string
	// SpanID and ParentSpanID are hex span IDs; ParentSpanID is empty for a
	// root span.
	SpanID, ParentSpanID string
	// StatusError is the status message of a span whose status is an error.
	StatusError string
	// Attributes are the span's attributes, each value rendered as a string.
	Attributes map[string]string
	// Resource are the attributes of the resource that sent the span, such as
	// service.name.
	Resource map[string]string
	// Scope is the name of the instrumentation scope ("benthos" for Benthos).
	Scope string
}

// Receiver records the spans of every export request it is sent.
type Receiver struct {
	// Addr is the receiver's host:port on 127.0.0.1.
	Addr string

	mu       sync.Mutex
	spans    []Span
	requests int
}

// Spans returns a copy of every span received so far, in arrival order.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Requests returns how many export requests arrived.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Named returns the received spans with the given name.
func (r *Receiver) Named(name string) []Span {
	var out []Span
	for _, s := range r.Spans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// Names returns the sorted set of span names received.
func (r *Receiver) Names() []string {
	seen := map[string]bool{}
	for _, s := range r.Spans() {
		seen[s.Name] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (r *Receiver) record(req *collectortrace.ExportTraceServiceRequest) {
	var got []Span
	for _, rs := range req.GetResourceSpans() {
		res := attrs(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				got = append(got, Span{
					Name:         s.GetName(),
					TraceID:      fmt.Sprintf("%x", s.GetTraceId()),
					SpanID:       fmt.Sprintf("%x", s.GetSpanId()),
					ParentSpanID: fmt.Sprintf("%x", s.GetParentSpanId()),
					StatusError:  statusError(s),
					Attributes:   attrs(s.GetAttributes()),
					Resource:     res,
					Scope:        ss.GetScope().GetName(),
				})
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	r.spans = append(r.spans, got...)
}

func attrs(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.GetKey()] = valueString(kv.GetValue())
	}
	return out
}

func valueString(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_DoubleValue:
		return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case *commonpb.AnyValue_BytesValue:
		return fmt.Sprintf("%x", x.BytesValue)
	default:
		return fmt.Sprint(v)
	}
}

// NewHTTPReceiver starts an OTLP/HTTP receiver (protobuf on /v1/traces) on
// 127.0.0.1; it stops when the test ends.
func NewHTTPReceiver(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
			http.Error(w, "content type "+ct+" is not application/x-protobuf", http.StatusUnsupportedMediaType)
			return
		}
		var body io.Reader = req.Body
		if req.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(req.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			defer gz.Close()
			body = gz
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var export collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(raw, &export); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.record(&export)
		resp, err := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r.Addr = srv.Listener.Addr().String()
	return r
}

// traceService is the gRPC TraceService of a Receiver.
type traceService struct {
	collectortrace.UnimplementedTraceServiceServer
	r *Receiver
}

// Export records the request's spans.
func (s traceService) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	s.r.record(req)
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

// NewGRPCReceiver starts an OTLP/gRPC receiver (the collector TraceService,
// in plain text) on 127.0.0.1; it stops when the test ends.
func NewGRPCReceiver(t testing.TB) *Receiver {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening for the OTLP/gRPC receiver: %v", err)
	}
	r := &Receiver{Addr: lis.Addr().String()}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, traceService{r: r})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return r
}

// statusError returns the status message of a span whose status is an error.
func statusError(s *tracepb.Span) string {
	if s.GetStatus().GetCode() != tracepb.Status_STATUS_CODE_ERROR {
		return ""
	}
	return s.GetStatus().GetMessage()
}
