package kafka

import (
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	fieldTopic                  = "topic"
	fieldKey                    = "key"
	fieldPartition              = "partition"
	fieldPartitioner            = "partitioner"
	fieldMetadata               = "metadata"
	fieldTimestamp              = "timestamp"
	fieldTimestampMs            = "timestamp_ms"
	fieldMaxInFlight            = "max_in_flight"
	fieldBatching               = "batching"
	fieldIdempotentWrite        = "idempotent_write"
	fieldAcks                   = "acks"
	fieldCompression            = "compression"
	fieldAllowAutoTopicCreation = "allow_auto_topic_creation"
	fieldTimeout                = "timeout"
	fieldMaxMessageBytes        = "max_message_bytes"
)

func outputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Categories("Services").
		Summary("Writes messages to Kafka topics with the franz-go client; the output of the same name in Redpanda Connect, with the differences below.").
		Description(`
A batch is acknowledged once every record of it is written (as the `+"`acks`"+` field asks); a record that
fails is retried by the pipeline, not dropped.

== What a message becomes

Where a field is not set, the record is written from the metadata the `+"`kafka_franz`"+` input sets, so a
record read from Kafka and changed by `+"`wasm_smt`"+` (key, headers, timestamp, tombstone) round-trips:

- key: `+"`key`"+` when set; otherwise the metadata field `+"`kafka_key`"+` when present; otherwise null.
- value: the payload; null (a tombstone) when the metadata field `+"`kafka_tombstone_message`"+` is true.
- timestamp: `+"`timestamp_ms`"+` or `+"`timestamp`"+` when set; otherwise `+"`kafka_timestamp_ms`"+` when present; otherwise the time of writing.
- headers: the metadata fields `+"`metadata`"+` includes, except the Kafka bookkeeping fields (`+"`kafka_key`"+`, `+"`kafka_topic`"+`,
  `+"`kafka_partition`"+`, `+"`kafka_offset`"+`, `+"`kafka_timestamp_ms`"+`, `+"`kafka_timestamp_unix`"+`, `+"`kafka_lag`"+`, `+"`kafka_tombstone_message`"+`), sorted by name.

Differences from Redpanda Connect: there, an unset `+"`key`"+` writes no key, an unset timestamp writes the time of writing,
`+"`metadata`"+` can write the bookkeeping fields as headers and `+"`kafka_tombstone_message`"+` is not read.
`).
		Fields(connectionFields()...).
		Fields(
			service.NewInterpolatedStringField(fieldTopic).
				Description("The topic to write each message to.").
				Example(`${! meta("kafka_topic") }-out`),
			service.NewInterpolatedStringField(fieldKey).
				Description("The key of each record. When not set, the metadata field `kafka_key` is the key, and a message without it gets a null key (Redpanda Connect writes no key).").
				Optional(),
			service.NewInterpolatedStringField(fieldPartition).
				Description("The partition of each record, an integer; only with `partitioner: manual`.").
				Example(`${! meta("kafka_partition") }`).
				Optional(),
			service.NewStringAnnotatedEnumField(fieldPartitioner, map[string]string{
				"murmur2_hash": "Kafka's default: the murmur2 hash of the key picks the partition (records without a key stick to a partition per batch).",
				"round_robin":  "Records go to every partition in turn.",
				"least_backup": "Records go to the partition with the fewest records waiting to be written.",
				"manual":       "The `partition` field picks the partition.",
			}).
				Description("How a record's partition is chosen. Default: `murmur2_hash`.").
				Advanced().Optional(),
			service.NewMetadataFilterField(fieldMetadata).
				Description("Which metadata fields are written as record headers. The Kafka bookkeeping fields (`kafka_key`, `kafka_offset`, ...) never are, even when included (Redpanda Connect writes them). Not set: no headers.").
				Optional(),
			service.NewInterpolatedStringField(fieldTimestamp).
				Description("The record timestamp in seconds since the Unix epoch. When neither this nor `timestamp_ms` is set, the metadata field `kafka_timestamp_ms` is the timestamp, and a message without it gets the time of writing (Redpanda Connect always uses the time of writing).").
				Example(`${! timestamp_unix() }`).
				Advanced().Optional(),
			service.NewInterpolatedStringField(fieldTimestampMs).
				Description("The record timestamp in milliseconds since the Unix epoch. When neither this nor `timestamp` is set, the metadata field `kafka_timestamp_ms` is the timestamp, and a message without it gets the time of writing.").
				Example(`${! timestamp_unix_milli() }`).
				Advanced().Optional(),
			service.NewIntField(fieldMaxInFlight).
				Description("The most batches written at the same time.").
				Default(10),
			service.NewBatchPolicyField(fieldBatching),
			service.NewBoolField(fieldIdempotentWrite).
				Description("Idempotent writes: a retried produce request cannot write a record twice. The brokers must allow it (the IDEMPOTENT_WRITE permission on the cluster).").
				Default(true).Advanced(),
			service.NewStringAnnotatedEnumField(fieldAcks, map[string]string{
				"all":    "Every in-sync replica has the record (required by idempotent_write).",
				"leader": "The partition leader has the record.",
				"none":   "No acknowledgement from the broker: records may be lost.",
			}).
				Description("What the broker must confirm before a record counts as written.").
				Default("all").Advanced(),
			service.NewStringEnumField(fieldCompression, "lz4", "snappy", "gzip", "none", "zstd").
				Description("The compression of record batches. Default: snappy, or none if the broker does not support it.").
				Advanced().Optional(),
			service.NewBoolField(fieldAllowAutoTopicCreation).
				Description("Create a topic that does not exist when it is first written to (if the brokers allow it).").
				Default(true).Advanced(),
			service.NewDurationField(fieldTimeout).
				Description("The longest a produce request may take before it is abandoned and retried.").
				Default("10s").Advanced(),
			service.NewStringField(fieldMaxMessageBytes).
				Description("The largest record batch sent to a broker, in bytes (Kafka's max.message.bytes).").
				Default("1MiB").Example("100MB").Advanced(),
		).
		Fields(producerLimitFields()...).
		LintRule(`root = [
  match {
    this.partitioner.or("") == "manual" && this.partition.or("") == "" => "field partition: required when partitioner is manual"
    this.partitioner.or("") != "manual" && this.partition.or("") != "" => "field partition: only used when partitioner is manual"
    this.timestamp.or("") != "" && this.timestamp_ms.or("") != "" => "fields timestamp and timestamp_ms: set at most one"
    this.idempotent_write.or(true) && this.acks.or("all") != "all" => "field acks: idempotent_write requires acks: all"
  },` + producerLimitLintRules + saslLintRule + `
]`)
}

