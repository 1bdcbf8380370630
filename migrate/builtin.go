package migrate

import (
	"fmt"
	"strconv"
	"strings"
)

// transformsPackage is the package of Kafka's built-in SMTs; Kafka Connect
// also accepts their names without it (plugin aliases).
const transformsPackage = "org.apache.kafka.connect.transforms."

func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		for _, sub := range strings.Split(l, "\n") {
			b.WriteString("  " + sub + "\n")
		}
	}
	return b.String()
}

// stringList is a Bloblang array literal of strings.
func stringList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = bloblangString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// builtinSMT is a translator of one built-in SMT: from the transform's
// property prefix ("transforms.X.") to a Bloblang mapping and a comment.
type builtinSMT func(t *translator, prefix string, p part) (mapping, comment string, err error)

// builtinFor finds the translator of a built-in SMT class, full or short
// name, with its part; ok is false for a class that is not built in here.
func builtinFor(class string) (smt builtinSMT, p part, ok bool) {
	if smt, ok := debeziumSMTs[class]; ok {
		return smt, valuePart, true
	}
	name := strings.TrimPrefix(class, transformsPackage)
	base, variant, hasVariant := strings.Cut(name, "$")
	if hasVariant {
		switch variant {
		case "Key":
			p = keyPart
		case "Value":
			p = valuePart
		default:
			return nil, part{}, false
		}
	}
	perPart := map[string]builtinSMT{
		"InsertField":  insertField,
		"ReplaceField": replaceField,
		"MaskField":    maskField,
		"ExtractField": extractField,
		"HoistField":   hoistField,
		"HeaderFrom":   headerFrom,

		"Cast":               cast,
		"TimestampConverter": timestampConverter,
		"Flatten":            flatten,
		"SetSchemaMetadata":  setSchemaMetadata,
	}
	whole := map[string]builtinSMT{
		"ValueToKey":      valueToKey,
		"RegexRouter":     regexRouter,
		"TimestampRouter": timestampRouter,
		"Filter":          filter,
		"InsertHeader":    insertHeader,
		"DropHeaders":     dropHeaders,
	}
	if hasVariant {
		smt, ok = perPart[base]
		return smt, p, ok
	}
	smt, ok = whole[base]
	return smt, part{}, ok
}

// required reads a property Kafka Connect requires.
func (t *translator) required(key string) (string, error) {
	v := t.c.str(key, "")
	if v == "" {
		return "", fmt.Errorf("%s is required", key)
	}
	return v, nil
}

// fieldName drops the '!' (required) and '?' (optional) suffixes InsertField
// allows: without a schema they change nothing.
func fieldName(v string) string {
	return strings.TrimSuffix(strings.TrimSuffix(v, "!"), "?")
}

// fieldSyntax reports field.syntax.version on an SMT whose Kafka Connect
// class does not read it: of KIP-821's nested paths only ExtractField's are
// released (since Kafka 3.8), so the others, as in Kafka Connect, read
// their field names as top-level names, dots included.
func (t *translator) fieldSyntax(prefix, smt string) {
	if v, ok := t.c.get(prefix + "field.syntax.version"); ok {
		t.omit(prefix+"field.syntax.version", "%s does not read it in Kafka Connect (only ExtractField does): %q is ignored and field names are top-level names, dots included, as in Kafka Connect", smt, v)
	}
}

// fieldPath reads field.syntax.version (V1 or V2, any case, as Kafka's
// config check accepts) and gives the steps of the path in field: V1 is one
// top-level name; V2 a nested path (fieldPathV2).
func (t *translator) fieldPath(prefix, field string) ([]string, error) {
	v := t.c.str(prefix+"field.syntax.version", "V1")
	switch strings.ToUpper(v) {
	case "V1":
		return []string{field}, nil
	case "V2":
		steps, err := fieldPathV2(field)
		if err != nil {
			return nil, fmt.Errorf("field: %w", err)
		}
		return steps, nil
	}
	return nil, fmt.Errorf("field.syntax.version must be V1 or V2, not %q", v)
}

