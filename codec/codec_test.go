package codec_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

func TestLookupAcceptsNamesAndKafkaConnectClassNames(t *testing.T) {
	for name, want := range map[string]string{
		"bytes":  "bytes",
		"string": "string",
		"json":   "json",
		"org.apache.kafka.connect.converters.ByteArrayConverter": "bytes",
		"org.apache.kafka.connect.storage.StringConverter":       "string",
		"org.apache.kafka.connect.json.JsonConverter":            "json",
	} {
		c, err := codec.Lookup(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, c.Name())
	}
	_, err := codec.Lookup("avrox")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown converter "avrox": expected one of bytes, string, json`)
}

func TestBytesPassesAnythingThrough(t *testing.T) {
	c := codec.Bytes{}
	raw := []byte{0xff, 0x00, 'a'}
	got, err := c.FromBytes(raw)
	require.NoError(t, err)
	assert.Equal(t, raw, got)

	got, err = c.FromValue("text")
	require.NoError(t, err)
	assert.Equal(t, "text", string(got))
	got, err = c.FromValue(int64(3))
	require.NoError(t, err)
	assert.Equal(t, "3", string(got), "typed metadata shows as Benthos prints it")

	stored, err := c.ToHost(raw)
	require.NoError(t, err)
	assert.False(t, stored.IsStructured())
	assert.Equal(t, raw, stored.Bytes())
	assert.Nil(t, stored.Structured())
}

func TestStringRefusesInvalidUTF8BothWays(t *testing.T) {
	c := codec.String{}
	_, err := c.FromBytes([]byte{0xff})
	assert.True(t, errors.Is(err, codec.ErrInvalidUTF8))
	_, err = c.ToHost([]byte{0xc3})
	assert.True(t, errors.Is(err, codec.ErrInvalidUTF8))
	assert.EqualError(t, err, "not valid UTF-8 (string converter)")

	stored, err := c.ToHost([]byte("héllo"))
	require.NoError(t, err)
	assert.False(t, stored.IsStructured())
	assert.Equal(t, []byte("héllo"), stored.Bytes())
}

func TestJSONShowsTypedValuesAndParsesWhatIsSet(t *testing.T) {
	c := codec.JSON{}
	got, err := c.FromValue("abc")
	require.NoError(t, err)
	assert.Equal(t, `"abc"`, string(got), "a string is shown as a JSON string")
	got, err = c.FromValue(map[string]any{"a": 1})
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(got))

	got, err = c.FromBytes([]byte(` {"a": 1} `))
	require.NoError(t, err)
	assert.Equal(t, ` {"a": 1} `, string(got), "a JSON payload passes through as it is")
	_, err = c.FromBytes([]byte(`{"a":`))
	assert.True(t, errors.Is(err, codec.ErrInvalidJSON))

	stored, err := c.ToHost([]byte(`{"id": 9007199254740993, "ratio": 0.5, "tags": ["x"]}`))
	require.NoError(t, err)
	assert.True(t, stored.IsStructured())
	assert.Nil(t, stored.Bytes())
	assert.Equal(t, map[string]any{"id": int64(9007199254740993), "ratio": 0.5, "tags": []any{"x"}}, stored.Structured(),
		"large integers keep every digit")

	// The number types are the ones Stored.Structured documents.
	stored, err = c.ToHost([]byte(`[3, -3, 1.0, 0.5, 1e2, 1e400, 12345678901234567890]`))
	require.NoError(t, err)
	assert.Equal(t, []any{int64(3), int64(-3), 1.0, 0.5, 100.0, json.Number("1e400"), 1.2345678901234567e19},
		stored.Structured())

	// JSON null is a structured value too, not raw bytes.
	stored, err = c.ToHost([]byte(`null`))
	require.NoError(t, err)
	assert.True(t, stored.IsStructured())
	assert.Nil(t, stored.Structured())

	for _, bad := range []string{``, `{`, `1 2`, `{} }`, `nope`} {
		_, err := c.ToHost([]byte(bad))
		assert.True(t, errors.Is(err, codec.ErrInvalidJSON), "%q: %v", bad, err)
	}
}
