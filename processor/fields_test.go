package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// Headers are every metadata field but the record parts' and Kafka
// bookkeeping; kafka_key and kafka_topic become headers when the key and
// topic live in other fields, kafka_partition and kafka_timestamp_ms never.
func TestWhichMetadataFieldsAreHeaders(t *testing.T) {
	f := newRecordFields(metadataNames{key: "my_key", topic: "my_topic", partition: "my_partition", timestamp: "my_ts"},
		codec.Bytes{}, codec.Bytes{}, codec.Bytes{})
	for _, name := range []string{"trace-id", "kafka_key", "kafka_topic", "kafka_other"} {
		assert.True(t, f.isHeader(name), name)
	}
	for name, holds := range map[string]string{
		"my_key":                  "the record's key",
		"my_topic":                "the record's topic",
		"my_partition":            "the record's partition",
		"my_ts":                   "the record's timestamp",
		"kafka_partition":         "the record's partition",
		"kafka_timestamp_ms":      "the record's timestamp",
		"kafka_offset":            "the record's offset",
		"kafka_timestamp_unix":    "the record's timestamp",
		"kafka_lag":               "the consumer lag",
		"kafka_tombstone_message": "whether the value is absent",
	} {
		assert.False(t, f.isHeader(name), name)
		assert.Equal(t, holds, f.reserved[name], name)
	}

	f = newRecordFields(metadataNames{key: "kafka_key", topic: "kafka_topic", partition: "kafka_partition", timestamp: "kafka_timestamp_ms"},
		codec.Bytes{}, codec.Bytes{}, codec.Bytes{})
	assert.False(t, f.isHeader("kafka_key"))
	assert.False(t, f.isHeader("kafka_topic"))
	assert.Len(t, f.reserved, 8, "the defaults reserve exactly the Kafka bookkeeping fields")
}
