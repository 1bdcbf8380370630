package processor

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Each guest call is a span, a child of the span Benthos keeps on the
// message for the processor, so a trace shows the call inside the pipeline.
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

// startSpan starts the span of one call, or returns nil when the message is
// not traced: without a tracer the spans would be no-ops, and skipping them
// keeps the call free of allocations.
func (p *wasmSMT) startSpan(msg *service.Message) trace.Span {
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
