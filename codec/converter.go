package codec

import (
	"fmt"
	"sort"
	"strings"
)

// Converter turns a stored part of a message into the bytes a guest sees, and
// the bytes a guest sets back into what the host stores.
//
// A part is stored either as raw bytes (a message payload, a string metadata
// value) or as a typed value (structured payload, typed metadata). Methods
// never keep or modify the slices they are given.
type Converter interface {
	// Name is the converter's name in configuration (bytes, string or json).
	Name() string

	// FromBytes returns the bytes a guest sees for a part stored as raw bytes.
	// The result may share memory with raw.
	FromBytes(raw []byte) ([]byte, error)

	// FromValue returns the bytes a guest sees for a part stored as a typed
	// value: a string, a []byte, or any value encoding/json can marshal.
	// The result may share memory with v.
	FromValue(v any) ([]byte, error)

	// ToHost checks bytes a guest set and returns what the host stores for
	// them: raw bytes, which may share memory with guest, or a structured
	// value (see Stored.Structured for its types).
	ToHost(guest []byte) (Stored, error)
}

// Stored is what the host stores for bytes a guest set: either raw bytes or
// a structured value, as IsStructured says. It is a plain value, so returning
// raw bytes allocates nothing.
type Stored struct {
	raw        []byte
	structured any
	isValue    bool
}

// RawBytes is the result of a converter that stores the bytes themselves.
func RawBytes(b []byte) Stored { return Stored{raw: b} }

// StructuredValue is the result of a converter that stores a parsed value.
func StructuredValue(v any) Stored { return Stored{structured: v, isValue: true} }

// IsStructured reports whether the host stores a structured value
// (Structured) rather than raw bytes (Bytes).
func (s Stored) IsStructured() bool { return s.isValue }

// Bytes returns the raw bytes to store; nil for a structured value.
func (s Stored) Bytes() []byte { return s.raw }

// Structured returns the structured value to store, a parsed JSON value:
// map[string]any, []any, string, bool, nil, or a number: int64 when it is
// written as an integer (no fraction, no exponent) that fits, so IDs and
// timestamps keep every digit; float64 for any other number (1.0, 1e2, an
// integer beyond int64); json.Number for a number beyond float64's range
// (such as 1e400, which as a float64 would be an infinity JSON cannot
// show). It returns nil for raw bytes.
func (s Stored) Structured() any { return s.structured }

// Names of the converters, as written in configuration.
const (
	BytesName  = "bytes"
	StringName = "string"
	JSONName   = "json"
)

// kafkaConnectAliases maps the Kafka Connect converter class names onto ours,
// so a Kafka Connect user can copy a connector's settings over unchanged.
var kafkaConnectAliases = map[string]string{
	"org.apache.kafka.connect.converters.ByteArrayConverter": BytesName,
	"org.apache.kafka.connect.storage.StringConverter":       StringName,
	"org.apache.kafka.connect.json.JsonConverter":            JSONName,
	"io.confluent.connect.avro.AvroConverter":                AvroName,
	"io.confluent.connect.protobuf.ProtobufConverter":        ProtobufName,
	"io.confluent.connect.json.JsonSchemaConverter":          JSONSchemaName,
}

// Lookup returns the plain converter (bytes, string or json) with the given
// name or Kafka Connect class name. New makes the schema-aware ones too.
func Lookup(name string) (Converter, error) {
	canonical := name
	if alias, ok := kafkaConnectAliases[name]; ok {
		canonical = alias
	}
	switch canonical {
	case BytesName:
		return Bytes{}, nil
	case StringName:
		return String{}, nil
	case JSONName:
		return JSON{}, nil
	}
	if IsSchemaAware(canonical) {
		return nil, fmt.Errorf("converter %s is schema-aware: make it with New", name)
	}
	return nil, fmt.Errorf("unknown converter %q: expected one of %s", name, strings.Join(Names(), ", "))
}

// Names lists every accepted converter name, the Kafka Connect aliases included.
func Names() []string {
	names := []string{BytesName, StringName, JSONName}
	schemaNames := make([]string, 0, len(schemaBuilders))
	for name := range schemaBuilders {
		schemaNames = append(schemaNames, name)
	}
	sort.Strings(schemaNames)
	names = append(names, schemaNames...)
	aliases := make([]string, 0, len(kafkaConnectAliases))
	for alias, name := range kafkaConnectAliases {
		if _, ok := schemaBuilders[name]; ok || !IsSchemaAware(name) {
			aliases = append(aliases, alias)
		}
	}
	sort.Strings(aliases)
	return append(names, aliases...)
}

// KafkaConnectAlias returns the name of the converter a Kafka Connect
// converter class stands for, such as bytes for
// org.apache.kafka.connect.converters.ByteArrayConverter; ok is false for
// any class without one.
func KafkaConnectAlias(class string) (name string, ok bool) {
	name, ok = kafkaConnectAliases[class]
	return name, ok
}
