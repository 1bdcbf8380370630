package migrate

import (
	"fmt"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// A source connector's converters serialize each record after the
// transforms chain. Of the sources translated, FileStreamSourceConnector
// gives Java Strings (with a string schema), which HoistField and the SMTs
// after it may make a Struct: what Kafka then gets depends on the
// converter and on that Java type, and is written here, or reported.

// serializeSource is the step that gives a FileStreamSource record the
// bytes its converters would, nil when the pipeline already holds them.
func (t *translator) serializeSource() *step {
	if t.sink || t.class != fileSourceClass {
		return nil
	}
	var lines, notes []string
	for _, name := range []string{"key", "value"} {
		p := t.partNow(part{name: name})
		if name == "key" {
			if _, changed := t.shapes["key"]; !changed {
				continue // always null: nothing to write
			}
		}
		line, note := t.serializePart(p)
		if line != "" {
			lines = append(lines, line)
			notes = append(notes, note)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return &step{
		comment: "The converters, after the chain: " + strings.Join(notes, " "),
		proc:    component("mapping", bloblang(strings.Join(lines, "\n")), ""),
	}
}

// serializePart is the mapping line that writes one part as its converter
// does, and what it says; or reports what cannot be written.
func (t *translator) serializePart(p part) (line, note string) {
	c := t.conv[p.name]
	if c == nil || c.class == "" || c.schemaAware() {
		return "", "" // the worker's (outputNote) or schema-aware (sourceConverters) say so
	}
	javaType := map[shape]string{shapeText: "String", shapeBytes: "byte[]", shapeStruct: "Struct", shapeJSON: "Map"}[p.shape]
	switch {
	case c.name == codec.JSONName && p.shape == shapeText && p.name == "value":
		return "root = content().string().format_json(no_indent: true, escape_html: false)",
			"JsonConverter (schemas.enable=false) writes the String value as a JSON string, quoted and escaped."
	case c.name == codec.JSONName:
		// A Map or Struct is written as its JSON object: the pipeline holds
		// it so (its fields in name order, where Kafka keeps the schema's).
		return "", ""
	case c.class == stringConverter && p.shape == shapeText:
		return "", ""
	case c.class == stringConverter:
		t.omit(c.prop, "StringConverter writes the %s, a %s after the transforms, as Java's toString() (%s); here it is written as JSON", p.name, javaType, map[bool]string{true: "Struct{field=value,...}", false: "{field=value, ...}"}[p.shape == shapeStruct])
		return "", ""
	case c.class == byteArrayConverter:
		schemaType := map[shape]string{shapeText: "STRING", shapeStruct: "STRUCT"}[p.shape]
		if schemaType == "" {
			return "", ""
		}
		msg := "ByteArrayConverter: Invalid schema type for ByteArrayConverter: " + schemaType
		t.omit(c.prop, "ByteArrayConverter takes bytes only: Kafka Connect fails every record, whose %s is a %s (%s); the pipeline fails them the same way", p.name, javaType, msg)
		return "root = throw(" + bloblangString(msg) + ")",
			fmt.Sprintf("ByteArrayConverter fails on the %s's %s.", p.name, javaType)
	}
	return "", ""
}
