package kafka

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The input's fields that tune fetching and topic selection, named, typed and
// defaulted as in Redpanda Connect's kafka_franz input.
const (
	fieldMultiHeader               = "multi_header"
	fieldRegexpTopicsInclude       = "regexp_topics_include"
	fieldRegexpTopicsExclude       = "regexp_topics_exclude"
	fieldStartOffset               = "start_offset"
	fieldTransactionIsolationLevel = "transaction_isolation_level"
	fieldFetchMaxBytes             = "fetch_max_bytes"
	fieldFetchMinBytes             = "fetch_min_bytes"
	fieldFetchMaxPartitionBytes    = "fetch_max_partition_bytes"
)

// maxFetchBytes is the most bytes a fetch may ask for: franz-go reads at most
// 1 GiB in one response (BrokerMaxReadBytes).
const maxFetchBytes = 1 << 30

// defaultBrokerMaxReadBytes is franz-go's default BrokerMaxReadBytes.
const defaultBrokerMaxReadBytes = 100 << 20

// fetchFields are the input's fields beyond the original set: topic
// selection by regular expressions, where to start, isolation, fetch sizes
// and multi-valued headers.
func fetchFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringListField(fieldRegexpTopicsInclude).
			Description("Regular expressions: every topic matching one is read (the list of matches is refreshed every `metadata_max_age`). Instead of `topics`, not with it. As in Redpanda Connect an item may hold several comma-separated expressions, so an expression cannot contain a comma.").
			Example([]string{"logs_.*", "metrics_.*"}).
			Optional(),
		service.NewStringListField(fieldRegexpTopicsExclude).
			Description("Regular expressions: a topic matching one is not read, even when it matches `topics` (with `regexp_topics: true`) or `regexp_topics_include`. Only with one of those.").
			Example([]string{"_internal.*"}).
			Optional(),
		service.NewStringAnnotatedEnumField(fieldStartOffset, map[string]string{
			"earliest":  "The oldest record still in the partition (Kafka's auto.offset.reset=earliest).",
			"latest":    "Only records written from now on (auto.offset.reset=latest).",
			"committed": "Only partitions the group has a committed offset for; a partition without one is not read and its fetch error is logged (auto.offset.reset=none). Needs a consumer_group.",
		}).
			Description("Where to start reading a partition that has no committed offset (or whose committed offset no longer exists). Replaces `start_from_oldest`, and wins over it when both are set; not set: `earliest`, or `latest` when `start_from_oldest` is false. `start_from_oldest: false` with `start_offset: earliest` is refused.").
			Advanced().Optional(),
		service.NewStringAnnotatedEnumField(fieldTransactionIsolationLevel, map[string]string{
			"read_uncommitted": "Every record, including those of transactions that are still open or were aborted.",
			"read_committed":   "Only records of committed transactions (and non-transactional records); records of aborted transactions never come out, and reading stops at the first record of a transaction still open.",
		}).
			Description("Which records of transactional producers are read.").
			Default("read_uncommitted").Advanced(),
		service.NewStringField(fieldFetchMaxBytes).
			Description("The most bytes a broker sends in one fetch response (Kafka's fetch.max.bytes); a broker may exceed it to return a single record batch larger than it. At most 1GiB.").
			Default("50MiB").Example("100MiB").Advanced(),
		service.NewStringField(fieldFetchMinBytes).
			Description("The fewest bytes a broker waits for (up to `fetch_max_wait`) before answering a fetch (Kafka's fetch.min.bytes). Larger values mean fewer, larger fetches and more latency.").
			Default("1B").Example("1KiB").Advanced(),
		service.NewStringField(fieldFetchMaxPartitionBytes).
			Description("The most bytes of one partition in a fetch response (Kafka's max.partition.fetch.bytes); a single record batch larger than it is still returned so reading makes progress. Capped at `fetch_max_bytes`.").
			Default("1MiB").Advanced(),
		service.NewBoolField(fieldMultiHeader).
			Description("Gives each header name one metadata field holding the list of all its values, in record order (`[\"a\",\"b\"]`, a one-item list for a single header), so repeated headers are kept; as in Redpanda Connect. Off: one text field per name, the last value winning.").
			Default(false).Advanced(),
	}
}

