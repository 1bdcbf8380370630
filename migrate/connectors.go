package migrate

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kafka's own file connectors, the only connectors translated in full.
const (
	fileSinkClass   = "org.apache.kafka.connect.file.FileStreamSinkConnector"
	fileSourceClass = "org.apache.kafka.connect.file.FileStreamSourceConnector"
)

// connectorAliases are the short names Kafka Connect accepts for its file
// connectors (plugin aliases: the simple class name, with or without the
// Connector suffix).
var connectorAliases = map[string]string{
	"FileStreamSinkConnector":   fileSinkClass,
	"FileStreamSink":            fileSinkClass,
	"FileStreamSourceConnector": fileSourceClass,
	"FileStreamSource":          fileSourceClass,
}

// canonicalConnector resolves a connector alias to its class name.
func canonicalConnector(class string) string {
	if full, ok := connectorAliases[class]; ok {
		return full
	}
	return class
}

// brokers is where the Kafka side connects: a Kafka Connect worker has its
// own bootstrap.servers, which a connector's config does not hold.
const brokers = "${KAFKA_BROKERS:127.0.0.1:9092}"

// isSink tells a sink connector from a source: sinks read topics.
func isSink(c *Connector, class string) bool {
	if c.has("topics") || c.has("topics.regex") {
		return true
	}
	simple := class[strings.LastIndex(class, ".")+1:]
	return strings.Contains(simple, "Sink")
}

// connectorIO builds the input and output of the connector (the output
// before error handling), and processors the input needs.
func (t *translator) connectorIO() (input, output *yaml.Node, inputProcs []*yaml.Node, err error) {
	switch {
	case t.class == fileSinkClass:
		input, err = t.kafkaInput()
		path := t.c.str("file", "")
		if path == "" {
			output = component("stdout", newObj().set("codec", str("lines"), "").node,
				"FileStreamSinkConnector without file writes each record value to standard output."+t.outputNote("value"))
		} else {
			output = component("file", newObj().
				set("path", str(path), "").
				set("codec", str("lines"), "").node,
				"FileStreamSinkConnector: each record value on its own line, appended to file."+t.outputNote("value"))
		}
		return input, output, nil, err
	case t.class == fileSourceClass:
		topic := t.c.str("topic", "")
		if topic == "" {
			return nil, nil, nil, t.c.invalidf("connector.class", "FileStreamSourceConnector needs topic")
		}
		t.c.get("batch.size") // how many lines one poll returns: no equivalent needed
		path := t.c.str("file", "")
		scanner := newObj().set("lines", emptyObj(), "").node
		if path == "" {
			input = component("stdin", newObj().set("scanner", scanner, "").node,
				"FileStreamSourceConnector without file reads standard input, one record per line.")
		} else {
			input = component("file", newObj().
				set("paths", flowSeq(str(path)), "").
				set("scanner", scanner, "").node,
				"FileStreamSourceConnector: one record per line of file.")
			t.omit("file", "FileStreamSourceConnector follows the file for new lines (like tail -f); the file input reads it once, to its end, and stops")
		}
		inputProcs = append(inputProcs, sourceRecord(fmt.Sprintf("meta kafka_topic = %s", bloblangString(topic)),
			"A source record: no headers (the input's own metadata is dropped), topic "+topic+"."))
		output = t.kafkaOutput()
		output.Content[0].HeadComment = commentText(strings.TrimPrefix(t.outputNote("value"), "\n"))
		return input, output, inputProcs, nil
	case t.sink:
		input, err = t.kafkaInput()
		output = component("stdout", newObj().set("codec", str("lines"), "").node,
			fmt.Sprintf("TODO: %s is not translated: replace this placeholder with the output\n"+
				"that writes to its system (see its settings in the list at the top).", t.class)+t.outputNote("key", "value"))
		return input, output, nil, err
	default:
		input = component("stdin", newObj().set("scanner", newObj().set("lines", emptyObj(), "").node, "").node,
			fmt.Sprintf("TODO: %s is not translated: replace this placeholder with the input\n"+
				"that reads its system (see its settings in the list at the top), and set each\n"+
				"message's kafka_topic (and kafka_key) as the connector would.", t.class))
		output = t.kafkaOutput()
		output.Content[0].HeadComment = commentText(strings.TrimPrefix(t.outputNote("key", "value"), "\n"))
		return input, output, nil, nil
	}
}

// sourceRecord is the input processor that makes a message look like a
// source connector's record before the transforms see it.
func sourceRecord(mapping, comment string) *yaml.Node {
	n := component("mapping", bloblang("meta = deleted()\n"+mapping), "")
	n.HeadComment = commentText(comment)
	return n
}

// kafkaInput is the consumer of a sink connector, in the consumer group
// Kafka Connect uses for it, so committed offsets carry over.
func (t *translator) kafkaInput() (*yaml.Node, error) {
	topics := t.c.list("topics")
	regex := t.c.str("topics.regex", "")
	fields := newObj().set("seed_brokers", flowSeq(envStr(brokers)), "")
	switch {
	case len(topics) > 0 && regex != "":
		return nil, t.c.invalidf("topics.regex", "set topics or topics.regex, not both")
	case len(topics) > 0:
		items := make([]*yaml.Node, len(topics))
		for i, topic := range topics {
			items[i] = str(topic)
		}
		fields.set("topics", flowSeq(items...), "")
	case regex != "":
		if err := checkRegex(regex); err != nil {
			t.omit("topics.regex", "%v", err)
		}
		if strings.ContainsAny(regex, ",:") {
			// The input splits topics on commas and reads a colon as a
			// partition: such a pattern cannot be written there.
			t.omit("topics.regex", "the pattern %q has a ',' or ':', which the kafka_franz topics field cannot hold", regex)
		}
		// Kafka subscribes to topics the pattern matches as a whole; the
		// input's patterns match anywhere in the name, so anchor it.
		fields.set("topics", flowSeq(str("^("+regex+")$")), "topics.regex, anchored: Kafka matches the whole topic name.")
		fields.set("regexp_topics", boolNode(true), "")
	default:
		return nil, t.c.invalidf("connector.class", "a sink connector needs topics or topics.regex")
	}
	fields.set("consumer_group", str("connect-"+t.c.Name),
		"Kafka Connect's group for this sink: offsets it committed carry over (stop the connector first).")
	return component("kafka_franz", fields.node, ""), nil
}

// kafkaOutputFields are the fields of a kafka_franz output to topic; every
// header (metadata but the kafka_* bookkeeping fields) is written.
func (t *translator) kafkaOutputFields(topic *yaml.Node) *obj {
	return newObj().
		set("seed_brokers", flowSeq(envStr(brokers)), "").
		set("topic", topic, "").
		set("metadata", newObj().set("include_patterns", flowSeq(quoted(".*")), "").node,
			"Headers: every metadata field but the kafka_* bookkeeping ones.")
}

// kafkaOutput writes a source connector's records to the topic each carries
// in kafka_topic (set by the source, maybe changed by a router).
func (t *translator) kafkaOutput() *yaml.Node {
	return component("kafka_franz", t.kafkaOutputFields(str("${! @kafka_topic }")).node, "")
}
