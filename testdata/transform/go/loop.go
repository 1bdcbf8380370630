//go:build wasip1

package main

import (
	"encoding/binary"
	"strconv"
	"unsafe"
)

// The loop of Redpanda's Go transform SDK, step for step: check the ABI
// version once, then forever read a batch header, size the input buffer from
// its result, and for exactly record_count records read the next record,
// decode it and hand it to the transform function. Any negative result from
// the host, a payload that does not decode, and an error from the transform
// function panic, which ends the whole program (Go prints the panic to
// stderr and calls proc_exit(2)).
//
// One difference from the SDK, deliberate: the header and record fields are
// written into packed byte areas with a poisoned canary after each, instead
// of into a Go struct, so that a host writing a field wider than the ABI
// says clobbers the next field or the canary and the guest notices.

const poison = 0xEE

// Packed batch header: offsets and widths of the ten fields.
const (
	hBaseOffset   = 0  // i64
	hRecordCount  = 8  // i32
	hLeaderEpoch  = 12 // i32
	hAttributes   = 16 // i16
	hLastOffDelta = 18 // i32
	hBaseTs       = 22 // i64
	hMaxTs        = 30 // i64
	hProducerID   = 38 // i64
	hProducerEp   = 46 // i16
	hBaseSequence = 48 // i32
	hCanary       = 52 // 4 bytes that must stay poisoned
	hSize         = 56
)

// Packed record metadata.
const (
	rAttributes = 0  // u8
	rTimestamp  = 1  // i64
	rOffset     = 9  // i64
	rCanary     = 17 // 4 bytes that must stay poisoned
	rSize       = 21
)

var (
	hdr     [hSize]byte
	recMeta [rSize]byte
	// inbuf starts at 128 bytes, as the SDK's does, and only grows.
	inbuf  = make([]byte, 128)
	outbuf []byte
	optbuf []byte
)

func le16(b []byte) int64 { return int64(int16(binary.LittleEndian.Uint16(b))) }
func le32(b []byte) int64 { return int64(int32(binary.LittleEndian.Uint32(b))) }
func le64(b []byte) int64 { return int64(binary.LittleEndian.Uint64(b)) }

func poisoned(b []byte) bool {
	for _, c := range b {
		if c != poison {
			return false
		}
	}
	return true
}

func fill(b []byte) {
	for i := range b {
		b[i] = poison
	}
}

func ptr(b []byte, off int) unsafe.Pointer { return unsafe.Pointer(&b[off]) }

// abiWriter writes through write_record and write_record_with_options. Like
// the SDK's writer, a result other than the payload's length is an error
// returned to the transform function (which then returns it, and the loop
// panics).
type abiWriter struct{}

func (abiWriter) Write(r Record, topic string) error {
	outbuf = AppendPayload(outbuf[:0], r)
	var n int32
	if topic == "" {
		n = writeRecord(ptr(outbuf, 0), int32(len(outbuf)))
	} else {
		optbuf = AppendTopicOption(optbuf[:0], topic)
		n = writeRecordWithOptions(ptr(outbuf, 0), int32(len(outbuf)), ptr(optbuf, 0), int32(len(optbuf)))
	}
	if int(n) != len(outbuf) {
		return writeError(n)
	}
	return nil
}

type writeError int32

func (e writeError) Error() string {
	return "writing record failed with errno: " + strconv.Itoa(int(e))
}

func run(t *transformer) {
	checkABIVersion()
	for {
		processBatch(t)
	}
}

func processBatch(t *transformer) {
	fill(hdr[:])
	size := readBatchHeader(ptr(hdr[:], hBaseOffset), ptr(hdr[:], hRecordCount),
		ptr(hdr[:], hLeaderEpoch), ptr(hdr[:], hAttributes), ptr(hdr[:], hLastOffDelta),
		ptr(hdr[:], hBaseTs), ptr(hdr[:], hMaxTs), ptr(hdr[:], hProducerID),
		ptr(hdr[:], hProducerEp), ptr(hdr[:], hBaseSequence))
	if size < 0 {
		panic("failed to read batch header errno: " + strconv.Itoa(int(size)))
	}
	if !poisoned(hdr[hCanary:]) {
		panic("read_batch_header wrote past base_sequence")
	}
	b := Batch{
		BaseOffset:      le64(hdr[hBaseOffset:]),
		RecordCount:     le32(hdr[hRecordCount:]),
		LeaderEpoch:     le32(hdr[hLeaderEpoch:]),
		Attributes:      le16(hdr[hAttributes:]),
		LastOffsetDelta: le32(hdr[hLastOffDelta:]),
		BaseTimestamp:   le64(hdr[hBaseTs:]),
		MaxTimestamp:    le64(hdr[hMaxTs:]),
		ProducerID:      le64(hdr[hProducerID:]),
		ProducerEpoch:   le16(hdr[hProducerEp:]),
		BaseSequence:    le32(hdr[hBaseSequence:]),
		MaxSize:         int64(size),
	}
	if len(inbuf) < int(size) {
		inbuf = append(inbuf, make([]byte, int(size)-len(inbuf))...)
	}
	for i := int64(0); i < b.RecordCount; i++ {
		fill(recMeta[:])
		n := readNextRecord(ptr(recMeta[:], rAttributes), ptr(recMeta[:], rTimestamp),
			ptr(recMeta[:], rOffset), ptr(inbuf, 0), size)
		if n < 0 {
			panic("reading record failed with errno: " + strconv.Itoa(int(n)) +
				" buffer size: " + strconv.Itoa(int(size)))
		}
		if n > size {
			panic("read_next_record returned " + strconv.Itoa(int(n)) +
				", more than the buffer size " + strconv.Itoa(int(size)))
		}
		if !poisoned(recMeta[rCanary:]) {
			panic("read_next_record wrote past the offset")
		}
		r, err := DecodePayload(inbuf[:n])
		if err != nil {
			panic("deserializing record failed: " + err.Error())
		}
		ev := Event{
			Record:     r,
			Attributes: int64(recMeta[rAttributes]),
			Timestamp:  le64(recMeta[rTimestamp:]),
			Offset:     le64(recMeta[rOffset:]),
			Batch:      &b,
		}
		if err := t.handle(&ev, abiWriter{}); err != nil {
			panic("transforming record failed: " + err.Error())
		}
	}
}
