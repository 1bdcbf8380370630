package codec

import (
	"fmt"
	"strconv"
	"strings"
)

// A Kafka Connect schema as JsonConverter writes it in the "schema" field of
// its envelope, and the check that a JSON payload fits it the way
// JsonConverter reads payloads back, only stricter where JsonConverter would
// silently turn a wrong value into another (a string read as int 0, 1.5
// read as 1, an unknown struct field dropped):
//
//	type     "boolean" "int8" "int16" "int32" "int64" "float" "double"
//	         "bytes" "string" "array" "map" "struct"
//	optional true, or the payload may not be null
//	default  used by Connect for a null (or missing) payload
//	name     a logical type: org.apache.kafka.connect.data.Decimal (bytes,
//	         parameters.scale), .Date (int32 days), .Time (int32 ms of the
//	         day), .Timestamp (int64 ms since the epoch)
//	items    an array's element schema
//	keys, values  a map's; string keys make a JSON object, any other a JSON
//	         array of [key, value] pairs
//	fields   a struct's, each a schema with its name in "field"
type connectSchema struct {
	typ        string // "" for the envelope's null schema: anything fits
	optional   bool
	hasDefault bool
	name       string
	scale      int // Decimal's

	items         *connectSchema
	keys, values  *connectSchema
	fields        []connectField
	fieldsByName  map[string]*connectSchema
	fieldNameList string // for errors: "a, b, c"
}

type connectField struct {
	name   string
	schema *connectSchema
}

// Kafka Connect's logical type names.
const (
	connectDecimal   = "org.apache.kafka.connect.data.Decimal"
	connectDate      = "org.apache.kafka.connect.data.Date"
	connectTime      = "org.apache.kafka.connect.data.Time"
	connectTimestamp = "org.apache.kafka.connect.data.Timestamp"
	millisPerDay     = 24 * 60 * 60 * 1000
)

// anyConnectSchema is the envelope's "schema": null (Connect data without a
// schema): any payload fits.
var anyConnectSchema = &connectSchema{}

// parseConnectSchema reads a schema node; at names it in errors ("" for
// the envelope's schema itself, fields[2].items below it).
func parseConnectSchema(node any, at string) (*connectSchema, error) {
	obj, ok := node.(map[string]any)
	if !ok {
		return nil, schemaErrorf(at, "expected an object, got %s", jsonKind(node))
	}
	typ, ok := obj["type"].(string)
	if !ok {
		return nil, schemaErrorf(at, `has no "type" string`)
	}
	s := &connectSchema{typ: typ}
	s.optional, _ = obj["optional"].(bool)
	s.name, _ = obj["name"].(string)

	var err error
	switch typ {
	case "boolean", "int8", "int16", "int32", "int64", "float", "double", "bytes", "string":
	case "array":
		if obj["items"] == nil {
			return nil, schemaErrorf(at, `an array schema needs "items"`)
		}
		if s.items, err = parseConnectSchema(obj["items"], schemaPath(at, "items")); err != nil {
			return nil, err
		}
	case "map":
		if obj["keys"] == nil || obj["values"] == nil {
			return nil, schemaErrorf(at, `a map schema needs "keys" and "values"`)
		}
		if s.keys, err = parseConnectSchema(obj["keys"], schemaPath(at, "keys")); err != nil {
			return nil, err
		}
		if s.values, err = parseConnectSchema(obj["values"], schemaPath(at, "values")); err != nil {
			return nil, err
		}
	case "struct":
		if err := s.parseFields(obj["fields"], at); err != nil {
			return nil, err
		}
	default:
		return nil, schemaErrorf(at, "unknown type %q (Kafka Connect's are boolean, int8, int16, int32, int64, float, double, bytes, string, array, map, struct)", typ)
	}

	if err := s.parseParameters(obj["parameters"], at); err != nil {
		return nil, err
	}
	// Connect reads the default with the schema itself, so a default that
	// does not fit makes the envelope unreadable there too.
	if def, ok := obj["default"]; ok && def != nil {
		if err := s.check(def, ""); err != nil {
			return nil, schemaErrorf(at, "its default does not fit it: %v", err)
		}
		s.hasDefault = true
	}
	return s, nil
}

func (s *connectSchema) parseFields(node any, at string) error {
	list, ok := node.([]any)
	if !ok {
		return schemaErrorf(at, `a struct schema needs a "fields" array`)
	}
	s.fieldsByName = make(map[string]*connectSchema, len(list))
	names := make([]string, 0, len(list))
	for i, f := range list {
		fat := schemaPath(at, fmt.Sprintf("fields[%d]", i))
		obj, _ := f.(map[string]any)
		name, ok := obj["field"].(string)
		if !ok {
			return schemaErrorf(fat, `a struct field needs its name in "field"`)
		}
		if _, dup := s.fieldsByName[name]; dup {
			return schemaErrorf(fat, "field %q is defined twice", name)
		}
		fs, err := parseConnectSchema(f, fat)
		if err != nil {
			return err
		}
		s.fields = append(s.fields, connectField{name: name, schema: fs})
		s.fieldsByName[name] = fs
		names = append(names, name)
	}
	s.fieldNameList = strings.Join(names, ", ")
	return nil
}

func (s *connectSchema) parseParameters(node any, at string) error {
	if node == nil {
		if s.name == connectDecimal {
			return schemaErrorf(at, "a Decimal needs parameters.scale")
		}
		return nil
	}
	params, ok := node.(map[string]any)
	if !ok {
		return schemaErrorf(at, `"parameters" must be an object`)
	}
	for k, v := range params {
		if _, ok := v.(string); !ok {
			return schemaErrorf(at, "parameter %q must be a string, as Kafka Connect writes them", k)
		}
	}
	if s.name == connectDecimal {
		text, _ := params["scale"].(string)
		scale, err := strconv.Atoi(text)
		if err != nil {
			return schemaErrorf(at, "a Decimal needs parameters.scale, an integer in a string: %v", err)
		}
		s.scale = scale
	}
	return nil
}

// describe names the schema for a FitError.
func (s *connectSchema) describe() string {
	if s.name != "" {
		return fmt.Sprintf("Kafka Connect schema %q (the record's envelope)", s.name)
	}
	if s.typ == "" {
		return "the record's envelope (schema null)"
	}
	return fmt.Sprintf("the Kafka Connect %s schema of the record's envelope", s.typ)
}
