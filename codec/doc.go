// Package codec holds the converters that turn the parts of a message (the key,
// the value, a header) into the bytes a guest sees, and the bytes a guest sets
// back into values the host stores: bytes, string and json, and the
// schema-aware avro, protobuf, json_schema and json_envelope, which show a
// record with a schema to the guest as plain JSON and encode what it writes
// with that schema.
//
// A converter knows bytes, values and schemas only; it knows neither Benthos
// nor Wasm.
package codec
