package processor

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// pendingPart is a write the guest made to one part of the record during the
// call in progress. Nothing reaches the message before commit.
type pendingPart struct {
	written bool         // set or removed in this call
	removed bool         // removed: the part is now absent
	guest   []byte       // the bytes as the guest set them; later getters see these
	stored  codec.Stored // what the message gets: raw bytes, or a structured value
}

// messageRecord shows a Benthos message to a guest as a record (it implements
// record.Record), buffering every write until commit, so a failed call
// leaves the message exactly as it was. One is reused per instance.
type messageRecord struct {
	f       *recordFields
	arena   *byteArena // the copies of what the guest sets; shared with emitted records
	msg     *service.Message
	key     pendingPart
	topic   pendingPart
	value   pendingPart
	headers map[string]pendingPart

	timestampSet bool
	timestamp    int64
	dropped      bool
	emitted      []*messageRecord // records emitted in this call, over copies of msg

	// keyView and valueView are the JSON a schema-aware converter decoded
	// for this call, before it or when the guest first read the part (see
	// recordFields.prepare and setSchemaPart).
	keyView, valueView []byte

	// dirty: the guest wrote something in this call. A call that only
	// reads, the common case, then costs no reset and no commit.
	dirty bool
}

func newMessageRecord(f *recordFields) *messageRecord {
	return &messageRecord{f: f, arena: &byteArena{free: f.chunks}, headers: map[string]pendingPart{}}
}

// reset points the record at msg, forgetting every pending write.
func (r *messageRecord) reset(msg *service.Message) {
	r.msg = msg
	r.keyView, r.valueView = nil, nil
	if !r.dirty {
		return
	}
	r.dirty = false
	// Only written parts hold anything (nothing else sets a part), and a
	// part is large enough, with pointers, that clearing all three on every
	// call showed in profiles: most calls write only the value.
	for _, p := range []*pendingPart{&r.key, &r.topic, &r.value} {
		if p.written {
			*p = pendingPart{}
		}
	}
	if len(r.headers) > 0 {
		clear(r.headers)
	}
	r.timestampSet, r.timestamp, r.dropped = false, 0, false
	if len(r.emitted) > 0 {
		clear(r.emitted)
		r.emitted = r.emitted[:0]
	}
}

// lookup views name as a string for map lookups, without copying it. The
// result must not be kept.
func lookup(name []byte) string { return unsafe.String(unsafe.SliceData(name), len(name)) }

// absentError is a part the record does not have. Its text says so once:
// it matches record.ErrAbsent, so the ABI hands the guest its absent value,
// without appending that error's own text ("absent").
type absentError struct{ msg string }

func (e *absentError) Error() string        { return e.msg }
func (e *absentError) Is(target error) bool { return target == record.ErrAbsent }

func absent(format string, args ...any) error {
	return &absentError{msg: fmt.Sprintf(format, args...)}
}

func absentErr(what, field string) error {
	return absent("the record has no %s (metadata field %q is not set)", what, field)
}

// pending returns what the guest wrote earlier in this call.
func (p *pendingPart) pending(what string) ([]byte, error) {
	if p.removed {
		return nil, absent("the record has no %s (removed earlier in this call)", what)
	}
	return p.guest, nil
}

// Key implements record.Record.
func (r *messageRecord) Key() ([]byte, error) {
	if r.key.written {
		return r.key.pending("key")
	}
	if r.keyView != nil {
		return r.keyView, nil // decoded before the call (recordFields.prepare)
	}
	v, ok := r.msg.MetaGetMut(r.f.keyMeta)
	if !ok {
		return nil, absentErr("key", r.f.keyMeta)
	}
	b, err := r.f.keyConv.FromValue(v)
	if err != nil {
		return nil, fmt.Errorf("key (metadata field %q): %w", r.f.keyMeta, err)
	}
	if r.f.schemas.key != nil {
		r.keyView = b
	}
	return b, nil
}

// SetKey implements record.Record.
func (r *messageRecord) SetKey(b []byte) error {
	r.dirty = true
	var err error
	if sc := r.f.schemas.key; sc != nil {
		err = r.key.setSchemaPart(r.arena, b, r.keyView, metaBytes(r.msg, r.f.keyMeta), sc)
	} else {
		err = r.key.set(r.arena, b, r.f.keyConv.ToHost)
	}
	if err != nil {
		return fmt.Errorf("key: %w", err)
	}
	return nil
}

// RemoveKey implements record.Record.
func (r *messageRecord) RemoveKey() { r.dirty = true; r.key.remove() }

// Value implements record.Record.
func (r *messageRecord) Value() ([]byte, error) {
	if r.value.written {
		return r.value.pending("value")
	}
	if r.isTombstone() {
		return nil, absent("the record has no value (it is a tombstone: metadata field %q is true)", kafkameta.Tombstone)
	}
	if r.valueView != nil {
		return r.valueView, nil // decoded before the call (recordFields.prepare)
	}
	raw, err := r.msg.AsBytes()
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	b, err := r.f.valueConv.FromBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	if r.f.schemas.value != nil {
		r.valueView = b
	}
	return b, nil
}

