package migrate

import (
	"fmt"
	"strings"
)

// debeziumExtractNewRecordState is Debezium's SMT that unwraps a change
// event envelope (before, after, source, op, ts_ms...) into the row's state.
const debeziumExtractNewRecordState = "io.debezium.transforms.ExtractNewRecordState"

// debeziumSMTs are the SMTs outside Kafka's transforms package translated
// here, by full class name; they work on the value.
var debeziumSMTs = map[string]builtinSMT{
	debeziumExtractNewRecordState: extractNewRecordState,
}

// deleteModes are delete.tombstone.handling.mode's values, each as what a
// delete event becomes and whether a tombstone is kept.
var deleteModes = map[string]struct {
	delete        string // "drop", "tombstone" or "rewrite"
	keepTombstone bool
}{
	"drop":                   {"drop", false},
	"tombstone":              {"tombstone", false},
	"rewrite":                {"rewrite", false},
	"rewrite-with-tombstone": {"rewrite", true},
	"delete-to-tombstone":    {"tombstone", false},
}

// extractNewRecordState translates Debezium's ExtractNewRecordState on the
// JSON of a change event (JsonConverter without schemas): a create, read or
// update becomes its after state, a truncate is dropped, a delete and a
// tombstone are handled as delete.tombstone.handling.mode (or the legacy
// drop.tombstones and delete.handling.mode) says; add.fields and
// add.headers copy envelope fields into the value and the headers. A value
// that is not an envelope (a heartbeat, a schema change) passes unchanged.
func extractNewRecordState(t *translator, prefix string, _ part) (string, string, error) {
	t.reads["value"] = true
	if c := t.conv["value"]; t.sink && c.schemaAware() {
		return "", "", errUntranslatable{fmt.Errorf("ExtractNewRecordState works on the value as JSON, but the value is %s here (%s %s), which a mapping cannot read", c.wire(), c.prop, simpleName(c.class))}
	}
	if why := t.notJSONPart(valuePart); why != "" {
		// Not a Struct with an envelope schema: Debezium passes it unchanged.
		for _, k := range t.c.withPrefix(prefix) {
			t.c.get(k)
		}
		return "root = content()", "Passes the record unchanged, as Debezium does with a value that is not a change event envelope: " + why + ".", nil
	}
	deleteMode, keepTombstone, err := t.debeziumDeleteMode(prefix)
	if err != nil {
		return "", "", err
	}
	fields, err := debeziumFieldRefs(t.c.str(prefix+"add.fields.prefix", "__"), t.c.str(prefix+"add.fields", ""))
	if err != nil {
		return "", "", fmt.Errorf("add.fields: %w", err)
	}
	headers, err := debeziumFieldRefs(t.c.str(prefix+"add.headers.prefix", "__"), t.c.str(prefix+"add.headers", ""))
	if err != nil {
		return "", "", fmt.Errorf("add.headers: %w", err)
	}
	routeBy := strings.TrimSpace(t.c.str(prefix+"route.by.field", ""))
	t.c.get(prefix + "replace.null.with.default") // about schema defaults only
	for _, p := range []string{"drop.fields.header.name", "drop.fields.from.key", "drop.fields.keep.schema.compatible"} {
		if v, ok := t.c.get(prefix + p); ok && p == "drop.fields.header.name" && strings.TrimSpace(v) != "" {
			t.omit(prefix+p, "dropping the fields a header lists is not translated: the fields are kept")
		}
	}
	if t.sink {
		if c := t.conv["value"]; c == nil || c.class == "" || c.class == jsonConverter {
			t.omit(prefix+"type", "Debezium's ExtractNewRecordState passes a record without a schema unchanged, as a JsonConverter value without schemas is; here the JSON envelope is unwrapped as Debezium documents it for a record with its schema")
		}
	}

	var b strings.Builder
	b.WriteString("if " + tombstoneCondition + " {\n")
	for _, h := range headers {
		if h.field == "op" && h.parent == "" {
			// Debezium marks a tombstone it keeps as a delete.
			fmt.Fprintf(&b, "  meta %s = \"d\"\n", bloblangString(h.name))
		}
	}
	if !keepTombstone {
		b.WriteString("  root = deleted()\n")
	}
	b.WriteString("} else {\n")
	b.WriteString("  let env = this\n")
	b.WriteString("  if $env.type() == \"object\" && $env.op != null && ($env.exists(\"after\") || $env.exists(\"before\")) {\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "    meta %s = if %s { %s } else { deleted() }\n", bloblangString(h.name), h.present(), h.value())
	}
	b.WriteString("    if $env.after == null && $env.before == null {\n      root = deleted()\n") // a truncate
	b.WriteString("    } else if $env.after == null {\n")
	switch deleteMode {
	case "drop":
		b.WriteString("      root = deleted()\n")
	case "tombstone":
		b.WriteString("      root = \"\"\n      meta kafka_tombstone_message = true\n")
		if routeBy != "" {
			b.WriteString("      " + routeTopic("$env.before", routeBy) + "\n")
		}
	case "rewrite":
		b.WriteString("      let row = if $env.before.type() == \"object\" { $env.before.assign({\"__deleted\": \"true\"}) } else { $env.before }\n")
		if routeBy != "" {
			b.WriteString("      " + routeTopic("$env.before", routeBy) + "\n")
		}
		b.WriteString(indentBy(addFieldLines(fields), "      "))
		b.WriteString("      root = $row\n")
	}
	b.WriteString("    } else {\n")
	if deleteMode == "rewrite" {
		b.WriteString("      let row = if $env.after.type() == \"object\" { $env.after.assign({\"__deleted\": \"false\"}) } else { $env.after }\n")
	} else {
		b.WriteString("      let row = $env.after\n")
	}
	if routeBy != "" {
		b.WriteString("      " + routeTopic("$row", routeBy) + "\n")
	}
	b.WriteString(indentBy(addFieldLines(fields), "      "))
	b.WriteString("      root = $row\n    }\n  } else {\n    root = $env\n  }\n}")

	notes := map[string]string{
		"drop":      "a delete event is dropped",
		"tombstone": "a delete event becomes a tombstone",
		"rewrite":   `a delete event becomes its before state with "__deleted": "true" (others get "false")`,
	}
	comment := "Unwraps a Debezium change event into its after state; a truncate is dropped; " + notes[deleteMode]
	if keepTombstone {
		comment += "; tombstones are kept"
	} else {
		comment += "; tombstones are dropped"
	}
	if len(fields) > 0 {
		comment += "; adds fields " + refNames(fields)
	}
	if len(headers) > 0 {
		comment += "; adds headers " + refNames(headers)
	}
	if routeBy != "" {
		comment += "; the topic becomes the row's field " + routeBy
	}
	return b.String(), comment + ". A value that is not an envelope passes unchanged.", nil
}

