package migrate

import (
	"fmt"
	"gopkg.in/yaml.v3"
	"strings"
)

// Kafka Connect's dead-letter context headers that have an equivalent here
// (task id, stage, class names and stack trace do not).
var contextHeaders = []struct{ name, expr string }{
	{"__connect.errors.topic", "@kafka_topic"},
	{"__connect.errors.partition", "@kafka_partition"},
	{"__connect.errors.offset", "@kafka_offset"},
	{"__connect.errors.exception.message", "error()"},
}

// errorHandling wraps the main output according to errors.tolerance and the
// dead-letter queue settings, so that a record a transform failed on is
// treated as Kafka Connect would treat it.
func (t *translator) errorHandling(main *yaml.Node) (*yaml.Node, string, error) {
	tolerance := t.tolerance()
	dlq := t.c.str("errors.deadletterqueue.topic.name", "")
	contextHeadersOn := t.c.str("errors.deadletterqueue.context.headers.enable", "false") == "true"
	logOn := t.c.str("errors.log.enable", "false") == "true"
	logMessages := t.c.str("errors.log.include.messages", "false") == "true"
	// Retries apply to retriable failures (of the external system); an SMT
	// fails the same way every time, so these change nothing here.
	t.c.get("errors.retry.timeout")
	t.c.get("errors.retry.delay.max.ms")
	t.c.get("errors.deadletterqueue.topic.replication.factor")

	switch {
	case tolerance == "none" && !t.sink:
		if len(t.c.list("transforms")) == 0 {
			return main, "errors.tolerance=none (the default): no transform can fail on a record here.", nil
		}
		return main, stopOnErrorComment, nil
	case tolerance == "none":
		return component("reject_errored", main, ""),
			"errors.tolerance=none (the default): Kafka Connect stops the task on a record a transform\n" +
				"fails on, and the record is read again after a restart. Here such a record is rejected\n" +
				"(not acknowledged): the input delivers it again, and its offset is never committed, so it\n" +
				"is retried rather than lost.", nil
	case tolerance == "all":
	default:
		return nil, "", t.c.invalidf("errors.tolerance", "%q is neither none nor all", tolerance)
	}

	logLine := fmt.Sprintf("connector %s: a transform failed on the record from topic ${! @kafka_topic } partition ${! @kafka_partition } offset ${! @kafka_offset }: ${! error() }", t.c.Name)
	if logMessages {
		logLine += "; record: ${! content() }"
	}
	logProc := component("log", newObj().
		set("level", str("ERROR"), "").
		set("message", str(logLine), "").node, "")

	if dlq != "" && !t.sink {
		t.omit("errors.deadletterqueue.topic.name", "a dead-letter queue is for sink connectors only (Kafka Connect ignores it for sources); errored records are dropped with a log")
		dlq = ""
	}
	if dlq == "" {
		t.c.get("errors.deadletterqueue.context.headers.enable")
		errored := newObj().
			set("drop", emptyObj(), "").
			set("processors", seq(logProc), "")
		return outputSwitch("errored()", errored.node, main), "errors.tolerance=all: Kafka Connect skips a record a transform fails on. Here it is\n" +
			"dropped (acknowledged, so its offset is committed) after an ERROR log line.", nil
	}

	var procs []*yaml.Node
	if logOn {
		procs = append(procs, logProc)
	}
	comment := fmt.Sprintf("errors.tolerance=all with a dead-letter queue: a record a transform fails on goes to\n"+
		"topic %s, as it was when the transform failed (Kafka Connect writes the record as\n"+
		"consumed: earlier transforms' changes are kept here).", dlq)
	if contextHeadersOn {
		var lines []string
		for _, h := range contextHeaders {
			lines = append(lines, fmt.Sprintf("meta %s = %s", bloblangString(h.name), h.expr))
		}
		lines = append(lines, fmt.Sprintf("meta %s = %s", bloblangString("__connect.errors.connector.name"), bloblangString(t.c.Name)))
		procs = append(procs, component("mapping", bloblang(strings.Join(lines, "\n")), ""))
		comment += "\nContext headers: Kafka Connect's __connect.errors.* names; no task id, stage, class\nnames or stack trace."
	}
	dlqOut := newObj().set("kafka_franz", t.kafkaOutputFields(str(dlq)).node, "")
	if len(procs) > 0 {
		dlqOut.set("processors", seq(procs...), "")
	}
	return outputSwitch("errored()", dlqOut.node, main), comment, nil
}

// tolerance is errors.tolerance, in lower case.
func (t *translator) tolerance() string {
	return strings.ToLower(t.c.str("errors.tolerance", "none"))
}

// stopsOnError reports whether the pipeline stops on a failed record: a
// source connector's under errors.tolerance=none.
func (t *translator) stopsOnError() bool { return !t.sink && t.tolerance() == "none" }

// stopOnErrorComment explains errors.tolerance=none for a source connector.
const stopOnErrorComment = "errors.tolerance=none (the default): Kafka Connect stops the task on the first\n" +
	"record a transform fails on; it neither drops the record nor goes on. The pipeline's last\n" +
	"processor does the same: this input cannot deliver a record again, so rejecting the record\n" +
	"would lose it."

// drainBeforeStop is how long the pipeline gives the records before a failed
// one to reach the output before it stops the process: the crash processor
// ends the process at once, and a record still in flight would be lost with
// an input that cannot deliver it again.
const drainBeforeStop = "5s"

// stopOnError is the pipeline's last processor when errors.tolerance=none
// and the input cannot deliver a record again (a source connector's): the
// first errored record stops the process with exit status 1 and an error
// naming the record, as a Kafka Connect task fails. The pipeline runs one
// thread, so no record after the failed one is processed while it waits.
func (t *translator) stopOnError() *yaml.Node {
	message := fmt.Sprintf("connector %s stopped (errors.tolerance=none): a transform failed on the record for topic ${! @kafka_topic.or(\"\") } "+
		"with value ${! content().string().slice(0, 200).quote() }: ${! error() }", t.c.Name)
	stop := onlyWhen("errored()",
		component("sleep", newObj().set("duration", str(drainBeforeStop), "").node, ""),
		component("crash", str(message), ""))
	stop.HeadComment = commentText("errors.tolerance=none: on the first record a transform fails on, wait " + drainBeforeStop + " for the records\n" +
		"before it to be written, then stop with exit status 1 and an error naming the record, as a\n" +
		"Kafka Connect task stops. Records read before it may be written again after a restart.")
	return stop
}
