package migrate

import (
	"fmt"
	"strings"
)

// What a built-in SMT sees of a record part depends on the converter (a
// sink) or the connector (a source), and on the transforms before it:
//
//   - JsonConverter with schemas.enable=false: schemaless Java values (a
//     Map, a List, a String, a Long for an integer literal, a Double for
//     any other number, a Boolean), held here as the part's JSON.
//   - StringConverter, and the lines of FileStreamSourceConnector: a String
//     with a string schema, held here as its text. `{"a":1}` is a string:
//     HoistField wraps it as one, InsertField fails on it.
//   - ByteArrayConverter: a byte[] with a bytes schema, held as its bytes.
//   - A Struct HoistField makes of a String or byte[]: Kafka's SMTs then
//     work with its schema; it is held here as a JSON object.
//
// A schema changes the messages of the SMTs that need a Map (Kafka's
// requireMap / requireStruct), which the mappings throw as Kafka does.

// shape is how the pipeline holds a record part between transforms.
type shape int

const (
	shapeJSON   shape = iota // schemaless JSON (also the worker's converter, unknown here)
	shapeText                // a String with a string schema
	shapeBytes               // a byte[] with a bytes schema
	shapeStruct              // a Struct with a schema, as a JSON object
)

// part is the record part a $Key or $Value SMT works on, as a Bloblang
// variable ($key or $value) read from, and written back to, the message.
type part struct {
	name    string // "key" or "value": the variable
	variant string // "$Key" or "$Value"
	shape   shape
	// lenient is true when the converter is the worker's, unknown here:
	// HoistField then takes text that is not JSON as a string.
	lenient bool
}

var (
	keyPart   = part{name: "key", variant: "$Key"}
	valuePart = part{name: "value", variant: "$Value"}
)

// initialShape is what the chain's first transform sees of a part.
func (t *translator) initialShape(p part) part {
	p.shape, p.lenient = shapeJSON, false
	if !t.sink {
		switch {
		case t.class != fileSourceClass:
			// What the source gives is up to the input replacing the
			// placeholder.
			p.lenient = true
		case p.name == "value":
			p.shape = shapeText // FileStreamSourceTask's lines: Schema.STRING_SCHEMA
		}
		return p
	}
	c := t.conv[p.name]
	switch {
	case c == nil || c.class == "":
		p.lenient = true
	case c.class == stringConverter:
		p.shape = shapeText
	case c.class == byteArrayConverter:
		p.shape = shapeBytes
	}
	return p
}

// partNow is the part as the chain holds it at the transform being
// translated.
func (t *translator) partNow(p part) part {
	if s, ok := t.shapes[p.name]; ok {
		return s
	}
	return t.initialShape(p)
}

// ref is the Bloblang variable holding the part.
func (p part) ref() string { return "$" + p.name }

// field reads a top-level field of the part by name; the quotes keep a name
// with dots a single field (Kafka's field syntax V1).
func (p part) field(name string) string { return p.ref() + "." + bloblangString(name) }

// hasSchema is true when Kafka Connect's SMTs see the part with a schema.
func (p part) hasSchema() bool { return p.shape != shapeJSON }

// notNull is true when the part is not null: not a tombstone's value, not
// an absent key.
func (p part) notNull() string {
	if p.name == "key" {
		return "@kafka_key != null"
	}
	return "!(" + tombstoneCondition + ")"
}

// load is the part's value from the message, when it is not null.
func (p part) load() string {
	switch {
	case p.name == "key" && (p.shape == shapeText || p.shape == shapeBytes):
		return "@kafka_key"
	case p.name == "key":
		return "@kafka_key.parse_json()"
	case p.shape == shapeText:
		return "content().string()"
	case p.shape == shapeBytes:
		return "content()"
	}
	return "this"
}

// read is the statement that loads the part. A null part reads null,
// unless the caller already skipped it.
func (p part) read(nullSkipped bool) string {
	if nullSkipped {
		return "let " + p.name + " = " + p.load()
	}
	if p.name == "key" {
		return fmt.Sprintf("let key = if @kafka_key == null { null } else { %s }", p.load())
	}
	return fmt.Sprintf("let value = if %s { null } else { %s }", tombstoneCondition, p.load())
}

// purposes are the words Kafka's SMTs name themselves with in their errors.
var purposes = map[string]string{
	"InsertField":        "field insertion",
	"ReplaceField":       "field replacement",
	"MaskField":          "mask fields",
	"ExtractField":       "field extraction",
	"ValueToKey":         "copying fields from value to key",
	"Cast":               "cast types",
	"Flatten":            "flattening",
	"TimestampConverter": "converting timestamp formats",
}

