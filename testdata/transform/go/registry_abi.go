//go:build wasip1

package main

import (
	"encoding/binary"
	"unsafe"
)

// The host functions of module redpanda_schema_registry, imported as
// Redpanda's Go SDK's sr package imports them. Every result is an i32: 0 or
// a byte count, -1 when the host has no schema registry, -2 when the
// registry failed.

//go:wasmimport redpanda_schema_registry check_abi_version_0
func checkRegistryABIVersion()

//go:wasmimport redpanda_schema_registry get_schema_definition_len
func getSchemaDefinitionLen(id int32, length unsafe.Pointer) int32

//go:wasmimport redpanda_schema_registry get_schema_definition
func getSchemaDefinition(id int32, buf unsafe.Pointer, len int32) int32

//go:wasmimport redpanda_schema_registry get_subject_schema_len
func getSubjectSchemaLen(subject unsafe.Pointer, subjectLen int32, version int32, length unsafe.Pointer) int32

//go:wasmimport redpanda_schema_registry get_subject_schema
func getSubjectSchema(subject unsafe.Pointer, subjectLen int32, version int32, buf unsafe.Pointer, len int32) int32

//go:wasmimport redpanda_schema_registry create_subject_schema
func createSubjectSchema(subject unsafe.Pointer, subjectLen int32, buf unsafe.Pointer, len int32, id unsafe.Pointer) int32

// abiRegistry calls the host. Each out-value (a length, an id: 4 bytes) is
// written into an area with a poisoned canary after it, so that a host
// writing more than 4 bytes is noticed (the guest panics).
type abiRegistry struct{}

// newABIRegistry checks the module's version, as the SDK's NewClient does.
func newABIRegistry() abiRegistry {
	checkRegistryABIVersion()
	return abiRegistry{}
}

var out [8]byte // 4 bytes of out-value, then the canary

func outPtr() unsafe.Pointer {
	fill(out[:])
	return unsafe.Pointer(&out[0])
}

// outValue returns the out-value, or panics when the host wrote past it.
func outValue(function string) int32 {
	if !poisoned(out[4:]) {
		panic(function + " wrote more than 4 bytes")
	}
	return int32(binary.LittleEndian.Uint32(out[:4]))
}

// bytesPtr points at b's bytes; for an empty b, at a valid address (the
// host reads nothing there).
func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return unsafe.Pointer(&out[0])
	}
	return unsafe.Pointer(&b[0])
}

func stringPtr(s string) unsafe.Pointer {
	if s == "" {
		return unsafe.Pointer(&out[0])
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

func (abiRegistry) definitionLen(id int32) (int32, int32) {
	res := getSchemaDefinitionLen(id, outPtr())
	return outValue("get_schema_definition_len"), res
}

func (abiRegistry) definition(id int32, buf []byte) int32 {
	return getSchemaDefinition(id, bytesPtr(buf), int32(len(buf)))
}

func (abiRegistry) subjectSchemaLen(subject string, version int32) (int32, int32) {
	res := getSubjectSchemaLen(stringPtr(subject), int32(len(subject)), version, outPtr())
	return outValue("get_subject_schema_len"), res
}

func (abiRegistry) subjectSchema(subject string, version int32, buf []byte) int32 {
	return getSubjectSchema(stringPtr(subject), int32(len(subject)), version, bytesPtr(buf), int32(len(buf)))
}

func (abiRegistry) createSubjectSchema(subject string, def []byte) (int32, int32) {
	res := createSubjectSchema(stringPtr(subject), int32(len(subject)), bytesPtr(def), int32(len(def)), outPtr())
	return outValue("create_subject_schema"), res
}
