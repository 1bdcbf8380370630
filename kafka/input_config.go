package kafka

import (
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	fieldTopics           = "topics"
	fieldRegexpTopics     = "regexp_topics"
	fieldConsumerGroup    = "consumer_group"
	fieldRackID           = "rack_id"
	fieldCheckpointLimit  = "checkpoint_limit"
	fieldCommitPeriod     = "commit_period"
	fieldStartFromOldest  = "start_from_oldest"
	fieldSessionTimeout   = "session_timeout"
	fieldHeartbeatPeriod  = "heartbeat_period"
	fieldRebalanceTimeout = "rebalance_timeout"
	fieldFetchMaxWait     = "fetch_max_wait"
)

func inputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Categories("Services").
		Summary("Reads records from Kafka topics with the franz-go client; the input of the same name in Redpanda Connect, with the differences below.").
		Description(`
With a `+"`consumer_group`"+`, the partitions of the topics are shared among the members of the group and
offsets are committed under its name; without one, every partition (or the listed ones) is read.

== Delivery: at least once

An offset is committed only after the output has acknowledged its record and every earlier record of the
same partition (with several pipeline threads acknowledgements arrive out of order; the input commits the
acknowledged prefix). A record the output rejects is retried until it is delivered (with
`+"`auto_replay_nacks: false`"+` it is dropped and counts as done, as in Redpanda Connect). When the group takes
partitions away (a rebalance, a member joining or leaving), the input commits what was acknowledged and
forgets the rest: the next owner reads from the committed offset, so records in flight at that moment may
be delivered twice; none is lost. The same holds for a crash or a broker restart.

== Metadata

Each message carries these metadata fields, and one field per record header (named as the header; the
last one wins when a name repeats, unless `+"`multi_header`"+` makes each a list of all its values; a header
named like one of these fields is dropped):

- `+"`kafka_key`"+`: the key, as text. Absent when the key is null (Redpanda Connect sets it to an empty string).
- `+"`kafka_topic`"+`, `+"`kafka_partition`"+` (int), `+"`kafka_offset`"+` (int)
- `+"`kafka_timestamp_ms`"+` (int64, milliseconds), `+"`kafka_timestamp_unix`"+` (int64, seconds)
- `+"`kafka_lag`"+` (int): how many records of the partition follow this one when it was read
- `+"`kafka_tombstone_message`"+` (bool): true when the value is null; the payload is then empty

These are the fields wasm_smt reads a record from, and the fields the kafka_franz output writes one back from.
`).
		Fields(connectionFields()...).
		Fields(
			service.NewStringListField(fieldTopics).
				Description("Topics to read. An item may list several comma-separated topics. `topic:partition` reads one partition, "+
					"`topic:first-last` a range of partitions (inclusive), `topic:partition:offset` one partition from an offset; "+
					"explicit partitions cannot be used with a consumer group, with regexp_topics, or mixed with whole topics. "+
					"Required unless regexp_topics_include is set.").
				Example([]string{"foo", "bar"}).
				Example([]string{"foo,bar"}).
				Example([]string{"foo:0", "bar:1", "bar:3"}).
				Example([]string{"foo:0-5"}).
				Example([]string{"foo:0:100"}).
				Optional(), // required unless regexp_topics_include is set
			service.NewBoolField(fieldRegexpTopics).
				Description("Whether the topics are regular expressions: every topic matching one is read (matches are refreshed every metadata_max_age). Redpanda Connect deprecates it in favour of regexp_topics_include.").
				Default(false),
			service.NewStringField(fieldConsumerGroup).
				Description("The consumer group to read as. Its members share the partitions, and offsets are committed and resumed under its name. Without it nothing is committed and reading starts as `start_offset` (or `start_from_oldest`) says each time.").
				Optional(),
			service.NewStringField(fieldRackID).
				Description("The rack of this client, for brokers that serve fetches from the closest replica.").
				Default("").Advanced(),
			service.NewIntField(fieldCheckpointLimit).
				Description("The most records of one partition read but not yet committable (waiting for their acknowledgement or an earlier record's). Past it, fetching from that partition pauses until acknowledgements catch up; a fetch already under way still completes, so this is a soft limit.").
				Default(1024).Advanced(),
			service.NewAutoRetryNacksToggleField(),
			service.NewDurationField(fieldCommitPeriod).
				Description("How often acknowledged offsets are committed. They are also committed when partitions are revoked and on shutdown.").
				Default("5s").Advanced(),
			service.NewBoolField(fieldStartFromOldest).
				Description("Where to start when the group has no committed offset (or it no longer exists): the oldest record when true, otherwise only records written from now on. Replaced by start_offset, which wins when both are set.").
				Default(true).Advanced(),
			service.NewDurationField(fieldSessionTimeout).
				Description("How long a group member may go without a heartbeat before the broker removes it and gives its partitions to others.").
				Default("45s").Advanced(),
			service.NewDurationField(fieldHeartbeatPeriod).
				Description("How often a group member sends a heartbeat; at most a third of session_timeout.").
				Default("3s").Advanced(),
			service.NewDurationField(fieldRebalanceTimeout).
				Description("How long members may take to finish their work and commit when a rebalance begins.").
				Default("60s").Advanced(),
			service.NewDurationField(fieldFetchMaxWait).
				Description("The longest a broker waits for new records before answering a fetch. A partition assigned or resumed while a fetch waits joins the next fetch, so a shorter wait picks it up sooner, at the cost of more requests when idle.").
				Default("5s").Advanced(),
			service.NewBatchPolicyField(fieldBatching).
				Description("Batches records of the same partition together (each partition keeps its order). Acknowledging a batch acknowledges each of its records.").
				Advanced(),
		).
		Fields(fetchFields()...).
		LintRule(`
let explicit = this.topics.or([]).any(t -> t.contains(":"))
root = [
  if $explicit && this.consumer_group.or("") != "" {
    "field topics: explicit partitions (topic:partition) cannot be used with a consumer_group"
  } else if $explicit && this.regexp_topics.or(false) {
    "field topics: explicit partitions (topic:partition) cannot be used with regexp_topics"
  },` + fetchLintRules + saslLintRule + `
]
`)
}

