package processor

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Each guest call is a span, a child of the message's span (the one its
// input started), so a trace shows each call beside Benthos's span for the
// processor. Benthos does not hand the processor span itself to processors.
const (
	tracerName   = "github.com/benthos-wasm/benthos-wasm/processor"
	callSpanName = "wasm_smt.call"
)

// Attributes of a call span.
const (
	attrFunction = attribute.Key("wasm.function")
	attrModule   = attribute.Key("wasm.module")
	// attrOutcome is ok, dropped or emitted, or the error kind of
	// wasm_smt_errors (guest_error, trap, timeout, host_function, limit).
	attrOutcome = attribute.Key("wasm_smt.outcome")
)

// Outcomes of a call that succeeded.
const (
	outcomeOK      = "ok"
	outcomeDropped = "dropped"
	outcomeEmitted = "emitted"
)

// callTracer returns the tracer of call spans, or nil when no tracer is
// configured: the spans would be no-ops, and skipping them keeps the call
// free of allocations and context look-ups.
func callTracer(tp trace.TracerProvider) trace.Tracer {
	if _, off := tp.(noop.TracerProvider); off {
		return nil
	}
	return tp.Tracer(tracerName)
}

// startSpan starts the span of one call, or returns nil when the message is
// not traced.
func (p *wasmSMT) startSpan(msg *service.Message) trace.Span {
	if p.tracer == nil {
		return nil
	}
	parent := msg.Context()
	if !trace.SpanContextFromContext(parent).IsValid() {
		return nil
	}
	_, span := p.tracer.Start(parent, callSpanName, trace.WithAttributes(p.attrs...))
	return span
}

// endSpan ends a call span with its outcome, and the error when it failed.
func endSpan(span trace.Span, outcome string, err error) {
	if span == nil {
		return
	}
	span.SetAttributes(attrOutcome.String(outcome))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