// SetValue implements record.Record.
func (r *messageRecord) SetValue(b []byte) error {
	r.dirty = true
	var err error
	if sc := r.f.schemas.value; sc != nil {
		err = r.value.setSchemaPart(r.arena, b, r.valueView, r.originalValue(), sc)
	} else {
		err = r.value.set(r.arena, b, r.f.valueConv.ToHost)
	}
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	return nil
}

// RemoveValue implements record.Record.
func (r *messageRecord) RemoveValue() { r.dirty = true; r.value.remove() }

func (r *messageRecord) isTombstone() bool { return kafkameta.IsTombstone(r.msg) }

// Topic implements record.Record. Topics are text: no converter applies.
func (r *messageRecord) Topic() ([]byte, error) {
	if r.topic.written {
		return r.topic.pending("topic")
	}
	v, ok := r.msg.MetaGetMut(r.f.topicMeta)
	if !ok {
		return nil, absentErr("topic", r.f.topicMeta)
	}
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), nil
}

// SetTopic implements record.Record.
func (r *messageRecord) SetTopic(b []byte) error {
	r.dirty = true
	return r.topic.set(r.arena, b, keepBytes)
}

// RemoveTopic implements record.Record.
func (r *messageRecord) RemoveTopic() { r.dirty = true; r.topic.remove() }

// Header implements record.Record.
func (r *messageRecord) Header(name []byte) ([]byte, error) {
	key := lookup(name)
	if p, ok := r.headers[key]; ok {
		return p.pending(fmt.Sprintf("header %q", key))
	}
	if !r.f.isHeader(key) {
		return nil, absent("the record has no header %q", key)
	}
	v, ok := r.msg.MetaGetMut(key)
	if !ok {
		return nil, absent("the record has no header %q", key)
	}
	b, err := r.f.headerConv.FromValue(v)
	if err != nil {
		return nil, fmt.Errorf("header %q: %w", key, err)
	}
	return b, nil
}

// SetHeader implements record.Record.
func (r *messageRecord) SetHeader(name, value []byte) error {
	r.dirty = true
	key := lookup(name)
	if meaning, reserved := r.f.reserved[key]; reserved {
		return fmt.Errorf("header %q cannot be set: metadata field %q holds %s", key, key, meaning)
	}
	var p pendingPart
	var err error
	if sc := r.f.schemas.header; sc != nil {
		var original []byte
		if r.f.isHeader(key) {
			original = metaBytes(r.msg, key)
		}
		err = p.setSchemaPart(r.arena, value, nil, original, sc)
	} else {
		err = p.set(r.arena, value, r.f.headerConv.ToHost)
	}
	if err != nil {
		return fmt.Errorf("header %q: %w", key, err)
	}
	r.headers[string(name)] = p
	return nil
}

// RemoveHeader implements record.Record.
func (r *messageRecord) RemoveHeader(name []byte) {
	r.dirty = true
	key := lookup(name)
	if !r.f.isHeader(key) {
		return
	}
	var p pendingPart
	p.remove()
	r.headers[string(name)] = p
}

// HeaderNames implements record.Record.
func (r *messageRecord) HeaderNames(dst []string) []string {
	_ = r.msg.MetaWalkMut(func(k string, _ any) error {
		if _, overridden := r.headers[k]; !overridden && r.f.isHeader(k) {
			dst = append(dst, k)
		}
		return nil
	})
	for k, p := range r.headers {
		if !p.removed {
			dst = append(dst, k)
		}
	}
	return dst
}

// set copies the guest's bytes (a view into guest memory) and converts them.
func (p *pendingPart) set(a *byteArena, b []byte, toHost func([]byte) (codec.Stored, error)) error {
	guest := a.copyOf(b)
	stored, err := toHost(guest)
	if err != nil {
		return err
	}
	*p = pendingPart{written: true, guest: guest, stored: stored}
	return nil
}

func (p *pendingPart) remove() { *p = pendingPart{written: true, removed: true} }

// keepBytes stores the guest's bytes as they are.
func keepBytes(b []byte) (codec.Stored, error) { return codec.RawBytes(b), nil }

// metaValue is what a metadata field gets for a pending write.
func (p *pendingPart) metaValue() any {
	if p.stored.IsStructured() {
		return p.stored.Structured()
	}
	return string(p.stored.Bytes())
}

// commit applies every pending write to the message. It cannot fail: each
// write was converted and checked when the guest made it. It appends to out
// the messages the call leaves: the message itself unless dropped, then the
// emitted ones in order.
func (r *messageRecord) commit(out service.MessageBatch) service.MessageBatch {
	if !r.dropped {
		r.apply()
		out = append(out, r.msg)
	}
	for _, e := range r.emitted {
		e.apply()
		out = append(out, e.msg)
	}
	// The committed slices now belong to the messages.
	r.reset(nil)
	return out
}

// commitInPlace applies the pending writes when the call neither dropped
// nor emitted records (see changesBatch): the batch keeps its shape.
func (r *messageRecord) commitInPlace() {
	if r.dirty {
		r.apply()
	}
	r.reset(nil)
}