func insertField(t *translator, prefix string, p part) (string, string, error) {
	var inserts, notes []string
	nullable := false
	add := func(prop, expr, what string) {
		if f := fieldName(t.c.str(prefix+prop, "")); f != "" {
			inserts = append(inserts, bloblangString(f)+": "+expr)
			notes = append(notes, fmt.Sprintf("%s gets %s", f, what))
		}
	}
	add("topic.field", "@kafka_topic", "the topic")
	if t.c.has(prefix + "partition.field") {
		nullable = true
	}
	add("partition.field", "@kafka_partition", "the partition")
	if t.sink {
		add("offset.field", "@kafka_offset", "the offset")
	} else if f := t.c.str(prefix+"offset.field", ""); f != "" {
		t.omit(prefix+"offset.field", "a source record has no offset (Kafka Connect fails every record); left out")
	}
	if t.c.has(prefix + "timestamp.field") {
		nullable = true
	}
	add("timestamp.field", "@kafka_timestamp_ms", "the timestamp in ms")
	staticField := fieldName(t.c.str(prefix+"static.field", ""))
	staticValue, hasStatic := t.c.get(prefix + "static.value")
	if staticField != "" && hasStatic {
		inserts = append(inserts, bloblangString(staticField)+": "+bloblangString(staticValue))
		notes = append(notes, fmt.Sprintf("%s gets %q", staticField, staticValue))
	}
	t.c.get(prefix + "replace.null.with.default") // about schemas only
	if len(inserts) == 0 {
		return "", "", fmt.Errorf("no field to insert: set topic.field, partition.field, offset.field, timestamp.field or static.field and static.value")
	}
	fields := "{" + strings.Join(inserts, ", ") + "}"
	if nullable {
		// Kafka Connect inserts the partition and timestamp only when the
		// record has them.
		fields += ".filter(kv -> kv.value != null)"
	}
	mapping := onPart(p, true,
		p.requireObject("InsertField"+p.variant),
		fmt.Sprintf("let %s = %s.assign(%s)", p.name, p.ref(), fields),
		p.write())
	return mapping, "Inserts fields into the " + p.name + ": " + strings.Join(notes, ", ") + ".", nil
}

func replaceField(t *translator, prefix string, p part) (string, string, error) {
	exclude := t.listWithDeprecated(prefix, "exclude", "blacklist")
	include := t.listWithDeprecated(prefix, "include", "whitelist")
	renames := t.c.list(prefix + "renames")
	t.c.get(prefix + "replace.null.with.default")
	t.fieldSyntax(prefix, "ReplaceField")
	body := []string{p.requireObject("ReplaceField" + p.variant)}
	var notes []string
	if len(exclude) > 0 {
		body = append(body, fmt.Sprintf("let %s = %s.filter(kv -> !%s.contains(kv.key))", p.name, p.ref(), stringList(exclude)))
		notes = append(notes, "drops "+strings.Join(exclude, ", "))
	}
	if len(include) > 0 {
		body = append(body, fmt.Sprintf("let %s = %s.filter(kv -> %s.contains(kv.key))", p.name, p.ref(), stringList(include)))
		notes = append(notes, "keeps only "+strings.Join(include, ", "))
	}
	if len(renames) > 0 {
		var cases []string
		for _, r := range renames {
			from, to, ok := strings.Cut(r, ":")
			if !ok || strings.Contains(to, ":") {
				return "", "", fmt.Errorf("renames: %q is not old:new", r)
			}
			cases = append(cases, bloblangString(from)+" => "+bloblangString(to))
			notes = append(notes, "renames "+from+" to "+to)
		}
		body = append(body, fmt.Sprintf("let %s = %s.map_each_key(k -> match k { %s, _ => k })", p.name, p.ref(), strings.Join(cases, ", ")))
	}
	if len(notes) == 0 {
		notes = append(notes, "changes nothing (no exclude, include or renames)")
	}
	body = append(body, p.write())
	return onPart(p, true, body...), "In the " + p.name + ": " + strings.Join(notes, "; ") + ".", nil
}

// listWithDeprecated reads a list property or, when it is not set, its
// deprecated name (ReplaceField's blacklist and whitelist).
func (t *translator) listWithDeprecated(prefix, name, old string) []string {
	if t.c.has(prefix + name) {
		t.c.get(prefix + old)
		return t.c.list(prefix + name)
	}
	return t.c.list(prefix + old)
}

