//go:build wasip1

package main

import "unsafe"

// The host functions of the Data Transforms ABI, imported as Redpanda's Go
// transform SDK imports them (module redpanda_transform, ABI version 2). Every
// pointer is an i32 offset into the guest's memory; every result is an i32.

//go:wasmimport redpanda_transform check_abi_version_2
func checkABIVersion()

// readBatchHeader blocks until the host has a batch, writes its header
// fields through the ten pointers (widths 8, 4, 4, 2, 4, 8, 8, 8, 2, 4 bytes,
// little-endian) and returns the size of the largest record payload in the
// batch, or a negative error code.
//
//go:wasmimport redpanda_transform read_batch_header
func readBatchHeader(baseOffset, recordCount, partitionLeaderEpoch, attributes,
	lastOffsetDelta, baseTimestamp, maxTimestamp, producerID, producerEpoch,
	baseSequence unsafe.Pointer) int32

// readNextRecord writes the next record's attributes (1 byte), timestamp
// (8 bytes, ms) and offset (8 bytes) and copies its payload into buf[:len];
// it returns the payload's length or a negative error code.
//
//go:wasmimport redpanda_transform read_next_record
func readNextRecord(attributes, timestamp, offset, buf unsafe.Pointer, len int32) int32

// writeRecord emits a payload to the default output topic; it returns the
// payload's length on success, else a negative error code.
//
//go:wasmimport redpanda_transform write_record
func writeRecord(buf unsafe.Pointer, len int32) int32

// writeRecordWithOptions is writeRecord with options (a topic).
//
//go:wasmimport redpanda_transform write_record_with_options
func writeRecordWithOptions(buf unsafe.Pointer, len int32, opts unsafe.Pointer, optsLen int32) int32
