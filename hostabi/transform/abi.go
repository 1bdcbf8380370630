package transform

import "github.com/benthos-wasm/benthos-wasm/hostabi"

// ABIName names this ABI in errors and reports.
const ABIName = "Redpanda Data Transforms ABI"

// Import modules of the ABI.
const (
	HostModule = "redpanda_transform"
	// SchemaRegistryModule is the optional schema registry module that
	// the SDKs' sr packages import (see registry.go).
	SchemaRegistryModule = "redpanda_schema_registry"
)

// Exports the host needs.
const (
	ExportStart  = "_start"
	ExportMemory = "memory"
)

// MaxOutputTopics is how many output topics a transform may have.
const MaxOutputTopics = 8

// Results of the host functions, as the SDKs read them.
const (
	resultNoBatch      = -1 // read_batch_header: shutting down
	resultNoRecord     = -1 // read_next_record: the batch has no record left
	resultBufferSmall  = -2 // read_next_record: the guest's buffer is too small
	resultOutsideBatch = -1 // write_record*: no record is being transformed
	resultBadPayload   = -2 // write_record*: the bytes are not one record payload
	resultUnknownTopic = -3 // write_record_with_options: not an output topic

	resultRegistryOK            = 0  // redpanda_schema_registry: success (the _len and create functions)
	resultRegistryNotConfigured = -1 // redpanda_schema_registry: no schema registry is configured
	resultRegistryError         = -2 // redpanda_schema_registry: the registry, or the request, failed
)

// optionTopic is the tag of the topic option of write_record_with_options.
const optionTopic = 0x01

const (
	i32 = hostabi.I32
	i64 = hostabi.I64
)

var sig = hostabi.NewSignature

func repeat(t hostabi.ValueType, n int) []hostabi.ValueType {
	ts := make([]hostabi.ValueType, n)
	for i := range ts {
		ts[i] = t
	}
	return ts
}

// importSignatures are the ABI's imports and their types.
var importSignatures = map[string]hostabi.Signature{
	"check_abi_version_1":       sig(nil),
	"check_abi_version_2":       sig(nil),
	"check_abi_version_3":       sig(nil),
	"read_batch_metadata":       sig(repeat(i32, 3), i32),
	"read_batch_header":         sig(repeat(i32, 10), i32),
	"read_next_record":          sig(repeat(i32, 5), i32),
	"write_record":              sig(repeat(i32, 2), i32),
	"write_record_with_options": sig(repeat(i32, 4), i32),
}

// registrySignatures are the functions of the schema registry module and
// their types.
var registrySignatures = map[string]hostabi.Signature{
	"check_abi_version_0":       sig(nil),
	"get_schema_definition_len": sig(repeat(i32, 2), i32),
	"get_schema_definition":     sig(repeat(i32, 3), i32),
	"get_subject_schema_len":    sig(repeat(i32, 4), i32),
	"get_subject_schema":        sig(repeat(i32, 5), i32),
	"create_subject_schema":     sig(repeat(i32, 5), i32),
}
