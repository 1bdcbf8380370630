package migrate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// The connector's key.converter, value.converter and header.converter say
// how Kafka Connect turns the bytes of a record in Kafka into the data its
// transforms and connector see (a sink), or that data into bytes (a
// source). The pipeline carries each record as its bytes in Kafka: only a
// wasm_smt decodes a part with a schema (its converter does it for the
// guest, and encodes back what the guest writes), so with a schema-aware
// converter the mappings of the built-in SMTs cannot read that part, and a
// sink's output gets it encoded. A source's records are written as the
// pipeline holds them: serializing them with a schema is not translated.

// Kafka Connect's converter classes that the translation knows.
const (
	byteArrayConverter  = "org.apache.kafka.connect.converters.ByteArrayConverter"
	stringConverter     = "org.apache.kafka.connect.storage.StringConverter"
	jsonConverter       = "org.apache.kafka.connect.json.JsonConverter"
	avroConverter       = "io.confluent.connect.avro.AvroConverter"
	protobufConverter   = "io.confluent.connect.protobuf.ProtobufConverter"
	jsonSchemaConverter = "io.confluent.connect.json.JsonSchemaConverter"

	// simpleHeaderConverter is Kafka Connect's default header converter,
	// which has no wasm_smt converter of its own but keeps headers as the
	// pipeline reads them.
	simpleHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
)

// converterAliases are the plugin aliases Kafka Connect accepts for these
// classes: the simple class name, and that name without "Converter".
var converterAliases = func() map[string]string {
	m := map[string]string{}
	for _, class := range []string{byteArrayConverter, stringConverter, jsonConverter, avroConverter, protobufConverter, jsonSchemaConverter, simpleHeaderConverter} {
		simple := simpleName(class)
		m[simple] = class
		m[strings.TrimSuffix(simple, "Converter")] = class
	}
	return m
}()

// canonicalConverter resolves a converter alias to its class name.
func canonicalConverter(class string) string {
	if full, ok := converterAliases[class]; ok {
		return full
	}
	return class
}

// simpleName is a class name without its package.
func simpleName(class string) string { return class[strings.LastIndex(class, ".")+1:] }

// partConverter is the connector's converter of one record part.
type partConverter struct {
	part  string // "key", "value" or "header"
	prop  string // "value.converter"
	class string // the class; "" when the connector sets none (the worker's applies)
	name  string // the wasm_smt converter it stands for; "" when none
	// reg is the schema registry of avro, protobuf and json_schema; nil
	// for the others, or when it cannot be written.
	reg *registryConf
	// decoded is true when a wasm_smt of the chain decodes the part with
	// name (a sink's schema-aware part whose registry, if it needs one, is
	// the pipeline's).
	decoded bool
	// schemasDefault is true for a JsonConverter without schemas.enable:
	// Kafka Connect's default, true, makes it an envelope.
	schemasDefault bool
}

// schemaAware reports whether the part has a schema: Avro, Protobuf, JSON
// Schema, or the JsonConverter envelope.
func (c *partConverter) schemaAware() bool { return c != nil && codec.IsSchemaAware(c.name) }

// wire says what the part's bytes are in Kafka.
func (c *partConverter) wire() string {
	switch c.name {
	case codec.AvroName:
		return "Avro in the Confluent wire format (a schema id, then the binary record)"
	case codec.ProtobufName:
		return "Protobuf in the Confluent wire format (a schema id and message indexes, then the binary message)"
	case codec.JSONSchemaName:
		return "JSON in the Confluent wire format (a schema id, then the JSON text)"
	case codec.JSONEnvelopeName:
		if c.schemasDefault {
			return `a JsonConverter {"schema": ..., "payload": ...} envelope (` + c.prop + `.schemas.enable is not set: Kafka Connect's default is true)`
		}
		return `a JsonConverter {"schema": ..., "payload": ...} envelope`
	}
	return "its bytes"
}

// converters reads the connector's converters and their settings, and
// chooses the schema registry the wasm_smt processors get.
func (t *translator) converters() error {
	t.conv = map[string]*partConverter{}
	for _, p := range []string{"key", "value"} {
		c, err := t.dataConverter(p)
		if err != nil {
			return err
		}
		t.conv[p] = c
	}
	if err := t.headerConverter(); err != nil {
		return err
	}
	if !t.sink {
		t.sourceConverters()
		return nil
	}
	t.chooseRegistry()
	for _, p := range []string{"key", "value"} {
		c := t.conv[p]
		if !c.schemaAware() {
			continue
		}
		switch {
		case t.class == fileSinkClass && p == "key":
			// The file gets values only.
		case t.class == fileSinkClass:
			t.omit(c.prop, "the file gets each value as it is in Kafka, %s; Kafka Connect's FileStreamSinkConnector writes the decoded value's text. Nothing but a wasm_smt decodes it here", c.wire())
		default:
			t.omit(c.prop, "the output gets the %s as it is in Kafka, %s, where Kafka Connect's sink gets it decoded: the output that replaces the placeholder must decode it (nothing but a wasm_smt decodes it here)", p, c.wire())
		}
	}
	return nil
}