// fetchLintRules are lint rule items (Bloblang expressions giving a message
// or null) for fetchFields, in the input's lint rule array.
const fetchLintRules = `
  if this.topics.or([]).length() == 0 && this.regexp_topics_include.or([]).length() == 0 {
    "field topics: required, unless regexp_topics_include is set"
  },
  if this.topics.or([]).length() > 0 && this.regexp_topics_include.or([]).length() > 0 {
    "fields topics and regexp_topics_include: set one, not both"
  },
  if this.regexp_topics_exclude.or([]).length() > 0 && !this.regexp_topics.or(false) && this.regexp_topics_include.or([]).length() == 0 {
    "field regexp_topics_exclude: only used with regexp_topics: true or regexp_topics_include"
  },
  if this.start_from_oldest.or(true) == false && this.start_offset.or("") == "earliest" {
    "field start_offset: earliest contradicts start_from_oldest: false (start_offset replaces start_from_oldest: remove it)"
  },
  if this.start_offset.or("") == "committed" && this.consumer_group.or("") == "" {
    "field start_offset: committed needs a consumer_group (only a group has committed offsets)"
  },
`

// topicChoice is what the topic fields select.
type topicChoice struct {
	entries []string // topics, or regular expressions when regexp
	regexp  bool
	exclude []string
	// fromInclude: the entries come from regexp_topics_include.
	fromInclude bool
}

// parseTopicChoice reads topics, regexp_topics, regexp_topics_include and
// regexp_topics_exclude.
func parseTopicChoice(conf *service.ParsedConfig) (topicChoice, error) {
	var c topicChoice
	var err error
	if conf.Contains(fieldTopics) {
		if c.entries, err = conf.FieldStringList(fieldTopics); err != nil {
			return c, fmt.Errorf("field %s: %w", fieldTopics, err)
		}
	}
	if c.regexp, err = conf.FieldBool(fieldRegexpTopics); err != nil {
		return c, fmt.Errorf("field %s: %w", fieldRegexpTopics, err)
	}
	var include []string
	if conf.Contains(fieldRegexpTopicsInclude) {
		if include, err = conf.FieldStringList(fieldRegexpTopicsInclude); err != nil {
			return c, fmt.Errorf("field %s: %w", fieldRegexpTopicsInclude, err)
		}
	}
	if conf.Contains(fieldRegexpTopicsExclude) {
		if c.exclude, err = conf.FieldStringList(fieldRegexpTopicsExclude); err != nil {
			return c, fmt.Errorf("field %s: %w", fieldRegexpTopicsExclude, err)
		}
	}
	switch {
	case len(c.entries) > 0 && len(include) > 0:
		return c, fmt.Errorf("fields %s and %s: set one, not both", fieldTopics, fieldRegexpTopicsInclude)
	case len(include) > 0:
		c.regexp, c.fromInclude = true, true
		for _, item := range include {
			for _, re := range strings.Split(item, ",") {
				if re = strings.TrimSpace(re); re != "" {
					c.entries = append(c.entries, re)
				}
			}
		}
		if len(c.entries) == 0 {
			return c, fmt.Errorf("field %s: no expression given", fieldRegexpTopicsInclude)
		}
	case len(c.entries) == 0:
		return c, fmt.Errorf("field %s: required, unless %s is set", fieldTopics, fieldRegexpTopicsInclude)
	}
	if len(c.exclude) > 0 && !c.regexp {
		return c, fmt.Errorf("field %s: only used with %s: true or %s", fieldRegexpTopicsExclude, fieldRegexpTopics, fieldRegexpTopicsInclude)
	}
	return c, nil
}