// debeziumDeleteMode reads how deletes and tombstones are handled:
// delete.tombstone.handling.mode when set, else the legacy drop.tombstones
// and delete.handling.mode of Debezium before 3.2.
func (t *translator) debeziumDeleteMode(prefix string) (deleteMode string, keepTombstone bool, err error) {
	legacyTombstones, hasLegacyTombstones := t.c.get(prefix + "drop.tombstones")
	legacyDeletes, hasLegacyDeletes := t.c.get(prefix + "delete.handling.mode")
	if v, ok := t.c.get(prefix + "delete.tombstone.handling.mode"); ok && strings.TrimSpace(v) != "" {
		m, known := deleteModes[strings.ToLower(strings.TrimSpace(v))]
		if !known {
			return "", false, fmt.Errorf("delete.tombstone.handling.mode must be drop, tombstone, rewrite, rewrite-with-tombstone or delete-to-tombstone, not %q", v)
		}
		return m.delete, m.keepTombstone, nil
	}
	if !hasLegacyTombstones && !hasLegacyDeletes {
		t.omit(prefix+"delete.tombstone.handling.mode", "not set: Debezium 3.2 and later default to tombstone (a delete event becomes a tombstone, tombstones are dropped), which this follows; earlier versions dropped delete events too (the legacy delete.handling.mode=drop)")
		return "tombstone", false, nil
	}
	keepTombstone = false
	if hasLegacyTombstones {
		switch strings.ToLower(strings.TrimSpace(legacyTombstones)) {
		case "true":
		case "false":
			keepTombstone = true
		default:
			return "", false, fmt.Errorf("drop.tombstones must be true or false, not %q", legacyTombstones)
		}
	}
	switch strings.ToLower(strings.TrimSpace(legacyDeletes)) {
	case "", "drop":
		deleteMode = "drop"
	case "none":
		deleteMode = "tombstone"
	case "rewrite":
		deleteMode = "rewrite"
	default:
		return "", false, fmt.Errorf("delete.handling.mode must be drop, none or rewrite, not %q", legacyDeletes)
	}
	return deleteMode, keepTombstone, nil
}

