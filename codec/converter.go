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

	// ToHost checks bytes a guest set. With structured false the host stores
	// the bytes themselves; with structured true it stores value, a parsed
	// JSON value (map[string]any, []any, string, float64, bool or nil).
	ToHost(guest []byte) (value any, structured bool, err error)
}

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
}

// Lookup returns the converter with the given name or Kafka Connect class name.
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
	return nil, fmt.Errorf("unknown converter %q: expected one of %s", name, strings.Join(Names(), ", "))
}

// Names lists every accepted converter name, the Kafka Connect aliases included.
func Names() []string {
	names := []string{BytesName, StringName, JSONName}
	aliases := make([]string, 0, len(kafkaConnectAliases))
	for alias := range kafkaConnectAliases {
		aliases = append(aliases, alias)
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