func maskField(t *translator, prefix string, p part) (string, string, error) {
	fields := t.c.list(prefix + "fields")
	if len(fields) == 0 {
		return "", "", fmt.Errorf("fields is required")
	}
	t.fieldSyntax(prefix, "MaskField")
	t.c.get(prefix + "replace.null.with.default")
	replacement, hasReplacement := t.c.get(prefix + "replacement")
	if hasReplacement && replacement == "" {
		// MaskField's NonEmptyString validator.
		return "", "", errConfig{t.c.invalidf(prefix+"replacement", "must be a non-empty string: Kafka Connect refuses an empty replacement (leave it out to mask with the empty value of each type)")}
	}
	smt := "MaskField" + p.variant
	if _, _, _, err := javaBigDecimal(replacement); hasReplacement && err != nil {
		return "", "", errUntranslatable{propertyError{prefix + "replacement", fmt.Errorf("%q as a number: %w", replacement, err)}}
	}
	mask, note := maskByType(smt, "kv.value", replacement, hasReplacement)
	body := []string{p.requireObject(smt)}
	if !p.hasSchema() {
		// Schemaless, Kafka Connect puts every masked field, so one the
		// value lacks is added as null.
		nulls := make([]string, len(fields))
		for i, f := range fields {
			nulls[i] = bloblangString(f) + ": null"
		}
		body = append(body, fmt.Sprintf("let %s = {%s}.assign(%s)", p.name, strings.Join(nulls, ", "), p.ref()))
	}
	body = append(body,
		fmt.Sprintf("let %s = %s.map_each(kv -> if %s.contains(kv.key) { %s } else { kv.value })", p.name, p.ref(), stringList(fields), mask),
		p.write())
	// Kafka Connect requires the part to be a Map (or Struct): a tombstone
	// or a null key fails.
	return onPart(p, false, body...), fmt.Sprintf("Masks %s in the %s %s; a null %s fails, as in Kafka Connect.", strings.Join(fields, ", "), p.name, note, p.name), nil
}

// maskByType is MaskField's masking of the value v, by the Java class
// JsonConverter (without schemas) decodes it into. Without a replacement
// a value becomes its type's empty value; with one, a String becomes it, a
// Long or Double it converted as Values.convertToLong/convertToDouble do
// (through BigDecimal: "12.5" makes 12 and 12.5), and anything else fails.
func maskByType(smt, v, replacement string, hasReplacement bool) (mask, note string) {
	isLong := v + `.string().re_match("^-?[0-9]+$")`
	if !hasReplacement {
		return fmt.Sprintf(`match %s.type() { "null" => null, "string" => "", "number" => 0, "bool" => false, "array" => [], "object" => {}, _ => throw(%s + %s.type()) }`,
				v, bloblangString(smt+": Cannot mask value of type: "), v),
			`with the empty value of its type ("", 0, false, [], {}; null stays null)`
	}
	number := "throw(" + bloblangString(smt+": Unable to convert "+replacement+" (class java.lang.String) to a number") + ")"
	if l, d, ok, _ := javaBigDecimal(replacement); ok {
		number = fmt.Sprintf("if %s { %d } else { %s }", isLong, l, strconv.FormatFloat(d, 'f', -1, 64))
	}
	cannot := bloblangString(smt + ": Cannot mask value of type class ")
	mask = fmt.Sprintf(`match %s.type() { "null" => null, "string" => %s, "number" => %s, _ => throw(%s + %s + " with custom replacement.") }`,
		v, bloblangString(replacement), number, cannot, javaClassOfJSON(v))
	return mask, fmt.Sprintf("with %q (an integer field gets it as Kafka's Long, other numbers as a Double; null stays null; other types fail)", replacement)
}

func extractField(t *translator, prefix string, p part) (string, string, error) {
	field, err := t.required(prefix + "field")
	if err != nil {
		return "", "", err
	}
	steps, err := t.fieldPath(prefix, field)
	if err != nil {
		return "", "", err
	}
	t.c.get(prefix + "replace.null.with.default")
	mapping, comment := extractFieldMapping(p, field, steps, !p.hasSchema() || t.keepsJSON(p, field))
	return mapping, comment, nil
}

