package processor

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi/abi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// Field names of the wasm_smt config.
const (
	fieldModulePath      = "module_path"
	fieldFunction        = "function"
	fieldABI             = "abi"
	fieldInputTopic      = "input_topic"
	fieldOutputTopics    = "output_topics"
	fieldEnvironment     = "environment"
	fieldCheck           = "check"
	fieldKeyConverter    = "key_converter"
	fieldValueConverter  = "value_converter"
	fieldHeaderConverter = "header_converter"
	fieldSchemaRegistry  = "schema_registry"
	fieldKeySubject      = "key_schema_subject"
	fieldValueSubject    = "value_schema_subject"
	fieldKeyMetadata     = "key_metadata"
	fieldTopicMetadata   = "topic_metadata"
	fieldPartitionMeta   = "partition_metadata"
	fieldTimestampMeta   = "timestamp_metadata"
	fieldParams          = "params"
	fieldMaxInstances    = "max_instances"
	fieldMaxMemoryPages  = "max_memory_pages"
	fieldTimeout         = "timeout"
	fieldMaxHostCalls    = "max_host_calls"
	fieldMaxCallBytes    = "max_call_bytes"
	fieldWatch           = "watch"
	fieldCache           = "compilation_cache"
	fieldCacheDir        = "compilation_cache_dir"
)

// converterField is a plain string field with its own lint rule: Benthos's
// enum lint reads option names as Bloblang paths, so it refuses the dotted
// Kafka Connect class names.
func converterField(name, part string) *service.ConfigField {
	quoted := make([]string, 0, len(codec.Names()))
	for _, n := range codec.Names() {
		quoted = append(quoted, strconv.Quote(n))
	}
	return service.NewStringField(name).
		Description("How the " + part + " converts between the message and the bytes the guest sees: " +
			"`bytes` (raw bytes, untouched), " +
			"`string` (UTF-8 text; bytes that are not valid UTF-8 fail the record), or " +
			"`json` (JSON text; JSON the guest sets becomes a structured payload, or metadata of that JSON type; invalid JSON fails the record). " +
			"A structured payload is serialised anew when its bytes are next read (by an output, `content()`, another processor): object keys come out sorted and spacing is dropped, " +
			"so `{\"b\": 1, \"a\": 2}` becomes `{\"a\":2,\"b\":1}`; to keep the bytes exactly as the guest wrote them, use `string` or `bytes`. " +
			"Records with schemas: `avro`, `protobuf` and `json_schema` read the Confluent wire format (schemas from `schema_registry`), " +
			"and `json_envelope` reads Kafka Connect's JsonConverter envelope with `schemas.enable=true` (`{\"schema\": ..., \"payload\": ...}`); " +
			"with each, the guest reads the record decoded as plain JSON, and what it writes is encoded back with the record's own schema (same id), " +
			"or fails the record, unchanged, with an error naming the field and the schema. " +
			"The Kafka Connect class names `org.apache.kafka.connect.converters.ByteArrayConverter`, " +
			"`org.apache.kafka.connect.storage.StringConverter`, `org.apache.kafka.connect.json.JsonConverter` (with `schemas.enable=false`), " +
			"`io.confluent.connect.avro.AvroConverter`, `io.confluent.connect.protobuf.ProtobufConverter` and `io.confluent.connect.json.JsonSchemaConverter` are accepted as aliases.").
		Default(codec.BytesName).
		LintRule(fmt.Sprintf(`let options = [%s]
root = if !$options.contains(this) { [ "%s: value %%q is not a converter, expected one of %s".format(this) ] }`,
			strings.Join(quoted, ", "), name, strings.Join(codec.Names(), ", ")))
}

// subjectField names the subject whose latest schema encodes what a guest
// writes to a part, in place of the part's own schema.
func subjectField(name, part string) *service.ConfigField {
	return service.NewStringField(name).
		Description("With a schema-aware " + part + " converter (`avro`, `protobuf`, `json_schema`): the subject whose latest schema encodes what the guest writes to the " + part + ", " +
			"in place of the schema the record came with. It is how a guest changes the schema: register the new version under the subject, set this field, and records leave with the new schema id. " +
			"It also lets a guest set a " + part + " on a record that had none. The latest version is looked up once, when first needed, and kept until the pipeline restarts or the module is reloaded. " +
			"Empty (the default): what the guest writes is encoded with the schema the record came with, under the same id.").
		Default("").Advanced()
}

func wasmSMTSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Utility").
		Summary("Runs a WebAssembly module over each message: a Kafka Connect Wasm transformer module, a Redpanda Data Transforms module or a Redpanda Connect `wasm` processor module, unmodified.").
		Description(`
The guest reads and writes only the parts of the record it needs, through host functions
(`+"`get_value`, `set_key`, `get_header`, ..."+`). The record is the message seen Kafka-style:

- value: the payload;
- key: the metadata field named by `+"`key_metadata`"+`;
- topic: the metadata field named by `+"`topic_metadata`"+`;
- headers: every other metadata field, except Kafka bookkeeping fields (`+"`kafka_partition`, `kafka_offset`, `kafka_timestamp_ms`, `kafka_timestamp_unix`, `kafka_lag`, `kafka_tombstone_message`"+`).

A message whose metadata `+"`kafka_tombstone_message`"+` is true has no value.

All writes of one call reach the message only when the call succeeds. When the guest returns an
error, traps, or a host function fails, the message goes on unchanged and flagged with the error,
so `+"`catch`"+`, `+"`switch`"+` on `+"`errored()`"+` or a dead-letter output can handle it.
An instance that trapped is thrown away and replaced. See docs/ABI.md for the ABI.

The same processor runs modules written for Redpanda Data Transforms (docs/ABI-data-transforms.md)
and for Redpanda Connect's `+"`wasm`"+` processor (docs/ABI-connect-wasm.md): `+"`abi`"+` tells them apart
from the module's imports. Each record is isolated: a guest that fails on one record fails only
that record, with every ABI.`).
		Field(service.NewStringField(fieldModulePath).
			Description("Path of the WebAssembly module, relative to the working directory.").
			Example("./functions.wasm")).
		Field(service.NewStringField(fieldFunction).
			Description("Name of the exported function to run on each message. Required for the Kafka Connect ABI "+
				"(no parameters, and no result or an i64 result: docs/ABI.md); for the Redpanda Connect `wasm` ABI it defaults to `process`, "+
				"as in Redpanda Connect; a Data Transforms module has none (its `_start` loop drives it), so it must be empty.").
			Example("to_upper").
			Default("")).
		Field(service.NewStringField(fieldABI).
			Description("The ABI the module is written for: `auto` tells it from the module's imports "+
				"(`env`: `kafka_connect`; `benthos_wasm`: `connect_wasm`; `redpanda_transform`: `data_transforms`); "+
				"naming one refuses a module that does not fit it. A module importing from two is refused.").
			Default(string(abi.Auto)).
			LintRule(fmt.Sprintf(`root = if ![%s].contains(this) { [ "%s: value %%q is not an ABI, expected one of %s".format(this) ] }`,
				quotedABINames(), fieldABI, strings.Join(abiNames(), ", ")))).
		Field(service.NewStringField(fieldInputTopic).
			Description("Data Transforms: the input topic the guest sees (`REDPANDA_INPUT_TOPIC`).").
			Default("").Advanced()).
		Field(service.NewStringListField(fieldOutputTopics).
			Description(fmt.Sprintf("Data Transforms: up to %d output topics (`REDPANDA_OUTPUT_TOPIC_0` to `_7`). ", transform.MaxOutputTopics)+
				"A record written with `write_record` goes to the first (its topic metadata is set to it; with none, the topic is left as it was); "+
				"`write_record_with_options` may name any of them, and a name not in the list is refused, as Redpanda refuses it.").
			Default([]any{}).Advanced()).
		Field(service.NewStringMapField(fieldEnvironment).
			Description("Environment variables of WASI guests, of every ABI (as `rpk transform deploy --var` sets them). "+
				"Names starting with `REDPANDA_` are reserved for the Data Transforms variables.").
			Default(map[string]any{}).Advanced()).
		Field(service.NewBloblangField(fieldCheck).
			Description("A Bloblang condition: the function runs only on messages for which it is true; the others pass through untouched, "+
				"like a Kafka Connect transform with a `predicate` (and `negate`). "+
				"Without it the function runs on every message. A condition that fails to evaluate, or gives something other than a boolean, "+
				"flags the message with the error and passes it on unchanged. "+
				"Kafka Connect's predicates as conditions: `TopicNameMatches` is `@kafka_topic.or(\"\").re_match(\"^(?:orders-.*)$\")`, "+
				"`HasHeaderKey` is `@.keys().contains(\"trace-id\")`, "+
				"`RecordIsTombstone` is `@kafka_tombstone_message == true || @kafka_tombstone_message == \"true\"`; `negate` is `!(...)`.").
			Example(`@kafka_topic.or("").re_match("^(?:orders-.*)$")`).
			Example(`!@.keys().contains("trace-id")`).
			Optional()).
		Field(converterField(fieldKeyConverter, "key")).
		Field(converterField(fieldValueConverter, "value")).
		Field(converterField(fieldHeaderConverter, "headers")).
		Field(schemaregistry.ConfigField(fieldSchemaRegistry)).
		Field(subjectField(fieldKeySubject, "key")).
		Field(subjectField(fieldValueSubject, "value")).
		Field(service.NewStringField(fieldKeyMetadata).
			Description("The metadata field that holds the record key.").
			Default("kafka_key").Advanced()).
		Field(service.NewStringField(fieldTopicMetadata).
			Description("The metadata field that holds the record topic.").
			Default("kafka_topic").Advanced()).
		Field(service.NewStringField(fieldPartitionMeta).
			Description("The metadata field that holds the record partition (`get_partition`).").
			Default(kafkameta.Partition).Advanced()).
		Field(service.NewStringField(fieldTimestampMeta).
			Description("The metadata field that holds the record timestamp in milliseconds since the Unix epoch (`get_timestamp`, `set_timestamp`). "+
				"When it is `kafka_timestamp_ms`, `set_timestamp` also updates `kafka_timestamp_unix` if the message has it.").
			Default(kafkameta.TimestampMs).Advanced()).
		Field(service.NewStringMapField(fieldParams).
			Description("Parameters the guest reads with `get_param`, so one module can serve several pipelines.").
			Default(map[string]any{}).
			Example(map[string]any{"suffix": "-checked", "threshold": "10"})).
		Field(service.NewIntField(fieldMaxInstances).
			Description("The most guest instances kept for this processor; each serves one pipeline thread at a time. 0 means the number of CPUs.").
			Default(0).Advanced().
			LintRule(intRule(fieldMaxInstances, 0, 0))).
		Field(service.NewIntField(fieldMaxMemoryPages).
			Description("The most linear memory one instance may have, in 64 KiB pages (the default, 2048, is 128 MiB). "+
				"A module that declares more fails at start-up; a guest that grows past it fails the record it was working on.").
			Default(defaultMaxMemoryPages).Advanced().
			LintRule(intRule(fieldMaxMemoryPages, 1, 65536))).
		Field(service.NewDurationField(fieldTimeout).
			Description("The most time one call may take; the record then fails with a timeout error and the instance is replaced. "+
				"`0s` turns it off (the default): interrupting guests makes every loop in them check in with the host, which costs time even when nothing runs long (see the README for figures).").
			Default("0s").Advanced().
			LintRule(durationRule(fieldTimeout))).
		Field(service.NewIntField(fieldMaxHostCalls).
			Description("The most host function calls one call may make; 0 means no bound.").
			Default(defaultMaxHostCalls).Advanced().
			LintRule(intRule(fieldMaxHostCalls, 0, 0))).
		Field(service.NewIntField(fieldMaxCallBytes).
			Description("The most bytes one call may move between host and guest, both ways (what getters copy in; what setters, `emit_record` and `log` copy out); 0 means no bound. "+
				"It bounds what a guest can make the host buffer, and the work of a guest that reads the same value over and over.").
			Default(defaultMaxCallBytes).Advanced().
			LintRule(intRule(fieldMaxCallBytes, 0, 0))).
		Field(service.NewBoolField(fieldWatch).
			Description("Reload the module when its file changes. The new module is compiled and checked beside the old one, "+
				"then swapped in between messages; if it fails to compile, fit the ABI or start, the old one keeps serving and the error is logged.").
			Default(false)).
		Field(service.NewBoolField(fieldCache).
			Description("Keep the module's compiled code on disk, so the next start skips compiling it (a Go guest: about 0.6 s cold, 50 ms cached).").
			Default(true).Advanced()).
		Field(service.NewStringField(fieldCacheDir).
			Description("Directory of the compilation cache. Empty means `benthos-wasm` under the user's cache directory ($XDG_CACHE_HOME, or ~/.cache).").
			Default("").Advanced()).
		// A list field's own lint rule sees one element at a time: the
		// count is checked on the whole config.
		LintRule(fmt.Sprintf(`let topics = this.%[2]s.or([])
root = if $topics.length() > %[1]d { [ "%[2]s: at most %[1]d topics, got %%d".format($topics.length()) ] } else if $topics.unique().length() != $topics.length() { [ "%[2]s: a topic is listed twice" ] }`,
			transform.MaxOutputTopics, fieldOutputTopics)).
		Example("Upper-case every payload",
			"Runs the `to_upper` function of a module over each message.",
			`
pipeline:
  processors:
    - wasm_smt:
        module_path: ./functions.wasm
        function: to_upper
        value_converter: string
`)
}

// Default limits: generous for real transforms, small enough that a hostile
// guest fails a record rather than the host.
const (
	defaultMaxMemoryPages = 2048     // 128 MiB
	defaultMaxHostCalls   = 100_000  // about 7 ms of host calls
	defaultMaxCallBytes   = 64 << 20 // 64 MiB
)

func abiNames() []string {
	var names []string
	for _, n := range abi.Names() {
		names = append(names, string(n))
	}
	return names
}

func quotedABINames() string {
	quoted := make([]string, 0, 4)
	for _, n := range abiNames() {
		quoted = append(quoted, strconv.Quote(n))
	}
	return strings.Join(quoted, ", ")
}
