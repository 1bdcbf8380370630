package kafka

import (
	"fmt"
	"math"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The output's fields that bound franz-go's producer, named, typed and
// defaulted as in Redpanda Connect's kafka_franz output.
const (
	fieldBrokerWriteMaxBytes   = "broker_write_max_bytes"
	fieldMaxBufferedRecords    = "max_buffered_records"
	fieldMaxBufferedBytes      = "max_buffered_bytes"
	fieldMaxInFlightRequests   = "max_in_flight_requests"
	fieldRecordRetries         = "record_retries"
	fieldRecordDeliveryTimeout = "record_delivery_timeout"
)

// franz-go's bounds: a record batch between 512 B and 1 GiB, a write to a
// broker between 1 KiB and 1 GiB, a record delivery timeout of 0 (none) or
// at least 1s.
const (
	minRecordBatchBytes   = 512
	maxRecordBatchBytes   = 1 << 30
	minBrokerWriteBytes   = 1 << 10
	maxBrokerWriteBytes   = 1 << 30
	minRecordDeliveryTime = 1e9 // 1s, as a time.Duration
)

// producerLimitFields are the output's fields beyond the original set.
func producerLimitFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringField(fieldRackID).
			Description("The rack of this client. Writing does not use it (franz-go uses the rack for fetching only); accepted so that configs written for Redpanda Connect, where it is deprecated on the output, still run.").
			Default("").Advanced(),
		service.NewStringField(fieldBrokerWriteMaxBytes).
			Description("The most bytes written to a broker connection at once (Kafka's socket.request.max.bytes). Between 1KiB and 1GiB, and at least `max_message_bytes`.").
			Default("100MiB").Example("128MB").Advanced(),
		service.NewIntField(fieldMaxBufferedRecords).
			Description("The most records buffered in the client, waiting to be written; past it, writing a batch waits until records are delivered.").
			Default(10000).Advanced(),
		service.NewStringField(fieldMaxBufferedBytes).
			Description("The most bytes of records buffered in the client, checked after `max_buffered_records`; past it, writing waits. A record larger than it fails. `0`: no byte limit.").
			Default("0").Example("256MB").Advanced(),
		service.NewIntField(fieldMaxInFlightRequests).
			Description("The most produce requests in flight to one broker. Must be 1 with `idempotent_write` (franz-go keeps one request in flight per broker to keep idempotent sequence numbers gapless); above 1 needs `idempotent_write: false`, and retries may then reorder or duplicate records. Not `max_in_flight`, which counts batches written at once.").
			Default(1).Advanced(),
		service.NewIntField(fieldRecordRetries).
			Description("How many times writing a record is retried before the record fails (the pipeline then retries its message); when one fails, every record buffered for the same partition fails with it. `0`: no limit. With `idempotent_write` the limit applies only where it is safe for sequence numbers.").
			Default(0).Advanced(),
		service.NewDurationField(fieldRecordDeliveryTimeout).
			Description("The longest a record may wait in the client before it fails (roughly Kafka's delivery.timeout.ms), checked before a request is written and after a response; every record buffered for the same partition fails with it. `0s`: no limit; otherwise at least 1s. With `idempotent_write` it applies only where it is safe for sequence numbers.").
			Default("0s").Advanced(),
	}
}

// producerLimitLintRules are lint rule items for producerLimitFields.
const producerLimitLintRules = `
  if this.idempotent_write.or(true) && this.max_in_flight_requests.or(1) != 1 {
    "field max_in_flight_requests: must be 1 with idempotent_write (set idempotent_write: false to allow more)"
  },
  if this.max_in_flight_requests.or(1) < 1 { "field max_in_flight_requests: must be at least 1" },
  if this.max_buffered_records.or(1) < 1 { "field max_buffered_records: must be at least 1" },
  if this.record_retries.or(0) < 0 { "field record_retries: must not be negative (0: no limit)" },
`

// producerLimitOpts reads producerLimitFields into franz-go options;
// maxMessageBytes is the max_message_bytes already read.
func producerLimitOpts(conf *service.ParsedConfig, idempotent bool, maxMessageBytes uint64) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	rack, err := conf.FieldString(fieldRackID)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldRackID, err)
	}
	if rack != "" {
		opts = append(opts, kgo.Rack(rack))
	}

	writeMax, err := bytesField(conf, fieldBrokerWriteMaxBytes, minBrokerWriteBytes, maxBrokerWriteBytes)
	if err != nil {
		return nil, err
	}
	if writeMax < maxMessageBytes {
		return nil, fmt.Errorf("field %s: %s is less than %s (%s)", fieldBrokerWriteMaxBytes, sizeText(writeMax), fieldMaxMessageBytes, sizeText(maxMessageBytes))
	}
	opts = append(opts, kgo.BrokerMaxWriteBytes(int32(writeMax)))

	records, err := conf.FieldInt(fieldMaxBufferedRecords)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldMaxBufferedRecords, err)
	}
	if records < 1 {
		return nil, fmt.Errorf("field %s: %d is not at least 1", fieldMaxBufferedRecords, records)
	}
	opts = append(opts, kgo.MaxBufferedRecords(records))

	bufBytes, err := bytesField(conf, fieldMaxBufferedBytes, 0, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	if bufBytes > 0 {
		opts = append(opts, kgo.MaxBufferedBytes(int(bufBytes)))
	}

	inflight, err := conf.FieldInt(fieldMaxInFlightRequests)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldMaxInFlightRequests, err)
	}
	switch {
	case inflight < 1:
		return nil, fmt.Errorf("field %s: %d is not at least 1", fieldMaxInFlightRequests, inflight)
	case idempotent && inflight != 1:
		return nil, fmt.Errorf("field %s: must be 1 with %s, got %d (set %s: false to allow more)", fieldMaxInFlightRequests, fieldIdempotentWrite, inflight, fieldIdempotentWrite)
	case !idempotent:
		// franz-go ignores it with idempotency (and refuses anything but 1).
		opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(inflight))
	}

	retries, err := conf.FieldInt(fieldRecordRetries)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldRecordRetries, err)
	}
	if retries < 0 {
		return nil, fmt.Errorf("field %s: %d is negative (0: no limit)", fieldRecordRetries, retries)
	}
	if retries > 0 {
		opts = append(opts, kgo.RecordRetries(retries))
	}

	timeout, err := conf.FieldDuration(fieldRecordDeliveryTimeout)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldRecordDeliveryTimeout, err)
	}
	if timeout < 0 || (timeout > 0 && timeout < minRecordDeliveryTime) {
		return nil, fmt.Errorf("field %s: %v is neither 0s (no limit) nor at least 1s", fieldRecordDeliveryTimeout, timeout)
	}
	if timeout > 0 {
		opts = append(opts, kgo.RecordDeliveryTimeout(timeout))
	}
	return opts, nil
}