// extractFieldMapping is ExtractField's mapping of field, whose path is
// steps (one step but with field.syntax.version=V2). With quote, a string field
// is written as JSON ("..."), so that the transforms after it see a string
// however much its text looks like JSON (chain.go decides).
func extractFieldMapping(p part, field string, steps []string, quote bool) (mapping, comment string) {
	body := []string{p.requireObject("ExtractField" + p.variant)}
	if p.hasSchema() {
		// With a schema, Kafka Connect fails on a field the Struct lacks.
		body = append(body, fmt.Sprintf("let %s = if %s.keys().contains(%s) { %s } else { throw(%s) }",
			p.name, p.ref(), bloblangString(field), p.ref(), bloblangString("ExtractField"+p.variant+": Unknown field: "+field)))
	}
	body = append(body, fmt.Sprintf("let %s = %s", p.name, nestedField(p.ref(), steps, "ExtractField"+p.variant)))
	comment = fmt.Sprintf("The %s becomes its field %s.", p.name, field)
	switch {
	case p.name == "value" && quote:
		body = append(body,
			`root = if $value == null { "" } else if $value.type() == "string" { $value.format_json(no_indent: true, escape_html: false) } else { $value }`,
			`meta kafka_tombstone_message = if $value == null { true } else { deleted() }`)
		comment += " A null one makes a tombstone; a string is kept as JSON for the transforms after this one, which see a string."
	case p.name == "value":
		// A null field makes the record a tombstone.
		body = append(body,
			`root = if $value == null { "" } else { $value }`,
			`meta kafka_tombstone_message = if $value == null { true } else { deleted() }`)
		comment += " A string field becomes the payload as is; a null one makes a tombstone."
	case quote:
		body = append(body, `meta kafka_key = if $key == null { deleted() } else { $key.format_json(no_indent: true, escape_html: false).string() }`)
		comment += " kafka_key gets its JSON (a string is kept as JSON for the transforms after this one, which see a string); null removes the key."
	default:
		body = append(body, p.write())
		comment += " A string becomes kafka_key as is, other values their JSON; null removes the key."
	}
	if p.shape == shapeText || p.shape == shapeBytes {
		// With a String or bytes schema, Kafka Connect looks the field up
		// in the schema before it looks at the value: a null part fails
		// too.
		body = append([]string{fmt.Sprintf("let %s = if %s == null { throw(%s) } else { %s }", p.name, p.ref(),
			bloblangString("ExtractField"+p.variant+": Cannot look up fields on non-struct type"), p.ref())}, body...)
		return onPart(p, false, body...), comment
	}
	return onPart(p, true, body...), comment
}

func hoistField(t *translator, prefix string, p part) (string, string, error) {
	field, err := t.required(prefix + "field")
	if err != nil {
		return "", "", err
	}
	// Kafka Connect wraps any value, null included, as it sees it: a String
	// (StringConverter, FileStreamSource) stays a string however much it
	// looks like JSON.
	value := p.load()
	what := "the " + p.name
	switch {
	case p.lenient:
		// The worker's converter is not known here: JSON is read as JSON,
		// other text as a string.
		value += ".catch(" + partText(p) + ")"
	case p.shape == shapeBytes:
		value += `.encode("base64")`
		t.omit(prefix+"type", "HoistField%s wraps the %s's bytes (ByteArrayConverter) in a Struct; here the field holds them as base64 text, as JsonConverter would write them", p.variant, p.name)
	case p.shape == shapeText:
		what = "the " + p.name + " (a string, as " + textSource(t, p) + " gives it)"
	}
	comment := fmt.Sprintf("Wraps %s in an object under %s", what, field)
	if p.name == "value" {
		mapping := fmt.Sprintf("root = {%s: if %s { null } else { %s }}\nmeta kafka_tombstone_message = deleted()",
			bloblangString(field), tombstoneCondition, value)
		return mapping, fmt.Sprintf("%s (a tombstone becomes {%q: null}).", comment, field), nil
	}
	mapping := fmt.Sprintf("let key = if @kafka_key == null { null } else { %s }\nlet key = {%s: $key}\n%s",
		value, bloblangString(field), p.write())
	return mapping, comment + "; kafka_key gets its JSON.", nil
}

