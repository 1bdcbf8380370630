package migrate

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MirrorMaker 2's settings and defaults (connect/mirror: MirrorSourceConfig,
// MirrorConnectorConfig, DefaultTopicFilter, DefaultReplicationPolicy).
const (
	mirrorTopicsDefault  = ".*"
	mirrorExcludeDefault = `.*[\-\.]internal, .*\.replica, __.*`
	defaultPolicy        = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy"
	identityPolicy       = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"
	defaultTopicFilter   = "org.apache.kafka.connect.mirror.DefaultTopicFilter"
)

// The clients of a MirrorSourceConnector: its own consumer of the source
// cluster (source.cluster.* narrowed to client settings, consumer.*,
// source.consumer.*), and the producer to the target cluster.
var (
	mirrorConsumer = clientSide{role: "consumer", overrides: []string{"source.consumer.", "consumer."}, security: []string{"source.cluster."}, env: "SOURCE_KAFKA"}
	mirrorProducer = clientSide{role: "producer", overrides: []string{"producer.override."}, security: []string{"target.cluster."}, env: "TARGET_KAFKA"}
)

// mirrorOwnSettings are MirrorSourceConnector settings with nothing to do
// here, or that belong to the other MirrorMaker 2 connectors (a dedicated
// MirrorMaker 2 config sets them all together); Kafka Connect ignores what
// a connector does not define.
var mirrorOwnSettings = []string{
	"enabled", "admin.timeout.ms", "replication.policy.internal.topic.separator.enabled",
	"consumer.poll.timeout.ms", "forwarding.admin.class", "task.index",
	"groups", "groups.exclude", "group.filter.class", "emit.checkpoints.enabled", "emit.checkpoints.interval.seconds",
	"sync.group.offsets.enabled", "sync.group.offsets.interval.seconds", "refresh.groups.enabled", "refresh.groups.interval.seconds",
	"checkpoints.topic.replication.factor", "emit.heartbeats.enabled", "emit.heartbeats.interval.seconds", "heartbeats.topic.replication.factor",
}

// mirrorSource translates MirrorSourceConnector: the records of the source
// cluster's topics it selects, copied to the target cluster under the
// names its replication policy gives, with their keys, values, headers,
// timestamps and partitions.
func (t *translator) mirrorSource() (input, output *yaml.Node, err error) {
	for _, k := range mirrorOwnSettings {
		t.c.get(k)
	}
	sourceAlias := t.c.str("source.cluster.alias", "source")
	targetAlias := t.c.str("target.cluster.alias", "target")
	sourceBrokers, sbKey := t.c.str("source.cluster.bootstrap.servers", ""), "source.cluster.bootstrap.servers"
	if sourceBrokers == "" {
		return nil, nil, t.c.invalidf("connector.class", "MirrorSourceConnector needs %s (the cluster it copies from)", sbKey)
	}
	t.ownBrokers = true

	in := newObj().set("seed_brokers", t.brokerList(sbKey, sourceBrokers), "The source cluster "+sourceAlias+": source.cluster.bootstrap.servers.")
	include, exclude, err := t.mirrorTopics(targetAlias)
	if err != nil {
		return nil, nil, err
	}
	in.set("regexp_topics_include", flowSeq(include...),
		"topics (MirrorMaker 2's are regular expressions, matching whole names); MirrorMaker 2 also copies heartbeats topics. A topic created later is found at the next metadata refresh.")
	in.set("regexp_topics_exclude", flowSeq(exclude...),
		"topics.exclude (its default when unset), then the topics MirrorMaker 2 never copies: internal ones (__*, .*, *.internal, *-internal) and, with the default replication policy, those copied from the target cluster (no cycles).")
	in.set("consumer_group", str("mirror-"+t.c.Name),
		"MirrorMaker 2 keeps its position in Kafka Connect's offsets, not in a group; here the input commits it as this group, on the source cluster.")
	in.set("start_offset", str("earliest"), "MirrorMaker 2's consumer default (auto.offset.reset=earliest): every record the source still has.")
	if secs := t.c.str("refresh.topics.interval.seconds", ""); secs != "" {
		n, perr := strconv.Atoi(secs)
		if perr != nil || n <= 0 {
			return nil, nil, t.c.invalidf("refresh.topics.interval.seconds", "%q is not a positive number of seconds", secs)
		}
		in.set("metadata_max_age", str(fmt.Sprintf("%ds", n)), "refresh.topics.interval.seconds: how often new topics are looked for.")
	}
	if t.c.str("refresh.topics.enabled", "true") == "false" {
		t.omit("refresh.topics.enabled", "false: MirrorMaker 2 then never looks for new topics; the input still does, every metadata_max_age")
	}
	if err := t.clientFields(mirrorConsumer, in); err != nil {
		return nil, nil, err
	}
	input = component("kafka_franz", in.node, "")

	topic, topicNote := t.mirrorTopicName(sourceAlias)
	out := newObj()
	if target := t.c.str("target.cluster.bootstrap.servers", ""); target != "" {
		out.set("seed_brokers", t.brokerList("target.cluster.bootstrap.servers", target),
			"The target cluster "+targetAlias+": target.cluster.bootstrap.servers. (Kafka Connect writes MirrorMaker 2's records through its worker, to the worker's cluster, which is the target cluster.)")
	} else {
		t.ownBrokers = false
		out.set("seed_brokers", flowSeq(envStr(brokers)), "The target cluster: the worker's (target.cluster.bootstrap.servers is not set).")
	}
	out.set("topic", str(topic), topicNote)
	out.set("partitioner", str("manual"), "Each record keeps its partition, as MirrorMaker 2 does.")
	out.set("partition", str("${! @kafka_partition }"), "")
	out.set("metadata", newObj().set("include_patterns", flowSeq(quoted(".*")), "").node,
		"Every header copied (a header named like a kafka_* bookkeeping field is dropped, and of a repeated header name only the last value is kept); key, value and timestamp are copied as they are (the output writes kafka_key and kafka_timestamp_ms when no key or timestamp is set).")
	if err := t.clientFields(mirrorProducer, out); err != nil {
		return nil, nil, err
	}
	output = component("kafka_franz", out.node, "")

	t.mirrorOmissions(fieldValue(in, "start_offset"))
	return input, output, nil
}