// dataConverter reads key.converter or value.converter and its settings.
func (t *translator) dataConverter(p string) (*partConverter, error) {
	c := &partConverter{part: p, prop: p + ".converter"}
	c.class = canonicalConverter(normalizeClass(t.c.str(c.prop, "")))
	settings := t.c.withPrefix(c.prop + ".")
	if c.class == "" {
		// Kafka Connect configures a converter the connector names with the
		// connector's own settings only, and the worker's converter with the
		// worker's: these settings are not used.
		for _, k := range settings {
			t.c.get(k)
			t.omit(k, "%s is not set in this config, so Kafka Connect ignores this setting: the worker's converter applies, with the worker's settings", c.prop)
		}
		return c, nil
	}
	name, known := codec.KafkaConnectAlias(c.class)
	if !known {
		t.omit(c.prop, "converter %s is not translated: the %s is the record's raw bytes here", c.class, p)
		t.coverSettings(c.prop)
		return c, nil
	}
	if name == codec.JSONName {
		// Kafka Connect's JsonConverterConfig: schemas.enable defaults to
		// true. A converter the connector names is configured with the
		// connector's settings only: the worker's schemas.enable does not
		// apply to it.
		schemas, err := t.boolProp(c.prop+".schemas.enable", true)
		if err != nil {
			return nil, err
		}
		c.schemasDefault = !t.c.has(c.prop + ".schemas.enable")
		if schemas {
			name = codec.JSONEnvelopeName
		}
	}
	c.name = name
	if !t.sink && c.schemaAware() {
		// Serializing is not translated: sourceConverters says so, and the
		// settings go with it.
		t.coverSettings(c.prop)
		return c, nil
	}
	if codec.NeedsRegistry(name) {
		reg, err := t.registrySettings(c)
		if err != nil {
			return nil, err
		}
		c.reg = reg
	}
	t.otherSettings(c)
	return c, nil
}

// coverSettings marks a converter's settings read: an omission about the
// converter covers them.
func (t *translator) coverSettings(prop string) {
	for _, k := range t.c.withPrefix(prop + ".") {
		t.c.get(k)
	}
}

