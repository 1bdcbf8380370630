// Package kafkameta holds how a Kafka record's parts sit in a Benthos
// message's metadata: the kafka_* field names, and how their values read.
// The kafka_franz input and output and the wasm_smt processor share it.
package kafkameta

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// The metadata fields that describe a record (besides one field per header).
const (
	// Key holds the record key; it is absent when the key is null.
	Key = "kafka_key"
	// Topic holds the record's topic.
	Topic = "kafka_topic"
	// Partition holds the partition (an int).
	Partition = "kafka_partition"
	// Offset holds the record's offset (an int).
	Offset = "kafka_offset"
	// TimestampMs holds the timestamp in milliseconds since the Unix epoch (an int64).
	TimestampMs = "kafka_timestamp_ms"
	// TimestampUnix holds the timestamp in seconds since the Unix epoch (an int64).
	TimestampUnix = "kafka_timestamp_unix"
	// Lag holds how many records of the partition follow this one (an int).
	Lag = "kafka_lag"
	// Tombstone is true when the record value is null.
	Tombstone = "kafka_tombstone_message"
)

// bookkeeping is the one list of the fields above, with what each holds:
// the Kafka input and output never treat them as headers, and wasm_smt
// refuses a guest's header of one of their names, saying what it holds.
var bookkeeping = map[string]string{
	Key:           "the record's key",
	Topic:         "the record's topic",
	Partition:     "the record's partition",
	Offset:        "the record's offset",
	TimestampMs:   "the record's timestamp",
	TimestampUnix: "the record's timestamp",
	Lag:           "the consumer lag",
	Tombstone:     "whether the value is absent",
}

// IsBookkeeping reports whether a metadata field describes a record
// (kafka_key, kafka_offset, ...) rather than carrying one of its headers.
func IsBookkeeping(name string) bool {
	_, ok := bookkeeping[name]
	return ok
}

// Bookkeeping returns the names of every field that describes a record, in
// ascending order.
func Bookkeeping() []string {
	return slices.Sorted(maps.Keys(bookkeeping))
}

// Holds says what a field that describes a record holds, such as "the
// record's offset", for errors; it is "" for any other name.
func Holds(name string) string { return bookkeeping[name] }

// IsTombstone reports whether msg stands for a record with a null value:
// its Tombstone field is the boolean true or the text "true".
func IsTombstone(msg *service.Message) bool {
	v, ok := msg.MetaGetMut(Tombstone)
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

// Int reads a whole number from a metadata value: Kafka inputs store ints,
// mappings and other inputs may store other number types or text. A
// time.Time reads as milliseconds since the Unix epoch.
func Int(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int32:
		return int64(n), nil
	case int64:
		return n, nil
	case uint32:
		return int64(n), nil
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
	return 0, fmt.Errorf("%v (%T) is not a whole number", v, v)
}