// brokerList is a bootstrap.servers value as seed_brokers.
func (t *translator) brokerList(key, v string) *yaml.Node {
	var items []*yaml.Node
	for _, b := range splitList(v) {
		items = append(items, t.valueNode(key, b))
	}
	return flowSeq(items...)
}

// anchored makes a Java pattern that must match a whole topic name a Go one.
func anchored(p string) string { return "^(?:" + p + ")$" }

// mirrorTopics are the input's include and exclude expressions: MM2's
// topics and topics.exclude (lists of Java regular expressions each matched
// against the whole name), and what MirrorSourceConnector never copies.
func (t *translator) mirrorTopics(targetAlias string) (include, exclude []*yaml.Node, err error) {
	if f := t.c.str("topic.filter.class", defaultTopicFilter); f != defaultTopicFilter {
		t.omit("topic.filter.class", "the topic filter %s is not reproduced: topics and topics.exclude select the topics", f)
	}
	patterns := func(key, def string) []string {
		raw, set := t.c.get(key)
		if !set {
			raw = def
		}
		var out []string
		for _, p := range splitList(raw) {
			re, perr := t.javaPattern(key, p)
			var untranslatable errUntranslatable
			switch {
			case errors.As(perr, &untranslatable):
				t.omit(key, "%v; left out", untranslatable.err)
				continue
			case perr != nil:
				if err == nil {
					err = perr // MirrorMaker 2 refuses the config
				}
				continue
			}
			out = append(out, re.re2)
		}
		return out
	}
	inc := patterns("topics", mirrorTopicsDefault)
	if len(inc) == 0 {
		t.omit("topics", "selects no topic: nothing is copied")
		include = append(include, quoted("^$"))
	}
	for _, p := range inc {
		include = append(include, quoted(anchored(p)))
	}
	sep := t.c.str("replication.policy.separator", ".")
	if t.c.str("heartbeats.replication.enabled", "true") != "false" {
		include = append(include, quoted(anchored("(?:.*"+regexp.QuoteMeta(sep)+")?heartbeats")))
	}
	for _, p := range patterns("topics.exclude", mirrorExcludeDefault) {
		exclude = append(exclude, quoted(anchored(p)))
	}
	exclude = append(exclude, quoted(anchored(`__.*|\..*|.*\.internal|.*-internal`)))
	if t.replicationPolicy() == defaultPolicy {
		exclude = append(exclude, quoted(anchored("(?:.*"+regexp.QuoteMeta(sep)+")?"+regexp.QuoteMeta(targetAlias+sep)+".*")))
	}
	return include, exclude, err
}