func init() {
	err := service.RegisterBatchOutput("kafka_franz", outputSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			out, err := newOutput(conf, mgr.Logger())
			if err != nil {
				return nil, service.BatchPolicy{}, 0, err
			}
			maxInFlight, err := conf.FieldInt(fieldMaxInFlight)
			if err != nil {
				return nil, service.BatchPolicy{}, 0, fmt.Errorf("field %s: %w", fieldMaxInFlight, err)
			}
			if maxInFlight < 1 {
				return nil, service.BatchPolicy{}, 0, fmt.Errorf("field %s: %d is not at least 1", fieldMaxInFlight, maxInFlight)
			}
			policy, err := conf.FieldBatchPolicy(fieldBatching)
			if err != nil {
				return nil, service.BatchPolicy{}, 0, fmt.Errorf("field %s: %w", fieldBatching, err)
			}
			return out, policy, maxInFlight, nil
		})
	if err != nil {
		panic(err)
	}
}

// parseRecordBuilder reads the fields that say what a message becomes.
func parseRecordBuilder(conf *service.ParsedConfig) (recordBuilder, error) {
	var b recordBuilder
	var err error
	if b.topic, err = conf.FieldInterpolatedString(fieldTopic); err != nil {
		return b, fmt.Errorf("field %s: %w", fieldTopic, err)
	}
	if conf.Contains(fieldKey) {
		if b.key, err = conf.FieldInterpolatedString(fieldKey); err != nil {
			return b, fmt.Errorf("field %s: %w", fieldKey, err)
		}
	}
	partitioner := "murmur2_hash"
	if conf.Contains(fieldPartitioner) {
		if partitioner, err = conf.FieldString(fieldPartitioner); err != nil {
			return b, fmt.Errorf("field %s: %w", fieldPartitioner, err)
		}
	}
	hasPartition := false
	if s, _ := conf.FieldString(fieldPartition); s != "" {
		hasPartition = true
		if b.partition, err = conf.FieldInterpolatedString(fieldPartition); err != nil {
			return b, fmt.Errorf("field %s: %w", fieldPartition, err)
		}
	}
	switch {
	case partitioner == "manual" && !hasPartition:
		return b, fmt.Errorf("field %s: required when %s is manual", fieldPartition, fieldPartitioner)
	case partitioner != "manual" && hasPartition:
		return b, fmt.Errorf("field %s: only used when %s is manual", fieldPartition, fieldPartitioner)
	}
	if conf.Contains(fieldMetadata) {
		if b.headers, err = conf.FieldMetadataFilter(fieldMetadata); err != nil {
			return b, fmt.Errorf("field %s: %w", fieldMetadata, err)
		}
		if b.headers.IsEmpty() {
			b.headers = nil
		}
	}
	for _, f := range []struct {
		name string
		unit time.Duration
	}{{fieldTimestamp, time.Second}, {fieldTimestampMs, time.Millisecond}} {
		if !conf.Contains(f.name) {
			continue
		}
		if b.timestamp != nil {
			return b, fmt.Errorf("fields %s and %s: set at most one", fieldTimestamp, fieldTimestampMs)
		}
		if b.timestamp, err = conf.FieldInterpolatedString(f.name); err != nil {
			return b, fmt.Errorf("field %s: %w", f.name, err)
		}
		b.timestampField, b.timestampUnit = f.name, f.unit
	}
	return b, nil
}

