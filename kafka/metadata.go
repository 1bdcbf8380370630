package kafka

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// recordToMessage turns a consumed record into a message: the value is the
// payload, headers become metadata fields of their own names (the last one
// wins when a name repeats; a header named like a bookkeeping field is
// dropped), and the bookkeeping fields describe the record. highWatermark
// is the partition's end offset when the record was fetched.
func recordToMessage(r *kgo.Record, highWatermark int64) *service.Message {
	msg := service.NewMessage(r.Value)
	for _, h := range r.Headers {
		if !kafkameta.IsBookkeeping(h.Key) {
			msg.MetaSetMut(h.Key, string(h.Value))
		}
	}
	if r.Key != nil {
		msg.MetaSetMut(kafkameta.Key, string(r.Key))
	}
	msg.MetaSetMut(kafkameta.Topic, r.Topic)
	msg.MetaSetMut(kafkameta.Partition, int(r.Partition))
	msg.MetaSetMut(kafkameta.Offset, int(r.Offset))
	msg.MetaSetMut(kafkameta.TimestampMs, r.Timestamp.UnixMilli())
	msg.MetaSetMut(kafkameta.TimestampUnix, r.Timestamp.Unix())
	lag := highWatermark - r.Offset - 1
	if lag < 0 {
		lag = 0
	}
	msg.MetaSetMut(kafkameta.Lag, int(lag))
	msg.MetaSetMut(kafkameta.Tombstone, r.Value == nil)
	return msg
}

// multiHeaderMessage is recordToMessage for the input's multi_header: each
// header name gets one metadata field holding the list ([]any of strings) of
// all its values in record order, as Redpanda Connect does; a header named
// like a bookkeeping field is still dropped.
func multiHeaderMessage(r *kgo.Record, highWatermark int64) *service.Message {
	msg := recordToMessage(r, highWatermark)
	if len(r.Headers) == 0 {
		return msg
	}
	lists := make(map[string][]any, len(r.Headers))
	for _, h := range r.Headers {
		if !kafkameta.IsBookkeeping(h.Key) {
			lists[h.Key] = append(lists[h.Key], string(h.Value))
		}
	}
	for k, values := range lists {
		msg.MetaSetMut(k, values)
	}
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
	} else if k, ok := msg.MetaGet(kafkameta.Key); ok {
		r.Key = []byte(k)
	}

	if kafkameta.IsTombstone(msg) {
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
			if !kafkameta.IsBookkeeping(k) {
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
	v, ok := msg.MetaGetMut(kafkameta.TimestampMs)
	if !ok {
		return time.Time{}, nil
	}
	ms, err := kafkameta.Int(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("metadata %s: %w", kafkameta.TimestampMs, err)
	}
	return time.UnixMilli(ms), nil
}
