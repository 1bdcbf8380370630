package migrate

import (
	"fmt"
	"strconv"
	"strings"
)

// setSchemaMetadata translates SetSchemaMetadata$Key/$Value. It changes only
// a Connect schema's name and version, which never show in the JSON here.
// Kafka Connect fails a record without a schema unless its part is null:
// that is a sink's part read by JsonConverter without schemas (or the
// worker's converter, taken to be that). Elsewhere the part has a schema
// (a source connector's record, StringConverter, ByteArrayConverter) and
// the SMT changes nothing a pipeline can see.
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
	schemaless := t.sink && (conv == nil || conv.class == "" || conv.class == jsonConverter)
	if !schemaless {
		return "root = content()", fmt.Sprintf("Sets the %s schema's name or version: nothing the JSON here shows, so the record passes unchanged.", p.name), nil
	}
	mapping := fmt.Sprintf("root = if %s { throw(%s) } else { content() }", p.notNull(),
		bloblangString("SetSchemaMetadata"+p.variant+": a schema is required, and the "+p.name+" is schemaless JSON here"))
	return mapping, fmt.Sprintf("Sets the %s schema's name or version, but the %s is schemaless JSON: as in Kafka Connect, a record whose %s is not null fails.", p.name, p.name, p.name), nil
}