// producerOpts reads the fields that tune franz-go's producer.
func producerOpts(conf *service.ParsedConfig) ([]kgo.Opt, error) {
	var opts []kgo.Opt

	partitioner := "murmur2_hash"
	if conf.Contains(fieldPartitioner) {
		partitioner, _ = conf.FieldString(fieldPartitioner)
	}
	switch partitioner {
	case "murmur2_hash":
		opts = append(opts, kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	case "round_robin":
		opts = append(opts, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	case "least_backup":
		opts = append(opts, kgo.RecordPartitioner(kgo.LeastBackupPartitioner()))
	case "manual":
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	default:
		return nil, fmt.Errorf("field %s: unknown partitioner %q", fieldPartitioner, partitioner)
	}

	idempotent, err := conf.FieldBool(fieldIdempotentWrite)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldIdempotentWrite, err)
	}
	acks, err := conf.FieldString(fieldAcks)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldAcks, err)
	}
	switch acks {
	case "all":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "leader":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	case "none":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
	default:
		return nil, fmt.Errorf("field %s: unknown value %q", fieldAcks, acks)
	}
	if idempotent && acks != "all" {
		return nil, fmt.Errorf("field %s: %s requires acks: all, got %q", fieldAcks, fieldIdempotentWrite, acks)
	}
	if !idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}

	if conf.Contains(fieldCompression) {
		name, err := conf.FieldString(fieldCompression)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldCompression, err)
		}
		codecs := map[string]kgo.CompressionCodec{
			"lz4": kgo.Lz4Compression(), "snappy": kgo.SnappyCompression(), "gzip": kgo.GzipCompression(),
			"zstd": kgo.ZstdCompression(), "none": kgo.NoCompression(),
		}
		codec, ok := codecs[name]
		if !ok {
			return nil, fmt.Errorf("field %s: unknown codec %q", fieldCompression, name)
		}
		opts = append(opts, kgo.ProducerBatchCompression(codec))
	}

	autoCreate, err := conf.FieldBool(fieldAllowAutoTopicCreation)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldAllowAutoTopicCreation, err)
	}
	if autoCreate {
		opts = append(opts, kgo.AllowAutoTopicCreation())
	}

	timeout, err := conf.FieldDuration(fieldTimeout)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldTimeout, err)
	}
	opts = append(opts, kgo.ProduceRequestTimeout(timeout))

	// franz-go refuses a batch limit outside [512 B, 1 GiB].
	maxBytes, err := bytesField(conf, fieldMaxMessageBytes, minRecordBatchBytes, maxRecordBatchBytes)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kgo.ProducerBatchMaxBytes(int32(maxBytes)))
	limits, err := producerLimitOpts(conf, idempotent, maxBytes)
	if err != nil {
		return nil, err
	}
	return append(opts, limits...), nil
}
