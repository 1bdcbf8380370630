package migrate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// clientSide is one Kafka client of the pipeline (the input's consumer, an
// output's producer) and where the connector config sets it up.
type clientSide struct {
	role string // "consumer" or "producer"
	// overrides are prefixes whose every key configures this client
	// (consumer.override.), strongest first.
	overrides []string
	// security are more prefixes read for the security settings only
	// (security.protocol, sasl.*, ssl.*), after the overrides: "" is the
	// connector config's own top level.
	security []string
	// env starts the names of the environment variables secrets are read
	// from: KAFKA gives KAFKA_SASL_PASSWORD.
	env string
}

// Sides of an ordinary connector: Kafka Connect gives the sink's consumer
// and the source's producer (and a sink's dead-letter producer) the worker's
// settings and the connector's overrides.
var (
	sinkConsumer   = clientSide{role: "consumer", overrides: []string{"consumer.override."}, security: []string{""}, env: "KAFKA"}
	sourceProducer = clientSide{role: "producer", overrides: []string{"producer.override."}, security: []string{""}, env: "KAFKA"}
)

// clientSetting is how one Kafka client property becomes a kafka_franz
// field.
type clientSetting struct {
	field string
	conv  func(v string) (*yaml.Node, error)
	note  string // why the field is not quite the property, if it is not
}

func asText(v string) (*yaml.Node, error) { return str(v), nil }

func asMillis(v string) (*yaml.Node, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a number of milliseconds", v)
	}
	return str(fmt.Sprintf("%dms", n)), nil
}

func asBytes(v string) (*yaml.Node, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a number of bytes", v)
	}
	return str(fmt.Sprintf("%dB", n)), nil
}

func asInt(v string) (*yaml.Node, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return nil, fmt.Errorf("%q is not an integer", v)
	}
	return intNode(n), nil
}

// asTries turns Java's retries (after the first send) into franz-go's tries
// (record_retries counts every try; 0 there is no limit).
func asTries(v string) (*yaml.Node, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a number of retries", v)
	}
	return intNode(n + 1), nil
}

func asBool(v string) (*yaml.Node, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return boolNode(true), nil
	case "false":
		return boolNode(false), nil
	}
	return nil, fmt.Errorf("%q is not true or false", v)
}

func asList(v string) (*yaml.Node, error) {
	var items []*yaml.Node
	for _, s := range splitList(v) {
		items = append(items, str(s))
	}
	return flowSeq(items...), nil
}

// asEnum maps Kafka's values (lower-cased) to the field's.
func asEnum(values map[string]string) func(string) (*yaml.Node, error) {
	return func(v string) (*yaml.Node, error) {
		if out, ok := values[strings.ToLower(strings.TrimSpace(v))]; ok {
			return str(out), nil
		}
		var names []string
		for k := range values {
			names = append(names, k)
		}
		return nil, fmt.Errorf("%q is not one of %s", v, strings.Join(sortedCopy(names), ", "))
	}
}

// Settings common to both clients.
var commonSettings = map[string]clientSetting{
	"bootstrap.servers":       {field: "seed_brokers", conv: asList},
	"client.id":               {field: "client_id", conv: asText},
	"metadata.max.age.ms":     {field: "metadata_max_age", conv: asMillis},
	"connections.max.idle.ms": {field: "conn_idle_timeout", conv: asMillis, note: "roughly: franz-go closes connections idle about this long"},
}

var consumerSettings = map[string]clientSetting{
	"group.id":                  {field: "consumer_group", conv: asText},
	"group.instance.id":         {field: "instance_id", conv: asText, note: "static membership: one id per running process (kafka/README.md)"},
	"session.timeout.ms":        {field: "session_timeout", conv: asMillis},
	"heartbeat.interval.ms":     {field: "heartbeat_period", conv: asMillis},
	"max.poll.interval.ms":      {field: "rebalance_timeout", conv: asMillis, note: "the Java consumer sends max.poll.interval.ms as its rebalance timeout"},
	"auto.offset.reset":         {field: "start_offset", conv: asEnum(map[string]string{"earliest": "earliest", "latest": "latest", "none": "committed"})},
	"isolation.level":           {field: "transaction_isolation_level", conv: asEnum(map[string]string{"read_committed": "read_committed", "read_uncommitted": "read_uncommitted"})},
	"fetch.max.bytes":           {field: "fetch_max_bytes", conv: asBytes},
	"fetch.min.bytes":           {field: "fetch_min_bytes", conv: asBytes},
	"fetch.max.wait.ms":         {field: "fetch_max_wait", conv: asMillis},
	"max.partition.fetch.bytes": {field: "fetch_max_partition_bytes", conv: asBytes},
	"client.rack":               {field: "rack_id", conv: asText},
}

var producerSettings = map[string]clientSetting{
	"acks":                {field: "acks", conv: asEnum(map[string]string{"all": "all", "-1": "all", "1": "leader", "0": "none"})},
	"compression.type":    {field: "compression", conv: asEnum(map[string]string{"none": "none", "gzip": "gzip", "snappy": "snappy", "lz4": "lz4", "zstd": "zstd"})},
	"enable.idempotence":  {field: "idempotent_write", conv: asBool},
	"max.request.size":    {field: "max_message_bytes", conv: asBytes, note: "franz-go's largest record batch"},
	"delivery.timeout.ms": {field: "record_delivery_timeout", conv: asMillis},
	"request.timeout.ms":  {field: "timeout", conv: asMillis},
	"buffer.memory":       {field: "max_buffered_bytes", conv: asBytes},
	"retries":             {field: "record_retries", conv: asTries, note: "Java's retries after the first try; record_retries counts every try"},
}