// partText is the part's bytes as text.
func partText(p part) string {
	if p.name == "key" {
		return "@kafka_key"
	}
	return "content().string()"
}

// textSource names what makes the part a String.
func textSource(t *translator, p part) string {
	if !t.sink {
		return simpleName(t.class)
	}
	return "StringConverter"
}

func valueToKey(t *translator, prefix string, _ part) (string, string, error) {
	fields := t.c.list(prefix + "fields")
	if len(fields) == 0 {
		return "", "", fmt.Errorf("fields is required")
	}
	t.fieldSyntax(prefix, "ValueToKey")
	t.c.get(prefix + "replace.null.with.default")
	value := t.partNow(valuePart)
	pairs := make([]string, len(fields))
	for i, f := range fields {
		pairs[i] = bloblangString(f) + ": " + value.field(f)
	}
	// Kafka Connect requires the value to be a Map (or a Struct): a
	// tombstone fails.
	body := []string{value.requireObject("ValueToKey")}
	if value.hasSchema() {
		// With a schema, Kafka Connect fails on a field the Struct lacks.
		for _, f := range fields {
			body = append(body, fmt.Sprintf("let value = if $value.keys().contains(%s) { $value } else { throw(%s) }",
				bloblangString(f), bloblangString("ValueToKey: Field does not exist: "+f)))
		}
	}
	mapping := onPart(value, false, append(body,
		"meta kafka_key = {"+strings.Join(pairs, ", ")+"}.format_json(no_indent: true, escape_html: false).string()")...)
	return mapping, fmt.Sprintf("The key becomes the JSON object of the value's fields %s (a missing field is null).", strings.Join(fields, ", ")), nil
}

func regexRouter(t *translator, prefix string, _ part) (string, string, error) {
	regex, err := t.required(prefix + "regex")
	if err != nil {
		return "", "", err
	}
	replacement, _ := t.c.get(prefix + "replacement")
	if !t.c.has(prefix + "replacement") {
		return "", "", fmt.Errorf("replacement is required")
	}
	re, err := t.javaPattern(prefix+"regex", regex)
	if err != nil {
		return "", "", err
	}
	whole := bloblangString(wholeMatch(re.re2))
	template, fails := javaReplacement(replacement, re)
	if fails != "" {
		// Kafka Connect applies the replacement only to a topic the regex
		// matches, and there Java throws: those records fail, the others
		// pass.
		t.omit(prefix+"replacement", "%q cannot be applied with regex %q: Kafka Connect fails every record whose topic matches (%s); the mapping fails those records the same way", replacement, regex, fails)
		mapping := fmt.Sprintf("meta kafka_topic = if @kafka_topic.re_match(%s) { throw(%s) } else { @kafka_topic }", whole, bloblangString("RegexRouter: "+fails))
		return mapping, fmt.Sprintf("A topic that matches %q as a whole fails the record, as in Kafka Connect (%s); other topics stay.", regex, fails), nil
	}
	mapping := fmt.Sprintf("meta kafka_topic = @kafka_topic.re_replace_all(%s, %s)", whole, bloblangString(template))
	return mapping, fmt.Sprintf("A topic that matches %q as a whole becomes %q; other topics stay.", regex, replacement), nil
}

func timestampRouter(t *translator, prefix string, _ part) (string, string, error) {
	topicFormat := t.c.str(prefix+"topic.format", "${topic}-${timestamp}")
	timestampFormat := t.c.str(prefix+"timestamp.format", "yyyyMMdd")
	strftime, unsupported := simpleDateFormat(timestampFormat)
	if len(unsupported) > 0 {
		t.omit(prefix+"timestamp.format", "SimpleDateFormat letters %s have no strftime equivalent and are left out of %q", strings.Join(unsupported, " "), timestampFormat)
	}
	timestamp := fmt.Sprintf("(@kafka_timestamp_ms.number() / 1000).ts_strftime(%s, \"UTC\")", bloblangString(strftime))
	var parts []string
	rest := topicFormat
	for rest != "" {
		ti, si := strings.Index(rest, "${topic}"), strings.Index(rest, "${timestamp}")
		switch {
		case ti < 0 && si < 0:
			parts = append(parts, bloblangString(rest))
			rest = ""
		case ti >= 0 && (si < 0 || ti < si):
			if ti > 0 {
				parts = append(parts, bloblangString(rest[:ti]))
			}
			parts = append(parts, "@kafka_topic")
			rest = rest[ti+len("${topic}"):]
		default:
			if si > 0 {
				parts = append(parts, bloblangString(rest[:si]))
			}
			parts = append(parts, timestamp)
			rest = rest[si+len("${timestamp}"):]
		}
	}
	if len(parts) == 0 {
		parts = []string{`""`}
	}
	mapping := "meta kafka_topic = " + strings.Join(parts, " + ")
	// <topic> rather than ${topic} in the comment: Benthos would read the
	// latter as an environment variable, even in a comment.
	shown := strings.NewReplacer("${topic}", "<topic>", "${timestamp}", "<timestamp>").Replace(topicFormat)
	return mapping, fmt.Sprintf("The topic becomes %q, <timestamp> being the record's timestamp in UTC as %q\n(strftime %q); a record without a timestamp fails, as in Kafka Connect.",
		shown, timestampFormat, strftime), nil
}

