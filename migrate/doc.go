// Package migrate translates a Kafka Connect connector configuration (its
// connector, single message transforms, predicates and error handling) into
// an equivalent benthos-wasm pipeline in YAML.
//
// The translation is static: it reads the connector's properties and writes
// Benthos components whose behaviour matches Kafka Connect's documented
// semantics on the kafka_* metadata model of the kafka_franz input. What it
// cannot translate is never dropped silently: it is reported as an
// [Omission], at the top of the YAML and to the caller.
package migrate
