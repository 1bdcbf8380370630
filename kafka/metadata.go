package kafka

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Metadata fields the kafka_franz input sets on every message (besides one
// field per record header). They are the names wasm_smt reads a record's
// parts from by default.
const (
	// MetaKey holds the record key; it is absent when the key is null.
	MetaKey = "kafka_key"
	// MetaTopic holds the topic the record was read from.
	MetaTopic = "kafka_topic"
	// MetaPartition holds the partition (int).
	MetaPartition = "kafka_partition"
	// MetaOffset holds the record's offset (int).
	MetaOffset = "kafka_offset"
	// MetaTimestampMs holds the record timestamp in milliseconds since the
	// Unix epoch (int64).
	MetaTimestampMs = "kafka_timestamp_ms"
	// MetaTimestampUnix holds the record timestamp in seconds since the Unix
	// epoch (int64).
	MetaTimestampUnix = "kafka_timestamp_unix"
	// MetaLag holds how many records of the partition follow this one (int).
	MetaLag = "kafka_lag"
	// MetaTombstone is true when the record value is null (a tombstone).
	MetaTombstone = "kafka_tombstone_message"
)

// bookkeeping are the metadata fields that describe a record rather than
// carry its headers: the output never writes them as headers.
var bookkeeping = map[string]bool{
	MetaKey: true, MetaTopic: true, MetaPartition: true, MetaOffset: true,
	MetaTimestampMs: true, MetaTimestampUnix: true, MetaLag: true, MetaTombstone: true,
}

// IsBookkeeping reports whether a metadata field is one the input sets to
// describe a record (kafka_key, kafka_offset, ...) rather than a header.
func IsBookkeeping(name string) bool { return bookkeeping[name] }

// recordToMessage turns a consumed record into a message: the value is the
// payload, headers become metadata fields of their own names (the last one
// wins when a name repeats; a header named like a bookkeeping field is
// dropped), and the bookkeeping fields describe the record. highWatermark
// is the partition's end offset when the record was fetched.
func recordToMessage(r *kgo.Record, highWatermark int64) *service.Message {
	msg := service.NewMessage(r.Value)
	for _, h := range r.Headers {
		if !bookkeeping[h.Key] {
			msg.MetaSetMut(h.Key, string(h.Value))
		}
	}
	if r.Key != nil {
		msg.MetaSetMut(MetaKey, string(r.Key))
	}
	msg.MetaSetMut(MetaTopic, r.Topic)
	msg.MetaSetMut(MetaPartition, int(r.Partition))
	msg.MetaSetMut(MetaOffset, int(r.Offset))
	msg.MetaSetMut(MetaTimestampMs, r.Timestamp.UnixMilli())
	msg.MetaSetMut(MetaTimestampUnix, r.Timestamp.Unix())
	lag := highWatermark - r.Offset - 1
	if lag < 0 {
		lag = 0
	}
	msg.MetaSetMut(MetaLag, int(lag))
	msg.MetaSetMut(MetaTombstone, r.Value == nil)
	return msg
}

// recordBuilder turns a message into a record to produce, from the output's
// fields, falling back on the bookkeeping metadata where a field is unset
// so that a consumed record round-trips.
type recordBuilder struct {
	topic *service.InterpolatedString
	// key, when nil, is taken from kafka_key (absent: null key).
	key *service.InterpolatedString
	// partition, when nil, is left to the partitioner.
	partition *service.InterpolatedString
	// timestamp, when nil, is taken from kafka_timestamp_ms (absent: the
	// time of writing).
	timestamp      *service.InterpolatedString
	timestampField string        // the field timestamp came from
	timestampUnit  time.Duration // time.Second or time.Millisecond
	// headers selects the metadata written as headers; nil writes none.
	headers *service.MetadataFilter
}

// build makes the record for msg. Errors name the field at fault.
func (b *recordBuilder) build(msg *service.Message) (*kgo.Record, error) {
	r := &kgo.Record{}
	var err error
	if r.Topic, err = b.topic.TryString(msg); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldTopic, err)
	}
	if r.Topic == "" {
		return nil, fmt.Errorf("field %s: the topic is empty", fieldTopic)
	}

	if b.key != nil {
		if r.Key, err = b.key.TryBytes(msg); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldKey, err)
		}
		if r.Key == nil {
			r.Key = []byte{}
		}
	} else if k, ok := msg.MetaGet(MetaKey); ok {
		r.Key = []byte(k)
	}

	if isTombstone(msg) {
		r.Value = nil
	} else {
		if r.Value, err = msg.AsBytes(); err != nil {
			return nil, fmt.Errorf("message payload: %w", err)
		}
		if r.Value == nil {
			r.Value = []byte{} // an empty value, not a tombstone
		}
	}

	if b.partition != nil {
		s, err := b.partition.TryString(msg)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldPartition, err)
		}
		p, err := strconv.ParseInt(s, 10, 32)
		if err != nil || p < 0 {
			return nil, fmt.Errorf("field %s: %q is not a partition number", fieldPartition, s)
		}
		r.Partition = int32(p)
	}

	if r.Timestamp, err = b.recordTime(msg); err != nil {
		return nil, err
	}

	if b.headers != nil {
		_ = b.headers.Walk(msg, func(k, v string) error {
			if !bookkeeping[k] {
				r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
			}
			return nil
		})
		// Metadata has no order; sorted headers make the output repeatable.
		sort.Slice(r.Headers, func(i, j int) bool { return r.Headers[i].Key < r.Headers[j].Key })
	}
	return r, nil
}

// recordTime is the record timestamp: the configured field, else
// kafka_timestamp_ms, else zero (franz-go then uses the time of writing).
func (b *recordBuilder) recordTime(msg *service.Message) (time.Time, error) {
	if b.timestamp != nil {
		s, err := b.timestamp.TryString(msg)
		if err != nil {
			return time.Time{}, fmt.Errorf("field %s: %w", b.timestampField, err)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("field %s: %q is not an integer", b.timestampField, s)
		}
		if b.timestampUnit == time.Second {
			return time.Unix(n, 0), nil
		}
		return time.UnixMilli(n), nil
	}
	v, ok := msg.MetaGetMut(MetaTimestampMs)
	if !ok {
		return time.Time{}, nil
	}
	ms, err := metaMillis(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("metadata %s: %w", MetaTimestampMs, err)
	}
	return time.UnixMilli(ms), nil
}

// metaMillis reads milliseconds from a metadata value: the input stores an
// int64, mappings and other inputs may store other numbers, text or a time.
func metaMillis(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int32:
		return int64(n), nil
	case int64:
		return n, nil
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), nil
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<62 {
			return int64(n), nil
		}
	case string:
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			return i, nil
		}
	case time.Time:
		return n.UnixMilli(), nil
	}
	return 0, fmt.Errorf("%v (%T) is not milliseconds since the Unix epoch", v, v)
}

// isTombstone reports whether kafka_tombstone_message is true (the boolean
// or the text "true").
func isTombstone(msg *service.Message) bool {
	v, ok := msg.MetaGetMut(MetaTombstone)
	if !ok {
		return false
	}
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return t == "true"
	}
	return false
}