// debeziumRef is one entry of add.fields or add.headers: an envelope field
// (in parent, a struct such as source or transaction, or at the top) and
// the name it is added under.
type debeziumRef struct {
	parent, field, name string
}

// debeziumFieldRefs parses add.fields/add.headers: "field", "struct.field"
// or either with ":newName"; a bare field is in source unless it is op or
// ts_ms (ts_us, ts_ns) at the top or a transaction field.
func debeziumFieldRefs(namePrefix, list string) ([]debeziumRef, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var refs []debeziumRef
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		parts := strings.Split(entry, ":")
		if len(parts) > 2 {
			return nil, fmt.Errorf("%q is not field or field:newName", entry)
		}
		path := strings.Split(parts[0], ".")
		var r debeziumRef
		if len(path) == 1 {
			r.field = path[0]
			switch r.field {
			case "op", "ts_ms", "ts_us", "ts_ns":
			case "id", "total_order", "data_collection_order":
				r.parent = "transaction"
			default:
				r.parent = "source"
			}
			r.name = namePrefix + r.field
		} else {
			r.parent, r.field = path[0], path[1]
			r.name = namePrefix + r.parent + "_" + r.field
		}
		if len(parts) == 2 {
			r.name = namePrefix + parts[1]
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// present is true when the envelope ($env) has the field: in its struct,
// or at the top (where another SMT may have put it), as Debezium looks.
func (r debeziumRef) present() string {
	top := fmt.Sprintf("$env.exists(%s)", bloblangString(r.field))
	if r.parent == "" {
		return top
	}
	return fmt.Sprintf("($env.exists(%s) || %s)", bloblangString(r.parent), top)
}

// value reads the field from the envelope ($env); a null struct gives null.
func (r debeziumRef) value() string {
	if r.parent == "" {
		return "$env." + bloblangString(r.field)
	}
	parent := "$env." + bloblangString(r.parent)
	return fmt.Sprintf(`if %s.type() == "object" && %s.exists(%s) { %s.%s } else if %s == null && $env.exists(%s) { null } else { $env.%s }`,
		parent, parent, bloblangString(r.field), parent, bloblangString(r.field), parent, bloblangString(r.parent), bloblangString(r.field))
}

// addFieldLines adds the add.fields to the row ($row), which must then be
// an object, as Debezium requires a Struct.
func addFieldLines(fields []debeziumRef) string {
	if len(fields) == 0 {
		return ""
	}
	lines := []string{`let row = if $row.type() == "object" { $row } else { throw("ExtractNewRecordState: add.fields needs the row to be a JSON object, found " + $row.type()) }`}
	for _, f := range fields {
		lines = append(lines, fmt.Sprintf("let row = if %s { $row.assign({%s: %s}) } else { $row }", f.present(), bloblangString(f.name), f.value()))
	}
	return strings.Join(lines, "\n") + "\n"
}

// routeTopic sets the topic to the row's field, unless it is blank.
func routeTopic(row, field string) string {
	f := row + "." + bloblangString(field)
	return fmt.Sprintf(`meta kafka_topic = if %s == null || %s.string().trim() == "" { @kafka_topic } else { %s.string() }`, f, f, f)
}

func indentBy(text, by string) string {
	if text == "" {
		return ""
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	return by + strings.Join(lines, "\n"+by) + "\n"
}

func refNames(refs []debeziumRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.name
	}
	return strings.Join(names, ", ")
}
