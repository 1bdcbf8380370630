package transform

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// hostFunctions is module redpanda_transform as the host provides it. They
// run on the guest's goroutine.
var hostFunctions = []hostabi.HostFunction{
	{Name: "check_abi_version_1", Signature: importSignatures["check_abi_version_1"], Run: func(*hostabi.Exchange, []uint64) {}},
	{Name: "check_abi_version_2", Signature: importSignatures["check_abi_version_2"], Run: func(*hostabi.Exchange, []uint64) {}},
	{Name: "check_abi_version_3", Signature: importSignatures["check_abi_version_3"], Run: func(*hostabi.Exchange, []uint64) {}},
	// read_batch_metadata (version 3) gives what the broker knows of the
	// producer of the batch (principal, client id and address, TLS). A
	// pipeline knows none of it: every key reads as absent (0 bytes).
	{Name: "read_batch_metadata", Signature: importSignatures["read_batch_metadata"], Run: func(_ *hostabi.Exchange, s []uint64) {
		s[0] = 0
	}},
	{Name: "read_batch_header", Signature: importSignatures["read_batch_header"], Run: readBatchHeader},
	{Name: "read_next_record", Signature: importSignatures["read_next_record"], Run: readNextRecord},
	{Name: "write_record", Signature: importSignatures["write_record"], Run: writeRecord},
	{Name: "write_record_with_options", Signature: importSignatures["write_record_with_options"], Run: writeRecordWithOptions},
}

func instanceOf(x *hostabi.Exchange) *Instance { return x.State().(*Instance) }

func result(n int) uint64 { return uint64(uint32(int32(n))) }

// readBatchHeader ends the batch in progress (if any), tells the host, and
// waits for the next batch; then it writes the batch header and returns the
// largest record payload, which the SDKs size their buffer with.
func readBatchHeader(x *hostabi.Exchange, s []uint64) {
	in := instanceOf(x)
	in.sized = sized{}
	if b := in.cur; b != nil {
		in.finishRecord(b)
		in.cur = nil
	}
	in.disarm()
	in.events <- event{}
	var b *batch
	select {
	case b = <-in.batches:
	case <-in.closing:
		s[0] = result(resultNoBatch)
		return
	}
	in.cur = b
	x.ResetCounts()
	in.arm()
	n := len(b.recs)
	maxTS := b.timestamps[0]
	for _, ts := range b.timestamps {
		maxTS = max(maxTS, ts)
	}
	x.WriteUint64(uint32(s[0]), uint64(b.offsets[0]))                // base offset
	x.WriteUint32(uint32(s[1]), uint32(n))                           // record count
	x.WriteUint32(uint32(s[2]), ^uint32(0))                          // partition leader epoch: unknown (-1)
	x.WriteUint16(uint32(s[3]), 0)                                   // attributes
	x.WriteUint32(uint32(s[4]), uint32(b.offsets[n-1]-b.offsets[0])) // last offset delta
	x.WriteUint64(uint32(s[5]), uint64(b.timestamps[0]))             // base timestamp
	x.WriteUint64(uint32(s[6]), uint64(maxTS))                       // max timestamp
	x.WriteUint64(uint32(s[7]), ^uint64(0))                          // producer id: none (-1)
	x.WriteUint16(uint32(s[8]), ^uint16(0))                          // producer epoch: none (-1)
	x.WriteUint32(uint32(s[9]), ^uint32(0))                          // base sequence: none (-1)
	s[0] = result(b.maxSize)
}

// readNextRecord ends the current record and copies the next one's payload
// into the guest's buffer, with its attributes, timestamp and offset.
func readNextRecord(x *hostabi.Exchange, s []uint64) {
	in := instanceOf(x)
	b := in.cur
	if b == nil {
		s[0] = result(resultNoRecord)
		return
	}
	in.finishRecord(b)
	// What the host refused the guest, or answered it -1 or -2 for,
	// belongs to the record it was doing then.
	b.refusal, in.sized = nil, sized{}
	if b.next == len(b.recs) {
		s[0] = result(resultNoRecord)
		return
	}
	payload := b.payload(b.next)
	if uint64(len(payload)) > uint64(uint32(s[4])) {
		s[0] = result(resultBufferSmall)
		return
	}
	x.ResetCounts()
	x.WriteUint8(uint32(s[0]), 0)
	x.WriteUint64(uint32(s[1]), uint64(b.timestamps[b.next]))
	x.WriteUint64(uint32(s[2]), uint64(b.offsets[b.next]))
	x.Write(uint32(s[3]), payload)
	b.current, b.writes = b.next, 0
	b.next++
	in.arm()
	s[0] = result(len(payload))
}

