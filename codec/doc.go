// Package codec holds the converters that turn the parts of a message (the key,
// the value, a header) into the bytes a guest sees, and the bytes a guest sets
// back into values the host stores: bytes, string and json.
//
// A converter knows bytes and values only; it knows neither Benthos nor Wasm.
package codec
