package migrate

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// brokers is where the Kafka side connects: a Kafka Connect worker has its
// own bootstrap.servers, which a connector's config does not hold.
const brokers = "${KAFKA_BROKERS:127.0.0.1:9092}"

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
				set("path", t.valueNode("file", path), "").
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
				set("paths", flowSeq(t.valueNode("file", path)), "").
				set("scanner", scanner, "").node,
				"FileStreamSourceConnector: one record per line of file.")
			t.omit("file", "FileStreamSourceConnector follows the file for new lines (like tail -f); the file input reads it once, to its end, and stops")
		}
		inputProcs = append(inputProcs, sourceRecord(fmt.Sprintf("meta kafka_topic = %s", bloblangString(topic)),
			"A source record: no headers (the input's own metadata is dropped), topic "+topic+"."))
		output, err = t.kafkaOutput()
		if err != nil {
			return nil, nil, nil, err
		}
		output.Content[0].HeadComment = commentText(strings.TrimPrefix(t.outputNote("value"), "\n"))
		return input, output, inputProcs, nil
	case t.class == mirrorSourceClass:
		input, output, err = t.mirrorSource()
		return input, output, nil, err
	case t.class == confluentHTTPClass:
		input, err = t.kafkaInput()
		if err == nil {
			output, err = t.confluentHTTP()
		}
		return input, output, nil, err
	case t.class == aivenHTTPClass:
		input, err = t.kafkaInput()
		if err == nil {
			output, err = t.aivenHTTP()
		}
		return input, output, nil, err
	case t.sink:
		input, err = t.kafkaInput()
		output = component("stdout", newObj().set("codec", str("lines"), "").node,
			fmt.Sprintf("TODO: %s is not translated: replace this placeholder with the output "+
				"that writes to its system (see its settings in the list at the top).", t.class)+t.reachNote()+t.outputNote("key", "value"))
		return input, output, nil, err
	default:
		input = component("stdin", newObj().set("scanner", newObj().set("lines", emptyObj(), "").node, "").node,
			fmt.Sprintf("TODO: %s is not translated: replace this placeholder with the input "+
				"that reads its system (see its settings in the list at the top), and set each "+
				"message's kafka_topic (and kafka_key) as the connector would.", t.class)+t.reachNote())
		output, err = t.kafkaOutput()
		if err == nil {
			output.Content[0].HeadComment = commentText(strings.TrimPrefix(t.outputNote("key", "value"), "\n"))
		}
		return input, output, nil, err
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
	rawTopics, _ := t.c.get("topics")
	topics := splitList(rawTopics)
	regex := t.c.str("topics.regex", "")
	fields := newObj().set("seed_brokers", flowSeq(envStr(brokers)), "")
	switch {
	case len(topics) > 0 && regex != "":
		return nil, t.c.invalidf("topics.regex", "set topics or topics.regex, not both")
	case len(topics) > 0:
		items := make([]*yaml.Node, len(topics))
		for i, topic := range topics {
			items[i] = t.valueNode("topics", topic)
		}
		comment := ""
		if hasProviderRef(rawTopics) {
			comment = "topics, from the environment as Kafka Connect's config provider gives it; several topics\nin one variable are comma-separated, as in Kafka Connect."
		}
		fields.set("topics", flowSeq(items...), comment)
	case regex != "":
		re, err := t.javaPattern("topics.regex", regex)
		var untranslatable errUntranslatable
		switch {
		case errors.As(err, &untranslatable):
			t.omit("topics.regex", "%v; the input reads no topic", untranslatable.err)
			fields.set("regexp_topics_include", flowSeq(quoted("^$")), "topics.regex has no RE2 equivalent: no topic is read.")
		case err != nil:
			return nil, err
		default:
			// Kafka subscribes to topics the pattern matches as a whole;
			// the input's patterns match anywhere in the name, so anchor it.
			fields.set("regexp_topics_include", flowSeq(quoted(wholeMatch(re.re2))), "topics.regex in RE2 syntax, anchored: Kafka matches the whole topic name.")
		}
	default:
		return nil, t.c.invalidf("connector.class", "a sink connector needs topics or topics.regex")
	}
	fields.set("consumer_group", str("connect-"+t.c.Name),
		"Kafka Connect's group for this sink: offsets it committed carry over (stop the connector first).")
	if err := t.clientFields(sinkConsumer, fields); err != nil {
		return nil, err
	}
	return component("kafka_franz", fields.node, ""), nil
}

// kafkaOutputFields are the fields of a kafka_franz output to topic; every
// header (metadata but the kafka_* bookkeeping fields) is written. The
// producer's settings come from producer.override.* (and the security
// settings); an error in them is kept for Translate to return.
func (t *translator) kafkaOutputFields(topic *yaml.Node) *obj {
	fields := newObj().
		set("seed_brokers", flowSeq(envStr(brokers)), "").
		set("topic", topic, "").
		set("metadata", newObj().set("include_patterns", flowSeq(quoted(".*")), "").node,
			"Headers: every metadata field but the kafka_* bookkeeping ones.")
	if t.producer == nil {
		t.producer = newObj()
		if err := t.clientFields(sourceProducer, t.producer); err != nil && t.clientErr == nil {
			t.clientErr = err
		}
	}
	for i := 0; i+1 < len(t.producer.node.Content); i += 2 {
		k := t.producer.node.Content[i]
		putField(fields, k.Value, t.producer.node.Content[i+1], "")
		fields.node.Content[len(fields.node.Content)-2].HeadComment = k.HeadComment
	}
	return fields
}

// kafkaOutput writes a source connector's records to the topic each carries
// in kafka_topic (set by the source, maybe changed by a router).
func (t *translator) kafkaOutput() (*yaml.Node, error) {
	fields := t.kafkaOutputFields(str("${! @kafka_topic }"))
	return component("kafka_franz", fields.node, ""), t.clientErr
}

// reachNote says, in a placeholder's comment, what a user would reach for.
func (t *translator) reachNote() string {
	known, ok := knownConnectors[t.class]
	if !ok || known.reach == "" {
		return ""
	}
	note := "\nWhat to use: " + known.reach + "."
	if len(known.needs) > 0 {
		note += "\nIt needs what these connector properties say (those set are listed at the top): " + strings.Join(known.needs, ", ") + "."
	}
	return note
}
