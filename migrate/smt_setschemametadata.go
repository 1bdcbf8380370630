package migrate

import (
	"fmt"
	"strconv"
	"strings"
)

// setSchemaMetadata translates SetSchemaMetadata$Key/$Value. It changes only
// a Connect schema's name and version, which never show in the JSON here.
// Kafka Connect fails a record without a schema unless its part is null:
// that is a sink's part read by JsonConverter without schemas. Elsewhere
// the part has a schema (a source connector's record, StringConverter,
// ByteArrayConverter) and the SMT changes nothing a pipeline can see. When
// the worker's converter applies, which one it is is unknown here: the
// record passes, and that is reported.
func setSchemaMetadata(t *translator, prefix string, p part) (string, string, error) {
	_, hasName := t.c.get(prefix + "schema.name")
	version, hasVersion := t.c.get(prefix + "schema.version")
	t.c.get(prefix + "replace.null.with.default")
	if !hasName && !hasVersion {
		return "", "", fmt.Errorf("neither schema.name nor schema.version is configured (one is required)")
	}
	if hasVersion {
		if _, err := strconv.ParseInt(strings.TrimSpace(version), 10, 32); err != nil {
			return "", "", fmt.Errorf("schema.version must be an integer, not %q", version)
		}
	}
	conv := t.conv[p.name]
	if t.sink && (conv == nil || conv.class == "") {
		t.omit(prefix+"type", "the %s's converter is the worker's: with a schema the record passes unchanged, as here; without one (JsonConverter with schemas.enable=false) Kafka Connect fails every record whose %s is not null", p.name, p.name)
	}
	if !t.sink || conv == nil || conv.class != jsonConverter {
		return "root = content()", fmt.Sprintf("Sets the %s schema's name or version: nothing the JSON here shows, so the record passes unchanged.", p.name), nil
	}
	mapping := fmt.Sprintf("root = if %s { throw(%s) } else { content() }", p.notNull(),
		bloblangString("SetSchemaMetadata"+p.variant+": a schema is required, and the "+p.name+" is schemaless JSON here"))
	return mapping, fmt.Sprintf("Sets the %s schema's name or version, but the %s is schemaless JSON: as in Kafka Connect, a record whose %s is not null fails.", p.name, p.name, p.name), nil
}
