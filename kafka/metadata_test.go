package kafka

import (
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
)

func meta(t *testing.T, msg *service.Message, key string) any {
	t.Helper()
	v, ok := msg.MetaGetMut(key)
	require.True(t, ok, "metadata %s is missing", key)
	return v
}

func TestRecordToMessageSetsEveryField(t *testing.T) {
	ts := time.UnixMilli(1700000000123)
	msg := recordToMessage(&kgo.Record{
		Key: []byte("k"), Value: []byte("v"), Topic: "t", Partition: 3, Offset: 41, Timestamp: ts,
		Headers: []kgo.RecordHeader{{Key: "h1", Value: []byte("a")}, {Key: "h2", Value: nil}},
	}, 50)
	b, err := msg.AsBytes()
	require.NoError(t, err)
	assert.Equal(t, "v", string(b))
	assert.Equal(t, "k", meta(t, msg, "kafka_key"))
	assert.Equal(t, "t", meta(t, msg, "kafka_topic"))
	assert.Equal(t, 3, meta(t, msg, "kafka_partition"))
	assert.Equal(t, 41, meta(t, msg, "kafka_offset"))
	assert.Equal(t, int64(1700000000123), meta(t, msg, "kafka_timestamp_ms"))
	assert.Equal(t, int64(1700000000), meta(t, msg, "kafka_timestamp_unix"))
	assert.Equal(t, 8, meta(t, msg, "kafka_lag"), "records 42..49 follow")
	assert.Equal(t, false, meta(t, msg, "kafka_tombstone_message"))
	assert.Equal(t, "a", meta(t, msg, "h1"))
	assert.Equal(t, "", meta(t, msg, "h2"), "a null header value reads as empty")
}

func TestRecordToMessageKeyAbsentOnlyWhenNull(t *testing.T) {
	msg := recordToMessage(&kgo.Record{Key: nil, Value: []byte("v")}, 0)
	_, ok := msg.MetaGetMut("kafka_key")
	assert.False(t, ok, "a null key leaves kafka_key absent")

	msg = recordToMessage(&kgo.Record{Key: []byte{}, Value: []byte("v")}, 0)
	assert.Equal(t, "", meta(t, msg, "kafka_key"), "an empty key is present and empty")
}

func TestRecordToMessageTombstone(t *testing.T) {
	msg := recordToMessage(&kgo.Record{Key: []byte("k"), Value: nil}, 1)
	assert.Equal(t, true, meta(t, msg, "kafka_tombstone_message"))
	b, err := msg.AsBytes()
	require.NoError(t, err)
	assert.Empty(t, b)
	assert.Equal(t, 0, meta(t, msg, "kafka_lag"))

	msg = recordToMessage(&kgo.Record{Value: []byte{}}, 1)
	assert.Equal(t, false, meta(t, msg, "kafka_tombstone_message"), "an empty value is not a tombstone")
}

func TestRecordToMessageHeaders(t *testing.T) {
	msg := recordToMessage(&kgo.Record{Offset: 5, Value: []byte("v"), Headers: []kgo.RecordHeader{
		{Key: "h", Value: []byte("first")},
		{Key: "h", Value: []byte("last")},
		{Key: "kafka_offset", Value: []byte("999")},
		{Key: "kafka_key", Value: []byte("not the key")},
	}}, 6)
	assert.Equal(t, "last", meta(t, msg, "h"), "the last header of a name wins")
	assert.Equal(t, 5, meta(t, msg, "kafka_offset"), "a header cannot pose as bookkeeping")
	_, ok := msg.MetaGetMut("kafka_key")
	assert.False(t, ok, "a header named kafka_key is not a key")
}

func builder(t *testing.T, extra string) *recordBuilder {
	t.Helper()
	out, err := parseOutput("seed_brokers: [x]\ntopic: '${! meta(\"kafka_topic\").or(\"default-topic\") }'\n" + extra)
	require.NoError(t, err)
	return &out.builder
}

func TestBuildKey(t *testing.T) {
	b := builder(t, "")
	msg := service.NewMessage([]byte("v"))
	r, err := b.build(msg)
	require.NoError(t, err)
	assert.Nil(t, r.Key, "no kafka_key: a null key")

	msg.MetaSetMut("kafka_key", "")
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, []byte{}, r.Key, "an empty kafka_key: an empty key, not null")

	msg.MetaSetMut("kafka_key", "k1")
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, "k1", string(r.Key))

	msg.MetaSetMut("kafka_key", []byte{0xff, 0x00})
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xff, 0x00}, r.Key, "binary keys pass unchanged")

	b = builder(t, "key: '${! meta(\"other\").or(\"\") }'")
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, []byte{}, r.Key, "the key field wins over kafka_key")
}

func TestBuildValueAndTombstone(t *testing.T) {
	b := builder(t, "")
	msg := service.NewMessage([]byte("v"))
	r, err := b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, "v", string(r.Value))

	for _, flag := range []any{true, "true"} {
		msg.MetaSetMut("kafka_tombstone_message", flag)
		r, err = b.build(msg)
		require.NoError(t, err)
		assert.Nil(t, r.Value, "kafka_tombstone_message %v: a null value", flag)
	}
	msg.MetaSetMut("kafka_tombstone_message", false)
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, "v", string(r.Value))

	r, err = b.build(service.NewMessage(nil))
	require.NoError(t, err)
	assert.Equal(t, []byte{}, r.Value, "an empty payload without the flag is an empty value, not a tombstone")
}