func init() {
	err := service.RegisterBatchInput("kafka_franz", inputSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchInput, error) {
			in, err := newInput(conf, mgr)
			if err != nil {
				return nil, err
			}
			wrapped, err := service.AutoRetryNacksBatchedToggled(conf, in)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", service.AutoRetryNacksToggleFieldName, err)
			}
			return wrapped, nil
		})
	if err != nil {
		panic(err)
	}
}

func newInput(conf *service.ParsedConfig, res *service.Resources) (*input, error) {
	in := &input{res: res, log: res.Logger(), parts: map[topicPartition]*partitionState{}}
	conn, err := parseConnection(conf)
	if err != nil {
		return nil, err
	}
	in.opts = conn.opts(in.log)

	consumer, err := in.parseConsumer(conf)
	if err != nil {
		return nil, err
	}
	in.opts = append(in.opts, consumer...)
	return in, nil
}

// parseConsumer reads the consumer fields into franz-go options.
func (in *input) parseConsumer(conf *service.ParsedConfig) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	var err error
	if conf.Contains(fieldConsumerGroup) {
		if in.group, err = conf.FieldString(fieldConsumerGroup); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldConsumerGroup, err)
		}
	}
	start, err := parseStartOffset(conf, in.group)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kgo.ConsumeResetOffset(start))

	choice, err := parseTopicChoice(conf)
	if err != nil {
		return nil, err
	}
	regexp := choice.regexp
	// regexp_topics_include holds expressions only (a colon is part of
	// one); topics may name partitions.
	sel := topicSelection{topics: choice.entries}
	if !choice.fromInclude {
		if sel, err = parseTopics(choice.entries, start); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldTopics, err)
		}
	}
	if len(sel.partitions) > 0 {
		if in.group != "" {
			return nil, fmt.Errorf("field %s: explicit partitions (topic:partition) cannot be used with a %s", fieldTopics, fieldConsumerGroup)
		}
		if regexp {
			return nil, fmt.Errorf("field %s: explicit partitions (topic:partition) cannot be used with %s", fieldTopics, fieldRegexpTopics)
		}
		opts = append(opts, kgo.ConsumePartitions(sel.partitions))
	} else {
		opts = append(opts, kgo.ConsumeTopics(sel.topics...))
		if regexp {
			opts = append(opts, kgo.ConsumeRegex())
		}
		if len(choice.exclude) > 0 {
			opts = append(opts, kgo.ConsumeExcludeTopics(choice.exclude...))
		}
	}
	fetch, err := fetchOpts(conf)
	if err != nil {
		return nil, err
	}
	opts = append(opts, fetch...)
	if in.multiHeader, err = conf.FieldBool(fieldMultiHeader); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldMultiHeader, err)
	}

	rack, err := conf.FieldString(fieldRackID)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldRackID, err)
	}
	if rack != "" {
		opts = append(opts, kgo.Rack(rack))
	}
	fetchMaxWait, err := conf.FieldDuration(fieldFetchMaxWait)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldFetchMaxWait, err)
	}
	if fetchMaxWait < time.Millisecond {
		return nil, fmt.Errorf("field %s: %v is shorter than 1ms", fieldFetchMaxWait, fetchMaxWait)
	}
	opts = append(opts, kgo.FetchMaxWait(fetchMaxWait))
	if in.replayNacks, err = conf.FieldBool(service.AutoRetryNacksToggleFieldName); err != nil {
		return nil, fmt.Errorf("field %s: %w", service.AutoRetryNacksToggleFieldName, err)
	}
	if in.checkpointLimit, err = conf.FieldInt(fieldCheckpointLimit); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldCheckpointLimit, err)
	}
	if in.checkpointLimit < 1 {
		return nil, fmt.Errorf("field %s: %d is not at least 1", fieldCheckpointLimit, in.checkpointLimit)
	}
	if in.commitPeriod, err = conf.FieldDuration(fieldCommitPeriod); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldCommitPeriod, err)
	}
	if in.commitPeriod <= 0 {
		return nil, fmt.Errorf("field %s: %v is not positive", fieldCommitPeriod, in.commitPeriod)
	}
	if in.batchPolicy, err = conf.FieldBatchPolicy(fieldBatching); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldBatching, err)
	}

	if in.group == "" {
		return opts, nil
	}
	durations := map[string]func(time.Duration) kgo.GroupOpt{
		fieldSessionTimeout:   kgo.SessionTimeout,
		fieldHeartbeatPeriod:  kgo.HeartbeatInterval,
		fieldRebalanceTimeout: kgo.RebalanceTimeout,
	}
	for name, opt := range durations {
		d, err := conf.FieldDuration(name)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		opts = append(opts, opt(d))
	}
	return append(opts,
		kgo.ConsumerGroup(in.group),
		kgo.DisableAutoCommit(),
		// Records are tracked before a rebalance may run, so a revoked
		// partition never gets a tracker again from a stale poll.
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsAssigned(in.onAssigned),
		kgo.OnPartitionsRevoked(in.onRevoked),
		kgo.OnPartitionsLost(in.onLost),
	), nil
}
