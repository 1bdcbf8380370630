package processor

import (
	"context"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failed call drops nothing and emits nothing: the message comes out alone,
// unchanged and flagged.
func TestDropAndEmitAreTransactional(t *testing.T) {
	for function, wantErr := range map[string]string{
		"emit_then_error": "guest function emit_then_error returned an error: failed",
		"drop_then_trap":  "guest function drop_then_trap trapped",
	} {
		t.Run(function, func(t *testing.T) {
			p := processorFor(t, "extensions.wasm", function, "")
			out := process(t, p, message("original", map[string]any{"kafka_key": "k"}))
			require.Len(t, out, 1)
			require.Error(t, out[0].GetError())
			assert.Contains(t, out[0].GetError().Error(), wantErr)
			got, _ := out[0].AsBytes()
			assert.Equal(t, "original", string(got))
			assert.Equal(t, map[string]any{"kafka_key": "k"}, metadata(out[0]))
		})
	}
}

func TestExtensionArgumentsAreChecked(t *testing.T) {
	for function, wantErr := range map[string]string{
		"bad_emit":           `host function emit_record failed: record JSON: unknown field "nope"`,
		"negative_timestamp": "host function set_timestamp failed: a timestamp must be 0 or more milliseconds",
	} {
		t.Run(function, func(t *testing.T) {
			p := processorFor(t, "extensions.wasm", function, "")
			out := process(t, p, message("x", nil))
			require.Len(t, out, 1)
			require.Error(t, out[0].GetError())
			assert.Contains(t, out[0].GetError().Error(), wantErr)
		})
	}
}

func TestLogLevelsOutsideTheRangeAreClamped(t *testing.T) {
	p, logs := processorWithLogs(t, "extensions.wasm", "log_level_99", "")
	out := process(t, p, message("x", nil))
	require.NoError(t, out[0].GetError())
	assert.Contains(t, logs.String(), `level=ERROR msg=loud`)
}

func TestAbsentParamIsAllBitsSet(t *testing.T) {
	p := processorFor(t, "extensions.wasm", "absent_param_is_minus_one", "params: { other: x }")
	out := process(t, p, message("x", nil))
	require.NoError(t, out[0].GetError())
}

// A batch whose records are dropped or fanned out keeps the order of what
// remains, with failed records in place.
func TestBatchShapeAfterDropsAndEmits(t *testing.T) {
	values := func(p *wasmSMT, in ...string) []string {
		var batch []*service.Message
		for _, v := range in {
			batch = append(batch, message(v, nil))
		}
		var got []string
		for _, m := range process(t, p, batch...) {
			b, _ := m.AsBytes()
			if m.GetError() != nil {
				got = append(got, "failed:"+string(b))
			} else {
				got = append(got, string(b))
			}
		}
		return got
	}
	fanOut := processorFor(t, "rust.wasm", "fan_out", "")
	assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, values(fanOut, "a,b", "c", "d,e,f"))

	filter := processorFor(t, "rust.wasm", "filter", "")
	assert.Equal(t, []string{"one", "three"}, values(filter, "drop", "one", "drop it", "three", "drop"))
	out, err := filter.ProcessBatch(context.Background(), service.MessageBatch{message("drop", nil), message("drop", nil)})
	require.NoError(t, err)
	assert.Empty(t, out, "a batch dropped whole is no batch, not an empty one, as Benthos's own processors return")

	params := processorFor(t, "rust.wasm", "params", "") // no suffix: every record fails
	assert.Equal(t, []string{"failed:x", "failed:y"}, values(params, "x", "y"))
}

// An absent part's error says so once, without the "absent" of the error
// it matches appended.
func TestAbsentPartIsSaidOnce(t *testing.T) {
	p := processorFor(t, "rust.wasm", "header_to_key", "")
	out := process(t, p, message("v", nil))
	assert.EqualError(t, out[0].GetError(),
		`wasm_smt: guest function header_to_key: host function get_header failed: the record has no header "the-key"`)
}
