package processor

import (
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// A messageRecord is also the message of the Redpanda Connect wasm ABI
// (connectwasm.Message): the payload is the value, and a metadata field is
// the key, the topic or a header when it holds one, else read as it is.
// Writes stay pending until commit, as the record's do.

// Payload implements connectwasm.Message: a tombstone's is empty.
func (r *messageRecord) Payload() ([]byte, error) {
	b, err := r.Value()
	if record.IsAbsent(err) {
		return nil, nil
	}
	return b, err
}

// SetPayload implements connectwasm.Message.
func (r *messageRecord) SetPayload(b []byte) error { return r.SetValue(b) }

// Meta implements connectwasm.Message.
func (r *messageRecord) Meta(name []byte) ([]byte, bool, error) {
	var b []byte
	var err error
	switch key := lookup(name); {
	case key == r.f.keyMeta:
		b, err = r.Key()
	case key == r.f.topicMeta:
		b, err = r.Topic()
	case r.f.isHeader(key):
		b, err = r.Header(name)
	default: // bookkeeping: kafka_offset, kafka_partition, ...
		v, ok := r.msg.MetaGetMut(key)
		if !ok {
			return nil, false, nil
		}
		if s, isString := v.(string); isString {
			return []byte(s), true, nil
		}
		return []byte(fmt.Sprint(v)), true, nil
	}
	if record.IsAbsent(err) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// SetMeta implements connectwasm.Message. Bookkeeping fields cannot be set:
// they say where the record came from.
func (r *messageRecord) SetMeta(name, value []byte) error {
	switch key := lookup(name); {
	case key == r.f.keyMeta:
		return r.SetKey(value)
	case key == r.f.topicMeta:
		return r.SetTopic(value)
	case key == kafkameta.Tombstone:
		return fmt.Errorf("metadata field %q cannot be set: it says whether the value is absent (set the payload instead)", key)
	}
	return r.SetHeader(name, value)
}