// finishRecord ends the current record: one the guest wrote nothing for is
// dropped.
func (in *Instance) finishRecord(b *batch) {
	if b.current < 0 {
		return
	}
	if b.writes == 0 {
		b.recs[b.current].Drop()
	}
	b.current = -1
}

func writeRecord(x *hostabi.Exchange, s []uint64) {
	s[0] = result(write(x, uint32(s[0]), uint32(s[1]), nil))
}

func writeRecordWithOptions(x *hostabi.Exchange, s []uint64) {
	opts := x.Read(uint32(s[2]), uint32(s[3]))
	topic, err := parseOptions(opts)
	if err != nil {
		instanceOf(x).refuse(fmt.Errorf("write_record_with_options: %w", err))
		s[0] = result(resultBadPayload)
		return
	}
	s[0] = result(write(x, uint32(s[0]), uint32(s[1]), topic))
}

// write gives one written record to the current record, and returns what
// the guest gets back: the length, or a negative result.
func write(x *hostabi.Exchange, ptr, length uint32, topic []byte) int {
	in := instanceOf(x)
	b := in.cur
	if b == nil || b.current < 0 {
		in.refuse(errors.New("a record was written outside a record's transform"))
		return resultOutsideBatch
	}
	if topic != nil && !in.isOutputTopic(topic) {
		in.refuse(fmt.Errorf("topic %q is not one of output_topics %q", topic, in.cfg.OutputTopics))
		return resultUnknownTopic
	}
	p, err := parsePayload(x.Read(ptr, length))
	if err != nil {
		in.refuse(fmt.Errorf("the written record is not a record payload: %w", err))
		return resultBadPayload
	}
	if topic == nil && len(in.cfg.OutputTopics) > 0 {
		topic = []byte(in.cfg.OutputTopics[0])
	}
	rec := b.recs[b.current]
	if b.writes > 0 {
		rec = rec.Emit()
	}
	b.writes++
	if err := apply(rec, p, topic); err != nil {
		// The host cannot store what the guest wrote (a converter refused
		// it): the record fails.
		x.Fail(err)
	}
	return int(length)
}

func (in *Instance) refuse(err error) {
	if in.cur != nil {
		in.cur.refusal = err
	}
}

func (in *Instance) isOutputTopic(topic []byte) bool {
	for _, t := range in.cfg.OutputTopics {
		if t == string(topic) {
			return true
		}
	}
	return false
}

// parseOptions reads write_record_with_options' options: none, or the
// topic option (0x01, a varint length, the name). It returns the topic, or
// nil for none.
func parseOptions(opts []byte) ([]byte, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	if opts[0] != optionTopic {
		return nil, fmt.Errorf("unknown option 0x%02x (expected 0x%02x, the output topic)", opts[0], optionTopic)
	}
	n, size := binary.Varint(opts[1:])
	if size <= 0 || n < 0 || n > int64(len(opts)-1-size) {
		return nil, errors.New("the topic option's length does not fit the options")
	}
	topic := opts[1+size : 1+size+int(n)]
	if rest := len(opts) - 1 - size - int(n); rest != 0 {
		return nil, fmt.Errorf("%d bytes after the topic option", rest)
	}
	return topic, nil
}

// apply replaces rec's key, value and headers with the written record's,
// and its topic when one is given. A null header value is stored empty:
// message metadata has no null.
func apply(rec record.Record, p Payload, topic []byte) error {
	if p.Key == nil {
		rec.RemoveKey()
	} else if err := rec.SetKey(p.Key); err != nil {
		return err
	}
	if p.Value == nil {
		rec.RemoveValue()
	} else if err := rec.SetValue(p.Value); err != nil {
		return err
	}
	for _, name := range rec.HeaderNames(nil) {
		rec.RemoveHeader([]byte(name))
	}
	for _, h := range p.Headers {
		if err := rec.SetHeader(h.Key, nonNil(h.Value)); err != nil {
			return err
		}
	}
	if topic != nil {
		return rec.SetTopic(topic)
	}
	return nil
}
