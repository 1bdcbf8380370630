package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestLanguages are the conformance modules, one per guest language, each
// built from testdata/<language> by testdata/build.sh.
var guestLanguages = []string{"rust", "go", "c"}

// languagesWithout lists, per function, the languages whose conformance
// module does not implement it yet.
var languagesWithout = map[string][]string{
	"transform": {"c"}, // record JSON in C comes with the C SDK's JSON helpers
}

// The conformance table is the executable specification of the ABI: every
// language's module must turn each input into the same output. A record is
// topic "foo", key "the-key", value "the-value", as in the Kafka Connect
// transformer's own tests.
func TestConformance(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"kafka_topic": "foo", "kafka_key": "the-key"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name      string
		function  string
		value     string
		meta      map[string]any
		wantValue string
		wantMeta  map[string]any
		wantErr   string // the message goes on unchanged, flagged with this
	}{
		{name: "to_upper", function: "to_upper",
			value: "the-value", meta: base(nil),
			wantValue: "THE-VALUE", wantMeta: base(nil)},
		{name: "to_upper of an empty value", function: "to_upper",
			value: "", meta: base(nil),
			wantValue: "", wantMeta: base(nil)},
		{name: "value_to_key", function: "value_to_key",
			value: "the-value", meta: base(nil),
			wantValue: "the-value", wantMeta: base(map[string]any{"kafka_key": "the-value"})},
		{name: "value_to_key without a key", function: "value_to_key",
			value: "the-value", meta: map[string]any{"kafka_topic": "foo"},
			wantValue: "the-value", wantMeta: base(map[string]any{"kafka_key": "the-value"})},
		{name: "header_to_key", function: "header_to_key",
			value: "the-value", meta: base(map[string]any{"the-key": "from-header"}),
			wantValue: "the-value", wantMeta: base(map[string]any{"the-key": "from-header", "kafka_key": "from-header"})},
		{name: "header_to_key with the header missing", function: "header_to_key",
			value: "the-value", meta: base(nil),
			wantValue: "the-value", wantMeta: base(nil),
			wantErr: `host function get_header failed: the record has no header "the-key"`},
		{name: "copy_header", function: "copy_header",
			value: "the-value", meta: base(map[string]any{"the-header-in": "h"}),
			wantValue: "the-value", wantMeta: base(map[string]any{"the-header-in": "h", "the-header-out": "h"})},
		{name: "copy_header with the header missing", function: "copy_header",
			value: "the-value", meta: base(map[string]any{"other": "x"}),
			wantValue: "the-value", wantMeta: base(map[string]any{"other": "x"}),
			wantErr: `the record has no header "the-header-in"`},
		{name: "transform", function: "transform",
			value: "the-value", meta: base(map[string]any{"h1": "v1"}),
			wantValue: "THE-VALUE", wantMeta: base(map[string]any{"h1": "v1", "kafka_key": "the-value"})},
		{name: "transform without a key", function: "transform",
			value: "the-value", meta: map[string]any{"kafka_topic": "foo"},
			wantValue: "THE-VALUE", wantMeta: base(map[string]any{"kafka_key": "the-value"})},
		{name: "transform of an empty value", function: "transform",
			value: "", meta: base(nil),
			wantValue: "", wantMeta: base(map[string]any{"kafka_key": ""})},
		{name: "to_upper of a tombstone", function: "to_upper",
			value: "", meta: base(map[string]any{"kafka_tombstone_message": true}),
			wantValue: "", wantMeta: base(map[string]any{"kafka_tombstone_message": true}),
			wantErr: "host function get_value failed: the record has no value (it is a tombstone"},
		{name: "reject", function: "reject",
			value: "the-value", meta: base(nil),
			wantValue: "the-value", wantMeta: base(nil),
			wantErr: "guest function reject returned an error: rejected: the-value"},
		{name: "trap", function: "trap",
			value: "the-value", meta: base(nil),
			wantValue: "the-value", wantMeta: base(nil),
			wantErr: "guest function trap "},
		{name: "upper_or_trap on a good record", function: "upper_or_trap",
			value: "fine", meta: base(nil),
			wantValue: "FINE", wantMeta: base(nil)},
		{name: "upper_or_trap on a bad record", function: "upper_or_trap",
			value: "trap me", meta: base(nil),
			wantValue: "trap me", wantMeta: base(nil),
			wantErr: "guest function upper_or_trap "},
	}
	for _, lang := range guestLanguages {
		t.Run(lang, func(t *testing.T) {
			for _, tt := range tests {
				if contains(languagesWithout[tt.function], lang) {
					continue
				}
				t.Run(tt.name, func(t *testing.T) {
					p := processorFor(t, lang+".wasm", tt.function, "")
					out := process(t, p, message(tt.value, tt.meta))
					require.Len(t, out, 1)
					msg := out[0]
					if tt.wantErr == "" {
						require.NoError(t, msg.GetError())
					} else {
						require.Error(t, msg.GetError())
						assert.Contains(t, msg.GetError().Error(), tt.wantErr)
					}
					got, err := msg.AsBytes()
					require.NoError(t, err)
					assert.Equal(t, tt.wantValue, string(got))
					assert.Equal(t, tt.wantMeta, metadata(msg))
				})
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
