package kafkameta_test

import (
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

func TestIntReadsEveryWayANumberIsStored(t *testing.T) {
	for _, v := range []any{7, int32(7), int64(7), uint32(7), uint64(7), 7.0, "7"} {
		n, err := kafkameta.Int(v)
		require.NoError(t, err, "%T", v)
		assert.Equal(t, int64(7), n)
	}
	n, err := kafkameta.Int(time.UnixMilli(1700000000123))
	require.NoError(t, err)
	assert.Equal(t, int64(1700000000123), n)
	for _, v := range []any{7.5, "seven", uint64(1 << 63), true, nil} {
		_, err := kafkameta.Int(v)
		assert.Error(t, err, "%#v", v)
	}
}

func TestIsTombstone(t *testing.T) {
	for v, want := range map[any]bool{true: true, "true": true, false: false, "yes": false, 1: false} {
		msg := service.NewMessage(nil)
		msg.MetaSetMut(kafkameta.Tombstone, v)
		assert.Equal(t, want, kafkameta.IsTombstone(msg), "%#v", v)
	}
	assert.False(t, kafkameta.IsTombstone(service.NewMessage(nil)))
}

func TestBookkeepingIsEveryKafkaField(t *testing.T) {
	for _, f := range []string{kafkameta.Key, kafkameta.Topic, kafkameta.Partition, kafkameta.Offset,
		kafkameta.TimestampMs, kafkameta.TimestampUnix, kafkameta.Lag, kafkameta.Tombstone} {
		assert.True(t, kafkameta.IsBookkeeping(f), f)
	}
	assert.False(t, kafkameta.IsBookkeeping("trace-id"))
	assert.Equal(t, []string{"kafka_key", "kafka_lag", "kafka_offset", "kafka_partition", "kafka_timestamp_ms",
		"kafka_timestamp_unix", "kafka_tombstone_message", "kafka_topic"}, kafkameta.Bookkeeping())
}

func TestHoldsSaysWhatEachFieldHolds(t *testing.T) {
	for _, name := range kafkameta.Bookkeeping() {
		assert.NotEmpty(t, kafkameta.Holds(name), name)
	}
	assert.Equal(t, "the record's offset", kafkameta.Holds(kafkameta.Offset))
	assert.Empty(t, kafkameta.Holds("trace-id"))
}
