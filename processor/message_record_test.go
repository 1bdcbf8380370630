package processor

import (
	"errors"
	"sort"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

func recordOver(t *testing.T, msg *service.Message, key, value, header string) *messageRecord {
	t.Helper()
	conv := func(name string) codec.Converter {
		c, err := codec.Lookup(name)
		require.NoError(t, err)
		return c
	}
	names := metadataNames{key: "kafka_key", topic: "kafka_topic", partition: "kafka_partition", timestamp: "kafka_timestamp_ms"}
	r := newMessageRecord(newRecordFields(names, conv(key), conv(value), conv(header)))
	r.reset(msg)
	return r
}

func TestWritesReachTheMessageOnlyOnCommit(t *testing.T) {
	msg := message("v", map[string]any{"kafka_key": "k", "h": "1"})
	r := recordOver(t, msg, "bytes", "bytes", "bytes")

	require.NoError(t, r.SetValue([]byte("v2")))
	require.NoError(t, r.SetKey([]byte("k2")))
	require.NoError(t, r.SetHeader([]byte("h2"), []byte("2")))
	r.RemoveHeader([]byte("h"))

	got, err := r.Value()
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got), "a getter sees earlier writes of the same call")
	_, err = r.Header([]byte("h"))
	assert.True(t, errors.Is(err, record.ErrAbsent))

	payload, _ := msg.AsBytes()
	assert.Equal(t, "v", string(payload), "nothing reaches the message before commit")
	assert.Equal(t, map[string]any{"kafka_key": "k", "h": "1"}, metadata(msg))

	r.commit(nil)
	payload, _ = msg.AsBytes()
	assert.Equal(t, "v2", string(payload))
	assert.Equal(t, map[string]any{"kafka_key": "k2", "h2": "2"}, metadata(msg))
}

func TestHeadersAreTheMetadataThatIsNotARecordPart(t *testing.T) {
	msg := message("v", map[string]any{
		"kafka_key": "k", "kafka_topic": "t", "kafka_partition": 3, "kafka_offset": 10,
		"kafka_timestamp_ms": 1, "kafka_timestamp_unix": 1, "kafka_lag": 0,
		"kafka_tombstone_message": false, "trace-id": "abc", "path": "/in",
	})
	r := recordOver(t, msg, "bytes", "bytes", "bytes")
	names := r.HeaderNames(nil)
	sort.Strings(names)
	assert.Equal(t, []string{"path", "trace-id"}, names)

	_, err := r.Header([]byte("kafka_offset"))
	assert.True(t, errors.Is(err, record.ErrAbsent), "bookkeeping fields are not headers")

	err = r.SetHeader([]byte("kafka_key"), []byte("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `header "kafka_key" cannot be set: metadata field "kafka_key" holds the record's key`)
}

func TestJSONConverterStoresStructuredValuesAndTypedMetadata(t *testing.T) {
	msg := message(`{"a":1}`, nil)
	r := recordOver(t, msg, "json", "json", "json")
	require.NoError(t, r.SetValue([]byte(`{"b":[true]}`)))
	require.NoError(t, r.SetHeader([]byte("count"), []byte(`5`)))
	require.NoError(t, r.SetKey([]byte(`"id-1"`)))
	err := r.SetHeader([]byte("bad"), []byte(`{`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `header "bad": not valid JSON (json converter)`)
	r.commit(nil)

	v, err := msg.AsStructured()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"b": []any{true}}, v)
	assert.Equal(t, map[string]any{"count": int64(5), "kafka_key": "id-1"}, metadata(msg))

	r.reset(msg)
	got, err := r.Key()
	require.NoError(t, err)
	assert.Equal(t, `"id-1"`, string(got), "typed metadata is shown as JSON")
}

func TestStringConverterRefusesInvalidUTF8(t *testing.T) {
	msg := message("\xff", nil)
	r := recordOver(t, msg, "string", "string", "string")
	_, err := r.Value()
	require.Error(t, err)
	assert.Equal(t, "value: not valid UTF-8 (string converter)", err.Error())
	err = r.SetValue([]byte{0xc3})
	require.Error(t, err)
	assert.Equal(t, "value: not valid UTF-8 (string converter)", err.Error())
}

func TestAbsentValueIsATombstone(t *testing.T) {
	msg := message("v", nil)
	r := recordOver(t, msg, "bytes", "bytes", "bytes")
	r.RemoveValue()
	r.commit(nil)
	payload, _ := msg.AsBytes()
	assert.Empty(t, payload)
	assert.Equal(t, map[string]any{"kafka_tombstone_message": true}, metadata(msg))

	r.reset(msg)
	_, err := r.Value()
	assert.True(t, errors.Is(err, record.ErrAbsent))
	require.NoError(t, r.SetValue([]byte{}))
	r.commit(nil)
	assert.Empty(t, metadata(msg), "setting a value, even empty, ends the tombstone")
}

func TestSettingAValueLeavesAFalseTombstoneFieldAlone(t *testing.T) {
	for _, conv := range []string{"bytes", "json"} {
		msg := message(`"v"`, map[string]any{"kafka_tombstone_message": false, "h": "1"})
		r := recordOver(t, msg, "bytes", conv, "bytes")
		require.NoError(t, r.SetValue([]byte(`"w"`)))
		r.commit(nil)
		payload, _ := msg.AsBytes()
		assert.Equal(t, `"w"`, string(payload), conv)
		assert.Equal(t, map[string]any{"kafka_tombstone_message": false, "h": "1"}, metadata(msg),
			"%s: the field already says the message is no tombstone", conv)
	}
}

func TestCommittedBytesAreNotSharedWithTheNextCall(t *testing.T) {
	a, b := message("a", nil), message("b", nil)
	r := recordOver(t, a, "bytes", "bytes", "bytes")
	require.NoError(t, r.SetValue([]byte("first")))
	r.commit(nil)
	r.reset(b)
	require.NoError(t, r.SetValue([]byte("other")))
	r.commit(nil)
	pa, _ := a.AsBytes()
	pb, _ := b.AsBytes()
	assert.Equal(t, "first", string(pa))
	assert.Equal(t, "other", string(pb))
}