// changesBatch reports whether commit would do more than keep the message.
func (r *messageRecord) changesBatch() bool { return r.dropped || len(r.emitted) > 0 }

// apply writes the pending parts into the message.
func (r *messageRecord) apply() {
	r.commitMeta(&r.key, r.f.keyMeta)
	r.commitMeta(&r.topic, r.f.topicMeta)
	if r.value.written {
		switch {
		case r.value.removed:
			r.msg.SetBytes(nil)
			r.msg.MetaSetMut(kafkameta.Tombstone, true)
		case r.value.stored.IsStructured():
			r.msg.SetStructuredMut(r.value.stored.Structured())
			r.endTombstone()
		default:
			r.msg.SetBytes(r.value.stored.Bytes())
			r.endTombstone()
		}
	}
	if len(r.headers) > 0 { // ranging over a map costs even when it is empty
		for k, p := range r.headers {
			r.commitMeta(&p, k)
		}
	}
	if r.timestampSet {
		r.msg.MetaSetMut(r.f.timestampMeta, r.timestamp)
		if _, ok := r.msg.MetaGetMut(kafkameta.TimestampUnix); ok && r.f.timestampMeta == kafkameta.TimestampMs {
			r.msg.MetaSetMut(kafkameta.TimestampUnix, r.timestamp/1000)
		}
	}
}

func (r *messageRecord) commitMeta(p *pendingPart, field string) {
	switch {
	case !p.written:
	case p.removed:
		metaDelete(r.msg, field)
	default:
		r.msg.MetaSetMut(field, p.metaValue())
	}
}

// endTombstone makes a message whose value was set no longer a tombstone.
// Only a field that says tombstone is deleted: the Kafka input sets the field
// (false) on every record, and deleting it would clone the message's whole
// metadata map on every value set (see metaDelete), to say what false says.
func (r *messageRecord) endTombstone() {
	if r.isTombstone() {
		r.msg.MetaDelete(kafkameta.Tombstone)
	}
}

// metaDelete deletes a metadata field if the message has it. The check
// matters: a message an input hands over shares its metadata with the input's
// copy (kept to resend it), and MetaDelete clones the whole map before
// deleting, even a field that is not there.
func metaDelete(msg *service.Message, field string) {
	if _, ok := msg.MetaGetMut(field); ok {
		msg.MetaDelete(field)
	}
}

// HasKey implements record.Record.
func (r *messageRecord) HasKey() bool {
	if r.key.written {
		return !r.key.removed
	}
	_, ok := r.msg.MetaGetMut(r.f.keyMeta)
	return ok
}

// HasHeader implements record.Record.
func (r *messageRecord) HasHeader(name []byte) bool {
	key := lookup(name)
	if p, ok := r.headers[key]; ok {
		return !p.removed
	}
	if !r.f.isHeader(key) {
		return false
	}
	_, ok := r.msg.MetaGetMut(key)
	return ok
}

// Partition implements record.Record.
func (r *messageRecord) Partition() (int32, error) {
	v, ok := r.msg.MetaGetMut(r.f.partitionMeta)
	if !ok {
		return -1, nil
	}
	n, err := kafkameta.Int(v)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0, fmt.Errorf("partition (metadata field %q) is %v, not a partition number", r.f.partitionMeta, v)
	}
	return int32(n), nil
}

// Timestamp implements record.Record.
func (r *messageRecord) Timestamp() (int64, error) {
	if r.timestampSet {
		return r.timestamp, nil
	}
	v, ok := r.msg.MetaGetMut(r.f.timestampMeta)
	if !ok {
		return -1, nil
	}
	n, err := kafkameta.Int(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("timestamp (metadata field %q) is %v, not milliseconds since the Unix epoch", r.f.timestampMeta, v)
	}
	return n, nil
}

// SetTimestamp implements record.Record.
func (r *messageRecord) SetTimestamp(ms int64) error {
	r.dirty = true
	r.timestampSet, r.timestamp = true, ms
	return nil
}

// Drop implements record.Record.
func (r *messageRecord) Drop() { r.dirty, r.dropped = true, true }

// Emit implements record.Record: the new record is over a copy of the
// message as it came in (pending writes are not applied to it).
func (r *messageRecord) Emit() record.Record {
	r.dirty = true
	e := &messageRecord{f: r.f, arena: r.arena, headers: map[string]pendingPart{}}
	e.reset(r.msg.Copy())
	r.emitted = append(r.emitted, e)
	return e
}

// outcome names what a successful call did, for its span.
func (r *messageRecord) outcome() string {
	switch {
	case len(r.emitted) > 0:
		return outcomeEmitted
	case r.dropped:
		return outcomeDropped
	}
	return outcomeOK
}

// Offset implements record.Record: the offset in metadata field
// kafka_offset, which the kafka_franz input sets.
func (r *messageRecord) Offset() (int64, error) {
	v, ok := r.msg.MetaGetMut(kafkameta.Offset)
	if !ok {
		return -1, nil
	}
	n, err := kafkameta.Int(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("offset (metadata field %q) is %v, not an offset", kafkameta.Offset, v)
	}
	return n, nil
}