func filter(_ *translator, _ string, _ part) (string, string, error) {
	return "root = deleted()", "Drops the record (acknowledged, not an error).", nil
}

func insertHeader(t *translator, prefix string, _ part) (string, string, error) {
	header, err := t.required(prefix + "header")
	if err != nil {
		return "", "", err
	}
	value, ok := t.c.get(prefix + "value.literal")
	if !ok {
		return "", "", fmt.Errorf("value.literal is required")
	}
	return fmt.Sprintf("meta %s = %s", bloblangString(header), bloblangString(value)),
		fmt.Sprintf("Sets header %s to %q.", header, value), nil
}

func dropHeaders(t *translator, prefix string, _ part) (string, string, error) {
	headers := t.c.list(prefix + "headers")
	if len(headers) == 0 {
		return "", "", fmt.Errorf("headers is required")
	}
	lines := make([]string, len(headers))
	for i, h := range headers {
		lines[i] = fmt.Sprintf("meta %s = deleted()", bloblangString(h))
	}
	return strings.Join(lines, "\n"), "Removes headers " + strings.Join(headers, ", ") + ".", nil
}

func headerFrom(t *translator, prefix string, p part) (string, string, error) {
	fields := t.c.list(prefix + "fields")
	headers := t.c.list(prefix + "headers")
	if len(fields) == 0 || len(fields) != len(headers) {
		return "", "", fmt.Errorf("fields and headers must be non-empty lists of the same length")
	}
	t.fieldSyntax(prefix, "HeaderFrom")
	operation := strings.ToLower(t.c.str(prefix+"operation", ""))
	if operation != "copy" && operation != "move" {
		return "", "", fmt.Errorf("operation must be copy or move, not %q", operation)
	}
	t.c.get(prefix + "replace.null.with.default")
	body := []string{p.requireObjectFor("HeaderFrom"+p.variant, "header "+operation)}
	var notes []string
	for i, f := range fields {
		body = append(body, fmt.Sprintf("meta %s = %s", bloblangString(headers[i]), p.field(f)))
		notes = append(notes, f+" to header "+headers[i])
	}
	if operation == "move" {
		body = append(body, fmt.Sprintf("let %s = %s.filter(kv -> !%s.contains(kv.key))", p.name, p.ref(), stringList(fields)), p.write())
	}
	// Kafka Connect requires the part to be a Map, so null fails too.
	comment := fmt.Sprintf("Copies fields of the %s to headers: %s.", p.name, strings.Join(notes, ", "))
	if operation == "move" {
		comment = fmt.Sprintf("Moves fields of the %s to headers (removing them from the %s): %s.", p.name, p.name, strings.Join(notes, ", "))
	}
	return onPart(p, false, body...), comment, nil
}

// errUntranslatable marks a transform that is valid but cannot be
// translated: it becomes an omission, not a failure.
type errUntranslatable struct{ err error }

func (e errUntranslatable) Error() string { return e.err.Error() }
func (e errUntranslatable) Unwrap() error { return e.err }

// errConfig is an invalid configuration an SMT's translator already
// located (property and line): it is passed on as it is.
type errConfig struct{ error }

func (e errConfig) Unwrap() error { return e.error }