// boolProp reads a Kafka BOOLEAN property: true or false, in any case.
func (t *translator) boolProp(key string, def bool) (bool, error) {
	v, ok := t.c.get(key)
	if !ok {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, t.c.invalidf(key, "%q is not a boolean (true or false)", v)
}

// harmlessSettings change nothing a translation must keep: cache sizes.
var harmlessSettings = map[string]bool{
	"schemas.cache.size":           true, // JsonConverter
	"schemas.cache.config":         true, // AvroConverter, ProtobufConverter, JsonSchemaConverter
	"max.schemas.per.subject":      true,
	"latest.cache.size":            true,
	"latest.cache.ttl.sec":         true,
	"missing.id.cache.ttl.sec":     true,
	"missing.schema.cache.ttl.sec": true,
	"missing.cache.size":           true,
}

// serializerSettings steer how a converter picks or registers the schema
// it writes with.
var serializerSettings = map[string]bool{
	"auto.register.schemas":       true,
	"use.latest.version":          true,
	"use.latest.with.metadata":    true,
	"latest.compatibility.strict": true,
	"normalize.schemas":           true,
	"use.schema.id":               true,
	"id.compatibility.strict":     true,
	"key.subject.name.strategy":   true,
	"value.subject.name.strategy": true,
	"context.name.strategy":       true,
	"schema.reflection":           true,
	"propagate.schema.tags":       true,
	"key.schema.id.serializer":    true,
	"value.schema.id.serializer":  true,
	"schema.format":               true,
}

// serdeSetting reports whether s is a setting of Confluent's serializers
// and deserializers named after a part (key.subject.name.strategy, ...).
func serdeSetting(s string) bool {
	return serializerSettings[s] || strings.HasSuffix(s, ".schema.id.deserializer")
}

// clientSettings are the registry client's connection settings other than
// its URL, authentication and TLS.
var clientSettings = map[string]string{
	"proxy.host":              "the registry client uses the proxy of the HTTPS_PROXY / HTTP_PROXY environment variables instead",
	"proxy.port":              "the registry client uses the proxy of the HTTPS_PROXY / HTTP_PROXY environment variables instead",
	"http.connect.timeout.ms": "the registry client's own timeout applies (5 s a request)",
	"http.read.timeout.ms":    "the registry client's own timeout applies (5 s a request)",
	"max.retries":             "the registry client does not retry: a record whose schema it cannot fetch fails, and the next record asks again",
	"retries.wait.ms":         "the registry client does not retry: a record whose schema it cannot fetch fails, and the next record asks again",
	"retries.max.wait.ms":     "the registry client does not retry: a record whose schema it cannot fetch fails, and the next record asks again",
}

// otherSettings reports the settings of a converter that nothing translated.
func (t *translator) otherSettings(c *partConverter) {
	pre := c.prop + "."
	for _, k := range t.c.withPrefix(pre) {
		if t.c.used[k] {
			continue
		}
		t.c.get(k)
		s := strings.TrimPrefix(k, pre)
		v := t.c.str(k, "")
		switch {
		case harmlessSettings[s]:
		case c.part == "value" && strings.HasPrefix(s, "key.") && serdeSetting(s), c.part == "key" && strings.HasPrefix(s, "value.") && serdeSetting(s):
			// The other part's setting: this converter does not use it,
			// in Kafka Connect either.
		case c.class == stringConverter && s == "converter.encoding":
			if enc := strings.ToUpper(strings.ReplaceAll(v, "-", "")); enc != "UTF8" && enc != "" {
				t.omit(k, "the %s is text in UTF-8 here, not %s", c.part, v)
			}
		case c.name == codec.JSONName && (s == "decimal.format" || s == "replace.null.with.default"):
			// Without schemas, JsonConverter has no decimals and no defaults.
		case c.name == codec.JSONEnvelopeName && s == "decimal.format":
			t.omit(k, "how Kafka Connect writes a decimal (base64 or a number); here a decimal keeps the form the guest writes it in (json_envelope takes either)")
		case c.name == codec.JSONEnvelopeName && s == "replace.null.with.default" && strings.EqualFold(v, "false"):
			// A null field stays null, as json_envelope shows it.
		case c.name == codec.JSONEnvelopeName && s == "replace.null.with.default":
			t.omit(k, "Kafka Connect replaces a null field that has a default with the default; json_envelope shows the guest the null")
		case serializerSettings[s]:
			t.omit(k, "a serializer setting (how Kafka Connect picks or registers the schema it writes with), with no equivalent: wasm_smt registers no schema, and encodes what a guest writes with the record's own schema (same id), or with the latest version of %s_schema_subject when it is set", c.part)
		case s == "key.schema.id.deserializer" || s == "value.schema.id.deserializer":
			t.omit(k, "no equivalent: wasm_smt reads the schema id from the value's own first bytes (the Confluent wire format), never from a header")
		case clientSettings[s] != "":
			t.omit(k, "no equivalent: %s", clientSettings[s])
		case strings.HasPrefix(s, "request.header."):
			t.omit(k, "extra HTTP headers to the schema registry have no equivalent")
		default:
			t.omit(k, "setting of %s with no equivalent in wasm_smt's %s converter (the guest sees wasm_smt's own JSON form of the record: docs/SCHEMAS.md)", simpleName(c.class), c.name)
		}
	}
}

// headerConverter reads header.converter. Headers stay their bytes in the
// pipeline: a converter that keeps text as text needs nothing.
func (t *translator) headerConverter() error {
	const prop = "header.converter"
	class := canonicalConverter(normalizeClass(t.c.str(prop, "")))
	defer t.coverSettings(prop)
	switch class {
	case "", simpleHeaderConverter, stringConverter, byteArrayConverter:
		return nil
	case avroConverter, protobufConverter, jsonSchemaConverter:
		return t.c.invalidf(prop, "%s converts keys and values only: it is not a HeaderConverter, and Kafka Connect refuses it as header.converter", class)
	case jsonConverter:
		t.omit(prop, "JsonConverter: each header is JSON in Kafka (an envelope {\"schema\", \"payload\"} unless header.converter.schemas.enable=false), which Kafka Connect decodes; here each header stays its bytes, so mappings, predicates and the output see and write the JSON text")
		return nil
	}
	t.omit(prop, "converter %s is not translated: headers are the raw bytes here", class)
	return nil
}

// sourceConverters reports what a source connector's converters do that
// the pipeline does not: it writes its records to Kafka as it holds them.
func (t *translator) sourceConverters() {
	for _, p := range []string{"key", "value"} {
		c := t.conv[p]
		switch {
		case c.schemaAware():
			what := "registers a schema it derives from each record in the schema registry and writes the record in the Confluent wire format"
			if c.name == codec.JSONEnvelopeName {
				what = `wraps each record in a {"schema": ..., "payload": ...} envelope with a schema it derives from the record`
			}
			t.omit(c.prop, "%s is not translated: the %s goes to Kafka as the pipeline holds it, where Kafka Connect's %s %s (its settings are not used)", simpleName(c.class), p, simpleName(c.class), what)
		}
	}
}

// chooseRegistry picks the schema registry of the wasm_smt processors: the
// value's, else the key's. wasm_smt has one schema_registry, so a key whose
// registry is another is not decoded.
func (t *translator) chooseRegistry() {
	value, key := t.conv["value"], t.conv["key"]
	for _, c := range []*partConverter{value, key} {
		switch {
		case c.name == codec.JSONEnvelopeName:
			c.decoded = true
		case c.reg == nil:
		case t.registry == nil:
			t.registry, c.decoded = c.reg, true
		case t.registry.same(c.reg):
			c.decoded = true
		default:
			t.omit(c.prop+".schema.registry.url", "the %s's schema registry (%s) is not the %s's (%s), and wasm_smt has one schema_registry: the %s is not decoded (the guest gets its bytes as they are)",
				c.part, c.reg.describe(), t.registry.part, t.registry.describe(), c.part)
		}
	}
}

// partsOf lists the record parts a built-in SMT reads or writes as JSON.
func partsOf(class string) []string {
	name := strings.TrimPrefix(class, transformsPackage)
	base, variant, _ := strings.Cut(name, "$")
	switch {
	case variant == "Key":
		return []string{"key"}
	case variant == "Value":
		return []string{"value"}
	case base == "ValueToKey":
		return []string{"value", "key"}
	}
	return nil
}

// schemaPartOf returns the first part a built-in SMT works on that has a
// schema here, nil when there is none.
func (t *translator) schemaPartOf(class string) *partConverter {
	if !t.sink {
		return nil // a source's records have no schema until they are written
	}
	for _, p := range partsOf(class) {
		if c := t.conv[p]; c.schemaAware() {
			return c
		}
	}
	return nil
}

// workerNote says, for the parts a sink's chain reads and the connector
// sets no converter for, that the worker's converter applies.
func (t *translator) workerNote(parts map[string]bool) string {
	if !t.sink {
		return "" // a source's converters apply to the output: outputNote
	}
	var unset []string
	for _, p := range []string{"key", "value"} {
		if parts[p] && t.conv[p] != nil && t.conv[p].class == "" {
			unset = append(unset, p+".converter")
		}
	}
	if len(unset) == 0 {
		return ""
	}
	sort.Strings(unset)
	verb, whose := "is", "the worker's applies"
	if len(unset) > 1 {
		verb, whose = "are", "the worker's apply"
	}
	return fmt.Sprintf("%s %s not set here: %s (not shown in a connector config). The chain takes the records "+
		"as they are in Kafka (bytes, text, schemaless JSON for the mappings); if the worker's converter has schemas (Avro, "+
		"Protobuf, JSON Schema, JsonConverter with schemas.enable=true), set it in the connector config and migrate again.",
		strings.Join(unset, " and "), verb, whose)
}

// outputNote says, for an output, which converters the connector leaves to
// the worker: how the records are written (a source) or read (a sink) in
// Kafka Connect is then not in this config.
func (t *translator) outputNote(parts ...string) string {
	var unset []string
	for _, p := range parts {
		if strings.TrimSpace(t.c.props[p+".converter"]) == "" {
			unset = append(unset, p+".converter")
		}
	}
	if len(unset) == 0 {
		return ""
	}
	verb := "is"
	if len(unset) > 1 {
		verb = "are"
	}
	if t.sink {
		return fmt.Sprintf("\n%s %s not set here: in Kafka Connect the worker's decodes the records for the sink; here the output gets them as they are in Kafka.", strings.Join(unset, " and "), verb)
	}
	return fmt.Sprintf("\n%s %s not set here: in Kafka Connect the worker's encodes the records; here they are written as the pipeline holds them.", strings.Join(unset, " and "), verb)
}