// parseStartOffset reads start_offset and start_from_oldest into where a
// partition without a committed offset starts.
func parseStartOffset(conf *service.ParsedConfig, group string) (kgo.Offset, error) {
	fromOldest, err := conf.FieldBool(fieldStartFromOldest)
	if err != nil {
		return kgo.Offset{}, fmt.Errorf("field %s: %w", fieldStartFromOldest, err)
	}
	if !conf.Contains(fieldStartOffset) {
		if fromOldest {
			return kgo.NewOffset().AtStart(), nil
		}
		return kgo.NewOffset().AtEnd(), nil
	}
	name, err := conf.FieldString(fieldStartOffset)
	if err != nil {
		return kgo.Offset{}, fmt.Errorf("field %s: %w", fieldStartOffset, err)
	}
	switch name {
	case "earliest":
		if !fromOldest {
			return kgo.Offset{}, fmt.Errorf("field %s: earliest contradicts %s: false (%s replaces %s: remove it)", fieldStartOffset, fieldStartFromOldest, fieldStartOffset, fieldStartFromOldest)
		}
		return kgo.NewOffset().AtStart(), nil
	case "latest":
		return kgo.NewOffset().AtEnd(), nil
	case "committed":
		if group == "" {
			return kgo.Offset{}, fmt.Errorf("field %s: committed needs a %s (only a group has committed offsets)", fieldStartOffset, fieldConsumerGroup)
		}
		return kgo.NewOffset().AtCommitted(), nil
	}
	return kgo.Offset{}, fmt.Errorf("field %s: unknown value %q (earliest, latest or committed)", fieldStartOffset, name)
}

// fetchOpts reads the isolation level and fetch sizes into franz-go options.
func fetchOpts(conf *service.ParsedConfig) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	level, err := conf.FieldString(fieldTransactionIsolationLevel)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldTransactionIsolationLevel, err)
	}
	switch level {
	case "read_uncommitted":
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	case "read_committed":
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	default:
		return nil, fmt.Errorf("field %s: unknown value %q (read_uncommitted or read_committed)", fieldTransactionIsolationLevel, level)
	}

	maxBytes, err := bytesField(conf, fieldFetchMaxBytes, 1, maxFetchBytes)
	if err != nil {
		return nil, err
	}
	minBytes, err := bytesField(conf, fieldFetchMinBytes, 0, maxFetchBytes)
	if err != nil {
		return nil, err
	}
	maxPartBytes, err := bytesField(conf, fieldFetchMaxPartitionBytes, 1, maxFetchBytes)
	if err != nil {
		return nil, err
	}
	opts = append(opts,
		kgo.FetchMaxBytes(int32(maxBytes)),
		kgo.FetchMinBytes(int32(minBytes)),
		// franz-go caps it at FetchMaxBytes itself.
		kgo.FetchMaxPartitionBytes(int32(maxPartBytes)),
	)
	if maxBytes > defaultBrokerMaxReadBytes {
		// franz-go refuses a fetch larger than the largest response it reads.
		opts = append(opts, kgo.BrokerMaxReadBytes(int32(maxBytes)))
	}
	return opts, nil
}

// bytesField reads a size field ("1MiB", "100MB", "512") and checks it is
// within [lo, hi] bytes.
func bytesField(conf *service.ParsedConfig, name string, lo, hi uint64) (uint64, error) {
	text, err := conf.FieldString(name)
	if err != nil {
		return 0, fmt.Errorf("field %s: %w", name, err)
	}
	n, err := humanize.ParseBytes(text)
	if err != nil {
		return 0, fmt.Errorf("field %s: %w", name, err)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("field %s: %s is not between %s and %s", name, text, sizeText(lo), sizeText(hi))
	}
	return n, nil
}

// sizeText writes a byte count the way the size fields are written.
func sizeText(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
