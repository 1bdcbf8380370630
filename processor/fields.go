package processor

import (
	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// recordFields says where each part of a record lives in a message and how
// it converts. It is built once per processor and shared read-only.
type recordFields struct {
	keyMeta       string
	topicMeta     string
	partitionMeta string
	timestampMeta string
	keyConv       codec.Converter
	valueConv     codec.Converter
	headerConv    codec.Converter
	schemas       schemaConverters // the schema-aware ones among them
	// chunks recycles the memory of the values guests set, for this
	// processor's records (see byteArena).
	chunks *chunkPool
	// reserved holds the metadata fields that stand for record parts or Kafka
	// bookkeeping; every other metadata field is a header.
	reserved map[string]string
}

// metadataNames says which metadata field holds each record part.
type metadataNames struct {
	key, topic, partition, timestamp string
}

func newRecordFields(names metadataNames, keyConv, valueConv, headerConv codec.Converter) *recordFields {
	f := &recordFields{
		keyMeta: names.key, topicMeta: names.topic,
		partitionMeta: names.partition, timestampMeta: names.timestamp,
		keyConv: keyConv, valueConv: valueConv, headerConv: headerConv,
		schemas:  schemaConvertersOf(keyConv, valueConv, headerConv),
		chunks:   newChunkPool(),
		reserved: map[string]string{},
	}
	for _, name := range kafkameta.Bookkeeping() {
		// kafka_key and kafka_topic are free for headers when key_metadata
		// or topic_metadata name other fields; the others never are.
		if name != kafkameta.Key && name != kafkameta.Topic {
			f.reserved[name] = kafkameta.Holds(name)
		}
	}
	f.reserved[names.key] = kafkameta.Holds(kafkameta.Key)
	f.reserved[names.topic] = kafkameta.Holds(kafkameta.Topic)
	f.reserved[names.partition] = kafkameta.Holds(kafkameta.Partition)
	f.reserved[names.timestamp] = kafkameta.Holds(kafkameta.TimestampMs)
	return f
}

// isHeader reports whether the metadata field name is a header.
func (f *recordFields) isHeader(name string) bool {
	_, reserved := f.reserved[name]
	return !reserved
}
