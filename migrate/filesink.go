package migrate

import (
	"github.com/benthos-wasm/benthos-wasm/codec"
	"gopkg.in/yaml.v3"
)

// Kafka's FileStreamSinkTask prints each record's value with Java's
// println, so a line is the value's toString: a String as it is, a
// tombstone as "null", a Map as {a=1, b=x}, a byte[] as [B@ and a hash
// code. fileSinkLines makes the lines match where the value is text or
// a scalar, and reports the rest.

// fileSinkLines is the processor of the file sink's output that turns a
// record into the line Kafka Connect would print, nil when the records are
// written as they are.
func (t *translator) fileSinkLines() *yaml.Node {
	c := t.conv["value"]
	mapping := "root = if " + tombstoneCondition + ` { "null" } else { content() }`
	comment := "println of the value, as FileStreamSinkConnector writes it: a tombstone is the line null."
	switch {
	case c == nil || c.class == "":
		// The worker's converter: a String (StringConverter) or a scalar
		// prints as its text; only the tombstone is known to differ.
	case c.name == codec.JSONName:
		mapping = "root = if " + tombstoneCondition + ` { "null" } else if this.type() == "string" { this } else { content() }`
		comment = "println of the value, as FileStreamSinkConnector writes it: a tombstone is the line null, a JSON string\nits text without quotes."
		t.omit("value.converter", "FileStreamSinkConnector prints a JsonConverter value with Java's toString: an object as {a=1, b=x} (HashMap order) and an array as [1, 2]; here objects and arrays are written as their JSON text (strings, numbers, booleans and null print as in Kafka Connect)")
	case c.class == byteArrayConverter:
		t.omit("value.converter", "FileStreamSinkConnector prints a ByteArrayConverter value with Java's toString of a byte[] ([B@ and a hash code), not its bytes; here the bytes are written")
		return nil
	case c.schemaAware():
		return nil // converters() reports it
	}
	n := component("mapping", bloblang(mapping), "")
	n.HeadComment = commentText(comment)
	return n
}