// unmatched says why a client property with no field is left out.
var unmatched = map[string]string{
	"linger.ms":                     "franz-go does not wait to fill batches (it sends when a connection is free); no field sets a linger",
	"batch.size":                    "franz-go sizes batches by max_message_bytes; no field sets the Java producer's batch.size",
	"max.poll.records":              "the input hands records over per fetch, bounded by checkpoint_limit per partition; no field caps a poll",
	"partition.assignment.strategy": "the input always uses the cooperative-sticky balancer",
	"enable.auto.commit":            "the input commits what the output acknowledged; Kafka Connect ignores this too",
	"auto.commit.interval.ms":       "the input commits every commit_period",
}

// securityKey reports whether a client property is a security setting.
func securityKey(k string) bool {
	return k == "security.protocol" || strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl.")
}

// clientFields adds to a kafka_franz input or output the fields the
// client's settings in the connector config give, each with where it comes
// from. A setting with no field is listed as not translated.
func (t *translator) clientFields(side clientSide, fields *obj) error {
	settings := consumerSettings
	if side.role == "producer" {
		settings = producerSettings
	}
	seen := map[string]bool{}
	for _, prefix := range side.overrides {
		for _, key := range t.c.withPrefix(prefix) {
			name := strings.TrimPrefix(key, prefix)
			if seen[name] || securityKey(name) || t.c.used[key] || strings.HasPrefix(name, "override.") {
				// A stronger prefix set it; security is below; the
				// connector's own setting under the prefix was read
				// (MirrorMaker 2's consumer.poll.timeout.ms); the worker's
				// overrides are another client's.
				continue
			}
			seen[name] = true
			raw, _ := t.c.get(key)
			s, ok := settings[name]
			if !ok {
				s, ok = commonSettings[name]
			}
			switch {
			case name == "max.in.flight.requests.per.connection":
				t.maxInFlight(key, raw, fields)
			case ok && hasProviderRef(raw):
				putField(fields, s.field, t.valueNode(key, raw), "From "+key+".")
			case ok:
				node, err := s.conv(raw)
				if err != nil {
					return t.c.invalidf(key, "%v", err)
				}
				if s.field == "record_retries" && raw == strconv.Itoa(1<<31-1) {
					continue // Java's default, Integer.MAX_VALUE: no limit, as here
				}
				comment := "From " + key + "."
				if s.note != "" {
					comment = "From " + key + " (" + s.note + ")."
				}
				putField(fields, s.field, node, comment)
			case unmatched[name] != "":
				t.omitOnce(key, "%s", unmatched[name])
			default:
				t.omitOnce(key, "the %s setting %s has no kafka_franz field, not translated", side.role, name)
			}
		}
	}
	if side.role == "producer" {
		if err := t.idempotence(side, fields); err != nil {
			return err
		}
	}
	return t.security(side, fields)
}

// idempotence keeps acks and idempotent_write consistent as the Java
// producer does: idempotence (its default) needs acks=all, and an acks
// other than all turns the default off.
func (t *translator) idempotence(side clientSide, fields *obj) error {
	acks, idem := fieldValue(fields, "acks"), fieldValue(fields, "idempotent_write")
	if acks == "" || acks == "all" {
		return nil
	}
	if idem == "true" {
		return t.c.invalidf(side.overrides[0]+"enable.idempotence", "idempotence needs acks=all (the Java producer refuses acks=%s with it)", acks)
	}
	if idem == "" {
		putField(fields, "idempotent_write", boolNode(false), "acks is not all: the Java producer then leaves idempotence off.")
	}
	return nil
}

// maxInFlight: franz-go's idempotent producer sends one request at a time
// per broker, where Java's may send up to five.
func (t *translator) maxInFlight(key, raw string, fields *obj) {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 {
		t.omitOnce(key, "%q is not a positive integer; not translated", raw)
		return
	}
	if fieldValue(fields, "idempotent_write") == "false" {
		putField(fields, "max_in_flight_requests", intNode(n), "From "+key+".")
		return
	}
	if n > 1 {
		t.omitOnce(key, "with idempotence (the default) franz-go sends one produce request at a time per broker (max_in_flight_requests: 1), where Java sends up to %d", n)
	}
}

// putField sets a field, replacing it when it is already set.
func putField(o *obj, key string, value *yaml.Node, comment string) {
	for i := 0; i+1 < len(o.node.Content); i += 2 {
		if o.node.Content[i].Value == key {
			o.node.Content[i].HeadComment = commentText(comment)
			o.node.Content[i+1] = value
			return
		}
	}
	o.set(key, value, comment)
}

// fieldValue is a scalar field's value, "" when it is not set.
func fieldValue(o *obj, key string) string {
	for i := 0; i+1 < len(o.node.Content); i += 2 {
		if o.node.Content[i].Value == key {
			return o.node.Content[i+1].Value
		}
	}
	return ""
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// omitOnce records an omission unless the same one is listed already: a
// sink's consumer and dead-letter producer read the same security settings.
func (t *translator) omitOnce(property, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	for _, o := range t.omissions {
		if o.Property == property && o.Reason == reason {
			return
		}
	}
	t.omissions = append(t.omissions, Omission{Property: property, Reason: reason})
}
