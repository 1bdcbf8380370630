package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Under the json converter a value the guest sets becomes a structured
// payload, written out anew (keys sorted, no spaces); the string and bytes
// converters keep the guest's bytes as written. The docs of value_converter
// say so.
func TestJSONConverterRewritesTheValueWhereStringAndBytesKeepIt(t *testing.T) {
	const in = `{"name": "ada", "langs": ["go"]}`
	for conv, want := range map[string]string{
		"json":   `{"LANGS":["GO"],"NAME":"ADA"}`,
		"string": `{"NAME": "ADA", "LANGS": ["GO"]}`,
		"bytes":  `{"NAME": "ADA", "LANGS": ["GO"]}`,
	} {
		p := processorFor(t, "rust.wasm", "to_upper", "value_converter: "+conv)
		out := process(t, p, message(in, nil))
		require.Len(t, out, 1)
		require.NoError(t, out[0].GetError())
		got, err := out[0].AsBytes()
		require.NoError(t, err)
		assert.Equal(t, want, string(got), conv)
	}
}