func (t *translator) replicationPolicy() string {
	return normalizeClass(t.c.str("replication.policy.class", defaultPolicy))
}

// mirrorTopicName is the output topic: the replication policy's name for
// the record's topic.
func (t *translator) mirrorTopicName(sourceAlias string) (string, string) {
	sep := t.c.str("replication.policy.separator", ".")
	switch policy := t.replicationPolicy(); policy {
	case defaultPolicy:
		return sourceAlias + sep + "${! @kafka_topic }", fmt.Sprintf("DefaultReplicationPolicy: <source alias>%s<topic> (replication.policy.separator %q).", sep, sep)
	case identityPolicy:
		return "${! @kafka_topic }", "IdentityReplicationPolicy: the same topic name (a heartbeats topic too, where MirrorMaker 2 prefixes it with the source alias)."
	default:
		t.omit("replication.policy.class", "the replication policy %s is not reproduced: records keep their topic name (set topic to the names it gives)", policy)
		return "${! @kafka_topic }", "TODO: the names replication.policy.class gives; here the same name."
	}
}

// mirrorOmissions lists what MirrorSourceConnector does besides copying
// records, which the pipeline does not.
func (t *translator) mirrorOmissions(start string) {
	t.c.get("replication.factor")
	t.c.get("config.properties.exclude")
	t.c.get("config.property.filter.class")
	t.c.get("sync.topic.configs.interval.seconds")
	t.c.get("sync.topic.acls.interval.seconds")
	t.c.get("offset-syncs.topic.location")
	t.c.get("offset-syncs.topic.replication.factor")
	t.c.get("offset.lag.max")
	if start == "latest" {
		t.omit("connector.class", "MirrorSourceConnector's position (in Kafka Connect's offsets) does not carry over: the pipeline starts as a new consumer group on the source cluster, at the latest records (auto.offset.reset=latest), so records written between MirrorMaker 2's position and the start are not copied; stop MirrorMaker 2 first")
	} else {
		t.omit("connector.class", "MirrorSourceConnector's position (in Kafka Connect's offsets) does not carry over: the pipeline starts as a new consumer group on the source cluster, at the earliest records, so records MirrorMaker 2 already copied are copied again; stop MirrorMaker 2 first and expect duplicates (or set start_offset: latest and accept a gap)")
	}
	if t.c.str("emit.offset-syncs.enabled", "true") != "false" {
		t.omit("emit.offset-syncs.enabled", "MirrorMaker 2 records offset syncs (the mm2-offset-syncs topic) from which MirrorCheckpointConnector translates consumer group offsets to the target cluster; none are written here, so consumer groups cannot fail over to the copies with translated offsets")
	}
	if t.c.str("sync.topic.configs.enabled", "true") != "false" {
		t.omit("sync.topic.configs.enabled", "MirrorMaker 2 creates each remote topic with the source topic's partition count (and replication.factor) and keeps its configuration in sync; here a missing topic is created on first write with the broker's defaults: create the remote topics first, with at least the source's partitions, since each record keeps its partition")
	}
	if t.c.str("sync.topic.acls.enabled", "true") != "false" {
		t.omit("sync.topic.acls.enabled", "MirrorMaker 2 copies topic ACLs to the target cluster; not done here")
	}
	for _, prefix := range []string{"producer.", "target.producer.", "source.producer.", "admin.", "source.admin.", "target.admin.", "target.consumer."} {
		for _, k := range t.c.withPrefix(prefix) {
			if strings.HasPrefix(k, "producer.override.") || t.c.used[k] {
				continue
			}
			t.c.get(k)
			t.omit(k, "configures a client MirrorMaker 2 uses for offset syncs or topic administration, which the pipeline does not have")
		}
	}
}