func TestBuildTimestamp(t *testing.T) {
	b := builder(t, "")
	r, err := b.build(service.NewMessage([]byte("v")))
	require.NoError(t, err)
	assert.True(t, r.Timestamp.IsZero(), "no kafka_timestamp_ms: franz-go stamps the time of writing")

	want := time.UnixMilli(1700000000123)
	for _, v := range []any{int64(1700000000123), 1700000000123, "1700000000123", float64(1700000000123), want} {
		msg := service.NewMessage([]byte("v"))
		msg.MetaSetMut("kafka_timestamp_ms", v)
		r, err := b.build(msg)
		require.NoError(t, err, "%T", v)
		assert.True(t, want.Equal(r.Timestamp), "%T: %v", v, r.Timestamp)
	}

	msg := service.NewMessage([]byte("v"))
	msg.MetaSetMut("kafka_timestamp_ms", "yesterday")
	_, err = b.build(msg)
	assert.ErrorContains(t, err, "metadata kafka_timestamp_ms: yesterday (string) is not a whole number")

	b = builder(t, "timestamp_ms: '${! 42 }'")
	msg.MetaSetMut("kafka_timestamp_ms", 7)
	r, err = b.build(msg)
	require.NoError(t, err)
	assert.Equal(t, int64(42), r.Timestamp.UnixMilli(), "the field wins over kafka_timestamp_ms")

	b = builder(t, "timestamp_ms: 'soon'")
	_, err = b.build(msg)
	assert.ErrorContains(t, err, `field timestamp_ms: "soon" is not an integer`)
}

func TestBuildHeadersSkipBookkeeping(t *testing.T) {
	msg := recordToMessage(&kgo.Record{
		Key: []byte("k"), Value: []byte("v"), Topic: "t", Timestamp: time.UnixMilli(1),
		Headers: []kgo.RecordHeader{{Key: "zeta", Value: []byte("z")}, {Key: "alpha", Value: []byte("a")}},
	}, 1)
	msg.MetaSetMut("x-extra", "e")

	r, err := builder(t, "").build(msg)
	require.NoError(t, err)
	assert.Empty(t, r.Headers, "no metadata filter: no headers")

	r, err = builder(t, "metadata: { include_patterns: [ '.*' ] }").build(msg)
	require.NoError(t, err)
	assert.Equal(t, []kgo.RecordHeader{
		{Key: "alpha", Value: []byte("a")},
		{Key: "x-extra", Value: []byte("e")},
		{Key: "zeta", Value: []byte("z")},
	}, r.Headers, "every included field except kafka_* bookkeeping, sorted")

	r, err = builder(t, "metadata: { include_prefixes: [ 'x-', 'kafka_' ] }").build(msg)
	require.NoError(t, err)
	assert.Equal(t, []kgo.RecordHeader{{Key: "x-extra", Value: []byte("e")}}, r.Headers,
		"bookkeeping stays out even when the filter names it")
}

func TestBuildTopicAndPartitionErrors(t *testing.T) {
	out, err := parseOutput("seed_brokers: [x]\ntopic: '${! meta(\"nope\").or(\"\") }'")
	require.NoError(t, err)
	_, err = out.builder.build(service.NewMessage([]byte("v")))
	assert.ErrorContains(t, err, "field topic: the topic is empty")

	out, err = parseOutput("seed_brokers: [x]\ntopic: t\npartitioner: manual\npartition: '${! meta(\"p\") }'")
	require.NoError(t, err)
	msg := service.NewMessage([]byte("v"))
	msg.MetaSetMut("p", "two")
	_, err = out.builder.build(msg)
	assert.ErrorContains(t, err, `field partition: "two" is not a partition number`)
	msg.MetaSetMut("p", 2)
	r, err := out.builder.build(msg)
	require.NoError(t, err)
	assert.Equal(t, int32(2), r.Partition)
}

func TestRecordRoundTripsThroughAMessage(t *testing.T) {
	b := builder(t, "metadata: { include_patterns: [ '.*' ] }")
	records := []*kgo.Record{
		{Key: []byte("k"), Value: []byte("v"), Topic: "t", Timestamp: time.UnixMilli(1700000000123),
			Headers: []kgo.RecordHeader{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("")}}},
		{Key: nil, Value: []byte("no key"), Topic: "t", Timestamp: time.UnixMilli(5)},
		{Key: []byte{}, Value: []byte{}, Topic: "t", Timestamp: time.UnixMilli(6)},
		{Key: []byte("gone"), Value: nil, Topic: "t", Timestamp: time.UnixMilli(7)},
	}
	for _, in := range records {
		out, err := b.build(recordToMessage(in, in.Offset+1))
		require.NoError(t, err)
		assert.Equal(t, in.Key, out.Key)
		assert.Equal(t, in.Value, out.Value)
		assert.Equal(t, in.Topic, out.Topic)
		assert.True(t, in.Timestamp.Equal(out.Timestamp))
		assert.Equal(t, in.Headers, out.Headers)
	}
}