// requireObject fails the record unless the part is a JSON object, with
// Kafka Connect's message: its schemaless SMTs require a Map, the others a
// Struct.
func (p part) requireObject(smt string) string {
	base, _, _ := strings.Cut(smt, "$")
	purpose, ok := purposes[base]
	if !ok {
		purpose = smt
	}
	return p.requireObjectFor(smt, purpose)
}

// requireObjectFor is requireObject with Kafka's purpose given.
func (p part) requireObjectFor(smt, purpose string) string {
	msg := "Only Map objects supported in absence of schema for [" + purpose + "], found: "
	if p.hasSchema() {
		msg = "Only Struct objects supported for [" + purpose + "], found: "
	}
	return fmt.Sprintf(`let %s = if %s.type() == "object" { %s } else { throw(%s + %s) }`,
		p.name, p.ref(), p.ref(), bloblangString(smt+": "+msg), p.javaClass(p.ref()))
}

// javaClass is the name of the Java class Kafka Connect holds v in.
func (p part) javaClass(v string) string {
	switch p.shape {
	case shapeText:
		return fmt.Sprintf(`if %s == null { "null" } else { "java.lang.String" }`, v)
	case shapeBytes:
		return fmt.Sprintf(`if %s == null { "null" } else { "[B" }`, v)
	}
	return javaClassOfJSON(v)
}

// javaClassOfJSON is the class of the Java value JsonConverter (without
// schemas) decodes a JSON value into: an integer literal is a Long, any
// other number a Double.
func javaClassOfJSON(v string) string {
	return fmt.Sprintf(`match %s.type() { "string" => "java.lang.String", "number" => if %s.string().re_match("^-?[0-9]+$") { "java.lang.Long" } else { "java.lang.Double" }, "bool" => "java.lang.Boolean", "array" => "java.util.ArrayList", "object" => "java.util.HashMap", "null" => "null", _ => %s.type() }`, v, v, v)
}

// write stores the part back: the payload (a string as its text), or
// kafka_key as text (a string key as is, anything else as JSON; a null key
// removes kafka_key).
func (p part) write() string {
	if p.name == "key" {
		return "meta kafka_key = " + encodeKey("$key")
	}
	return "root = $value"
}

// encodeKey is the text kafka_key gets for a key value.
func encodeKey(v string) string {
	return fmt.Sprintf(`if %s == null { deleted() } else if %s.type() == "string" { %s } else { %s.format_json(no_indent: true, escape_html: false).string() }`, v, v, v, v)
}

// onPart builds a mapping that reads the part, runs body on it and writes it
// back. When skipNull is true a null part is left as it is, as Kafka
// Connect's field SMTs leave tombstones and null keys.
func onPart(p part, skipNull bool, body ...string) string {
	lines := []string{p.read(skipNull)}
	lines = append(lines, body...)
	if skipNull {
		return "if " + p.notNull() + " {\n" + indent(lines) + "}"
	}
	return strings.Join(lines, "\n")
}

// hoist is the Struct HoistField made of a String or byte[]: its field
// holds the part as it was.
type hoist struct {
	field string
	from  shape
}

// reshape records how a translated built-in SMT leaves the parts it
// changes, for the transforms after it.
func (t *translator) reshape(class, prefix string, p part) {
	base, _, _ := strings.Cut(strings.TrimPrefix(class, transformsPackage), "$")
	switch base {
	case "HoistField":
		after := p
		after.lenient = false
		if p.shape == shapeJSON {
			delete(t.hoisted, p.name)
		} else {
			after.shape = shapeStruct
			t.hoisted[p.name] = hoist{field: t.c.str(prefix+"field", ""), from: p.shape}
		}
		t.shapes[p.name] = after
	case "ExtractField":
		after := p
		after.shape = shapeJSON
		if h, ok := t.hoisted[p.name]; ok && p.shape == shapeStruct && h.field == t.c.str(prefix+"field", "") {
			after.shape = h.from
		}
		delete(t.hoisted, p.name)
		t.shapes[p.name] = after
	case "ValueToKey":
		key := keyPart
		if t.partNow(valuePart).hasSchema() {
			key.shape = shapeStruct
		}
		delete(t.hoisted, "key")
		t.shapes["key"] = key
	}
}
