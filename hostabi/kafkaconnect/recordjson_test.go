package kafkaconnect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

func TestRecordJSONShowsAbsentAndEmptyPartsApart(t *testing.T) {
	rec := recordtest.New(nil, recordtest.Str(""), recordtest.Str("foo"), map[string]string{"b": "2", "a": "\x00\xff"})
	got, err := encodeRecord(rec)
	require.NoError(t, err)
	assert.Equal(t, `{"headers":{"a":"AP8=","b":"Mg=="},"topic":"foo","value":""}`, string(got))
}

func TestSetRecordReplacesEveryPart(t *testing.T) {
	rec := recordtest.New(recordtest.Str("k"), recordtest.Str("v"), recordtest.Str("t"), map[string]string{"old": "x"})
	require.NoError(t, decodeRecordInto(rec,
		[]byte(`{"headers":{"new":"eQ=="},"key":"a2V5","value":""}`)))
	key, value, topic, headers := rec.Parts()
	assert.Equal(t, "key", *key)
	assert.Equal(t, "", *value, "an empty value stays present")
	assert.Nil(t, topic, "a missing topic makes it absent")
	assert.Equal(t, map[string]string{"new": "y"}, headers, "headers are replaced, not merged")

	require.NoError(t, decodeRecordInto(rec, []byte(`{"topic":"t"}`)))
	key, value, _, headers = rec.Parts()
	assert.Nil(t, key, "a missing key makes it absent")
	assert.Nil(t, value, "a missing value makes it absent")
	assert.Empty(t, headers)
}

func TestSetRecordRefusesMalformedJSON(t *testing.T) {
	for input, want := range map[string]string{
		`{"value":"AA==","partition":1}`: `record JSON: unknown field "partition" (expected headers, topic, key or value)`,
		`{"value":"not base64!"}`:        `record JSON: field "value": illegal base64 data`,
		`{"value":"QR=="}`:               `record JSON: field "value": illegal base64 data`, // non-zero padding bits
		`{"value":"QQ=\n="}`:             `record JSON: field "value": base64 with a line break`,
		`{"value":5}`:                    `record JSON: field "value" must be a string, got 5`,
		`{"value":null}`:                 `record JSON: field "value" must be a string, got <nil>`,
		`{"headers":{"h":1}}`:            `record JSON: header "h" must be a string, got 1`,
		`{"headers":{"h":null}}`:         `record JSON: header "h" must be a string, got <nil>`,
		`{"headers":null}`:               `record JSON: field "headers" must be an object`,
		`{"VALUE":"QQ=="}`:               `record JSON: unknown field "VALUE"`,
		`{"value":"","value":""}`:        `record JSON: field "value" appears twice`,
		`{"headers":{"h":"","h":""}}`:    `record JSON: header "h" appears twice`,
		"{\"topic\":\"\xff\"}":           "record JSON: not valid UTF-8",
		`[]`:                             "record JSON: expected a JSON object",
		`null`:                           "record JSON: expected a JSON object",
		`{"value":""} {}`:                "record JSON: unexpected data after the object",
		"{\"value\":\"\"}\u00a0":         "record JSON: unexpected data after the object",
		`{"value":`:                      `record JSON: field "value": EOF`,
	} {
		rec := recordtest.New(recordtest.Str("k"), recordtest.Str("v"), nil, nil)
		err := decodeRecordInto(rec, []byte(input))
		require.Error(t, err, input)
		assert.Contains(t, err.Error(), want, input)
		_, value, _, _ := rec.Parts()
		assert.Equal(t, "v", *value, "a refused record JSON changes nothing")
	}
}
