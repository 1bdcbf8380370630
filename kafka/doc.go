// Package kafka registers the kafka_franz input and output with Benthos, so
// that benthos-wasm reads and writes Kafka without Redpanda Connect. Their
// field names and metadata follow Redpanda Connect's components of the same
// name (a subset, see the component docs), and the output writes a record
// back from the metadata the input sets (kafka_key, kafka_timestamp_ms,
// headers, kafka_tombstone_message), so a record seen by wasm_smt
// round-trips through Kafka.
//
// The input delivers at least once: an offset is committed only when the
// output has acknowledged its record and every earlier record of the
// partition (see offsetTracker).
//
// The package also starts a Kafka broker for development and tests
// (StartDevBroker: in memory or in a data directory, optionally requiring
// TLS and SASL), which `benthos-wasm kafka-dev` runs.
//
// Import it for its side effect to add the components to a binary:
//
//	import _ "github.com/benthos-wasm/benthos-wasm/kafka"
package kafka
