package processor

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// The check field: a Bloblang condition that decides, message by message,
// whether the function runs (Kafka Connect's predicate).

// checkOf returns the check condition bound to batch, or nil when there is
// no check and the function runs on every message.
func (p *wasmSMT) checkOf(batch service.MessageBatch) *service.MessageBatchBloblangExecutor {
	if p.cfg.check == nil {
		return nil
	}
	return batch.BloblangExecutor(p.cfg.check)
}

// passes tells whether message i passes check, so the function runs on it.
// A message whose check fails to evaluate is flagged with the error and does
// not pass; one that does not pass is counted as skipped.
func passes(check *service.MessageBatchBloblangExecutor, i int, msg *service.Message, counts *batchCounts) bool {
	run, err := runsOn(check, i)
	switch {
	case err != nil:
		msg.SetError(fmt.Errorf("wasm_smt: %w", err))
		counts.failed(kindCheck)
	case !run:
		counts.skipped++
	}
	return run
}

// runsOn evaluates check for message i: whether the function runs on it.
// The condition runs as a mapping, as Benthos's own checks do, so that it
// can read metadata.
func runsOn(check *service.MessageBatchBloblangExecutor, i int) (bool, error) {
	res, err := check.Query(i)
	if err != nil {
		return false, fmt.Errorf("field %s: %w", fieldCheck, err)
	}
	if res == nil {
		return false, fmt.Errorf("field %s: the condition deleted the message, expected a boolean", fieldCheck)
	}
	v, err := res.AsStructured()
	if err != nil { // not JSON, so a string or raw bytes
		raw, _ := res.AsBytes()
		return false, fmt.Errorf("field %s: expected a boolean, got %s", fieldCheck, describe(raw))
	}
	run, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("field %s: expected a boolean, got %s", fieldCheck, describe(v))
	}
	return run, nil
}

// describe names a Bloblang value's type with the value, for errors.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return fmt.Sprintf("an object (%v)", v)
	case []any:
		return fmt.Sprintf("an array (%v)", v)
	case string, []byte:
		return fmt.Sprintf("a string (%q)", v)
	}
	return fmt.Sprintf("a number (%v)", v)
}
