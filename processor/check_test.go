package processor

import (
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payloads returns the payload of each message.
func payloads(t *testing.T, batch service.MessageBatch) []string {
	t.Helper()
	out := make([]string, len(batch))
	for i, msg := range batch {
		b, err := msg.AsBytes()
		require.NoError(t, err)
		out[i] = string(b)
	}
	return out
}

// The function runs only where check is true; the other messages pass
// through untouched and in place.
func TestCheckRunsTheFunctionOnlyWhereItHolds(t *testing.T) {
	p := processorFor(t, "rust.wasm", "to_upper", `check: '@kafka_topic == "orders"'`)
	out := process(t, p,
		message("one", map[string]any{"kafka_topic": "orders"}),
		message("two", map[string]any{"kafka_topic": "audit", "h": "v"}),
		message("three", nil),
		message("four", map[string]any{"kafka_topic": "orders"}),
	)
	assert.Equal(t, []string{"ONE", "two", "three", "FOUR"}, payloads(t, out))
	assert.Equal(t, map[string]any{"kafka_topic": "audit", "h": "v"}, metadata(out[1]))
	assertNoErrors(t, out)
}

// With a guest that changes the batch's shape, skipped messages keep their
// places among the records it leaves.
func TestCheckKeepsSkippedMessagesInOrderAroundDropsAndEmits(t *testing.T) {
	p := processorFor(t, "rust.wasm", "fan_out", `check: 'content().contains(",")'`)
	out := process(t, p, message("a", nil), message("b,c", nil), message("d", nil), message("e,f", nil))
	assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, payloads(t, out))
	assertNoErrors(t, out)
}

// assertNoErrors fails on any message flagged with an error: a skipped
// message must be told apart from one whose check failed.
func assertNoErrors(t *testing.T, batch service.MessageBatch) {
	t.Helper()
	for i, msg := range batch {
		assert.NoError(t, msg.GetError(), "message %d", i)
	}
}

// The three Kafka Connect predicates, written as the docs give them.
func TestCheckExpressesTheKafkaConnectPredicates(t *testing.T) {
	tests := []struct {
		name, check string
		runs, skips *service.Message
	}{
		{"TopicNameMatches", `@kafka_topic.or("").re_match("^(?:orders-.*)$")`,
			message("x", map[string]any{"kafka_topic": "orders-eu"}),
			message("x", map[string]any{"kafka_topic": "my-orders-eu"})},
		{"TopicNameMatches without a topic", `@kafka_topic.or("").re_match("^(?:orders-.*)$")`,
			message("x", map[string]any{"kafka_topic": "orders-"}),
			message("x", nil)},
		{"HasHeaderKey", `@.keys().contains("trace-id")`,
			message("x", map[string]any{"trace-id": ""}),
			message("x", map[string]any{"trace": "1"})},
		{"RecordIsTombstone", `@kafka_tombstone_message == true || @kafka_tombstone_message == "true"`,
			message("x", map[string]any{"kafka_tombstone_message": true}),
			message("x", map[string]any{"kafka_tombstone_message": false})},
		{"RecordIsTombstone as text", `@kafka_tombstone_message == true || @kafka_tombstone_message == "true"`,
			message("x", map[string]any{"kafka_tombstone_message": "true"}),
			message("x", nil)},
		{"negate", `!(@.keys().contains("trace-id"))`,
			message("x", nil),
			message("x", map[string]any{"trace-id": "1"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// has_key shows whether the function ran: it sets the value to "no".
			p := processorFor(t, "rust.wasm", "has_key", "check: '"+tt.check+"'")
			out := process(t, p, tt.runs, tt.skips)
			require.Len(t, out, 2)
			assert.Equal(t, []string{"no", "x"}, payloads(t, out))
			assertNoErrors(t, out)
		})
	}
}

// A condition that fails, or is not a boolean, flags the message with an
// error naming the field, and passes it on unchanged; the others still run.
func TestCheckErrorsFlagTheMessageAndLeaveItUnchanged(t *testing.T) {
	tests := []struct{ check, wantErr string }{
		{`content() == "a" || this.missing.number() > 3`, "wasm_smt: field check: failed assignment (line 1): "},
		{`if content() == "a" { true } else { content().string() }`, `wasm_smt: field check: expected a boolean, got a string ("b")`},
		{`if content() == "a" { true } else { 42 }`, "wasm_smt: field check: expected a boolean, got a number (42)"},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			p := processorFor(t, "rust.wasm", "to_upper", "check: '"+tt.check+"'")
			out := process(t, p, message("a", nil), message("b", nil))
			assert.Equal(t, []string{"A", "b"}, payloads(t, out))
			assert.NoError(t, out[0].GetError())
			require.Error(t, out[1].GetError())
			assert.Contains(t, out[1].GetError().Error(), tt.wantErr)
		})
	}
}

// A check that is not Bloblang fails at start-up, naming the field.
func TestCheckThatDoesNotParseFailsAtStartUp(t *testing.T) {
	conf, err := wasmSMTSpec().ParseYAML("module_path: "+modulePath("rust.wasm")+"\nfunction: to_upper\ncheck: 'this ==='\n", nil)
	require.NoError(t, err)
	_, err = newWasmSMT(conf, service.MockResources())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "check")
}
