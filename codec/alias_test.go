package codec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

func TestKafkaConnectAliasNamesTheConverterOfAClass(t *testing.T) {
	for class, want := range map[string]string{
		"org.apache.kafka.connect.converters.ByteArrayConverter": codec.BytesName,
		"org.apache.kafka.connect.storage.StringConverter":       codec.StringName,
		"org.apache.kafka.connect.json.JsonConverter":            codec.JSONName,
		"io.confluent.connect.avro.AvroConverter":                codec.AvroName,
		"io.confluent.connect.protobuf.ProtobufConverter":        codec.ProtobufName,
		"io.confluent.connect.json.JsonSchemaConverter":          codec.JSONSchemaName,
	} {
		name, ok := codec.KafkaConnectAlias(class)
		assert.True(t, ok, class)
		assert.Equal(t, want, name, class)
	}
	for _, class := range []string{"io.confluent.connect.avro.AvroConverterX", "bytes", ""} {
		_, ok := codec.KafkaConnectAlias(class)
		assert.False(t, ok, "%q is not a Kafka Connect class with a converter", class)
	}
}
