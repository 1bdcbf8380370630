package migrate

import (
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// A sink connector's converter reads each record's key and value before any
// transform runs, and a record it cannot read is a converter-stage failure:
// Kafka Connect handles it under errors.tolerance like a transform's (the
// dead-letter queue gets the record as consumed). The pipeline carries the
// bytes, so nothing would notice a value that is not JSON under
// JsonConverter until an output wrote it on. converterChecks puts that
// check first in the chain, where a failure takes the same way as a
// transform's.

// converterChecks returns one step per part of a sink's record whose
// converter can fail to read it; none for a source (its converters write,
// after the chain) or for converters that read any bytes (ByteArrayConverter,
// StringConverter) or that the connector leaves to the worker.
func (t *translator) converterChecks() []step {
	if !t.sink {
		return nil
	}
	var steps []step
	for _, p := range []string{"key", "value"} {
		c := t.conv[p]
		if c == nil || c.class == "" {
			continue
		}
		check, what := converterCheck(c)
		if check == "" {
			continue
		}
		steps = append(steps, step{
			comment: fmt.Sprintf("%s: %s\nThe converter stage: %s A record it fails on is handled as errors.tolerance says, as in Kafka Connect.", c.prop, c.class, what),
			proc:    component("mapping", bloblang(check), ""),
		})
	}
	return steps
}

// converterCheck is the Bloblang of one part's check, and what it checks;
// "" when the converter reads any bytes. The mapping leaves the message as
// it is: it only fails it.
func converterCheck(c *partConverter) (mapping, what string) {
	src, present := "content()", valuePart.notNull()
	if c.part == "key" {
		src, present = "@kafka_key", keyPart.notNull()
	}
	// fail throws the converter's error: reason, then the text of detail
	// (a Bloblang expression) when there is one.
	fail := func(reason, detail string) string {
		msg := bloblangString(fmt.Sprintf("%s (%s) cannot read the %s: %s", c.prop, simpleName(c.class), c.part, reason))
		if detail != "" {
			msg += " + " + detail
		}
		return "throw(" + msg + ")"
	}
	parse := fmt.Sprintf("%s.parse_json().catch(err -> %s)", src, fail("it is not JSON: ", "err"))
	var body, note string
	switch c.name {
	case codec.JSONName:
		body = "let parsed = " + parse
		note = fmt.Sprintf("the %s must be JSON (a null %s passes).", c.part, c.part)
	case codec.JSONEnvelopeName:
		body = "let parsed = " + parse + "\n" +
			fmt.Sprintf(`let checked = if $parsed.type() != "object" || $parsed.keys().sort() != ["payload", "schema"] { %s }`,
				fail("with schemas.enable=true it must be a JSON object with exactly the fields schema and payload", ""))
		note = fmt.Sprintf(`the %s must be a JSON {"schema": ..., "payload": ...} envelope (a null %s passes).`, c.part, c.part)
	case codec.AvroName, codec.ProtobufName, codec.JSONSchemaName:
		// The wire format's frame: a zero byte and a 4-byte schema id. The
		// schema itself is fetched only where a wasm_smt decodes the part.
		body = fmt.Sprintf(`let checked = if %s.length() < 5 || %s.encode("hex").slice(0, 2) != "00" { %s }`,
			src, src, fail("it is not in the Confluent wire format (a zero byte, then a 4-byte schema id)", ""))
		note = fmt.Sprintf("the %s must be in the Confluent wire format (a null %s passes); its schema id is checked where a wasm_smt decodes it.", c.part, c.part)
	default:
		return "", ""
	}
	return "if " + present + " {\n" + indent([]string{body}) + "}", note
}
