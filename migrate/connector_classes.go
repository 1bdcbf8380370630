package migrate

import "strings"

// connectorKind says which way a connector moves records: a source writes
// to Kafka, a sink reads from it.
type connectorKind int

const (
	kindSource connectorKind = iota
	kindSink
)

// Connector classes translated in full.
const (
	fileSinkClass       = "org.apache.kafka.connect.file.FileStreamSinkConnector"
	fileSourceClass     = "org.apache.kafka.connect.file.FileStreamSourceConnector"
	mirrorSourceClass   = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
	confluentHTTPClass  = "io.confluent.connect.http.HttpSinkConnector"
	aivenHTTPClass      = "io.aiven.kafka.connect.http.HttpSinkConnector"
	mirrorCheckpointCls = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector"
	mirrorHeartbeatCls  = "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector"
)

// connectorClass is what the translation knows of a connector class: its
// kind and, for one it does not translate, what a user would reach for.
type connectorClass struct {
	kind connectorKind
	// reach names the Benthos or Redpanda Connect component that does the
	// connector's job, and where it is.
	reach string
	// needs are the connector properties that component would take over
	// (names only: some hold credentials).
	needs []string
}

// redpandaOnly says a component is not in this distribution.
const redpandaOnly = " (in Redpanda Connect, not in this distribution)"

// redpandaEnterprise says a component is not in this distribution and needs
// a Redpanda Connect enterprise licence.
const redpandaEnterprise = " (in Redpanda Connect under its enterprise licence, not in this distribution)"

// knownConnectors is the kind of every connector class the translation
// knows, whatever its properties say: MirrorMaker 2's source has a topics
// property, and a sink's topics may come from a config provider.
var knownConnectors = map[string]connectorClass{
	fileSinkClass:      {kind: kindSink},
	fileSourceClass:    {kind: kindSource},
	mirrorSourceClass:  {kind: kindSource},
	confluentHTTPClass: {kind: kindSink},
	aivenHTTPClass:     {kind: kindSink},
	mirrorCheckpointCls: {kind: kindSource,
		reach: "nothing: it translates consumer group offsets between clusters (checkpoints, offset sync), which no Benthos component does; use MirrorMaker 2 itself for group fail-over"},
	mirrorHeartbeatCls: {kind: kindSource,
		reach: "a generate input writing to the heartbeats topic could stand in, but MirrorMaker 2's heartbeat record format is not reproduced"},

	"io.confluent.connect.jdbc.JdbcSinkConnector": {kind: kindSink,
		reach: "the sql_insert output (sql_raw for upserts and deletes)" + redpandaOnly,
		needs: []string{"connection.url", "connection.user", "connection.password", "table.name.format", "insert.mode", "pk.mode", "pk.fields", "auto.create", "delete.enabled"}},
	"io.confluent.connect.jdbc.JdbcSourceConnector": {kind: kindSource,
		reach: "the sql_select input (polling a table or a query)" + redpandaOnly,
		needs: []string{"connection.url", "connection.user", "connection.password", "mode", "incrementing.column.name", "timestamp.column.name", "table.whitelist", "query", "topic.prefix", "poll.interval.ms"}},
	"io.confluent.connect.s3.S3SinkConnector": {kind: kindSink,
		reach: "the aws_s3 output, with a batching policy for flush.size" + redpandaOnly,
		needs: []string{"s3.bucket.name", "s3.region", "topics.dir", "flush.size", "rotate.interval.ms", "format.class", "partitioner.class", "aws.access.key.id", "aws.secret.access.key", "store.url"}},
	"io.confluent.connect.elasticsearch.ElasticsearchSinkConnector": {kind: kindSink,
		reach: "the elasticsearch_v8 output" + redpandaOnly,
		needs: []string{"connection.url", "connection.username", "connection.password", "key.ignore", "schema.ignore", "behavior.on.null.values", "write.method", "batch.size"}},
	"com.mongodb.kafka.connect.MongoSinkConnector": {kind: kindSink,
		reach: "the mongodb output" + redpandaOnly,
		needs: []string{"connection.uri", "database", "collection", "document.id.strategy", "writemodel.strategy", "delete.on.null.values"}},
	"com.mongodb.kafka.connect.MongoSourceConnector": {kind: kindSource,
		reach: "the mongodb_cdc input (change streams)" + redpandaEnterprise + ", or the mongodb input for one query" + redpandaOnly,
		needs: []string{"connection.uri", "database", "collection", "pipeline", "topic.prefix", "startup.mode"}},
	"io.debezium.connector.mysql.MySqlConnector": {kind: kindSource,
		reach: "the mysql_cdc input" + redpandaEnterprise + "; its messages are not Debezium's change events: map them to the envelope your consumers expect",
		needs: []string{"database.hostname", "database.port", "database.user", "database.password", "database.server.id", "database.include.list", "table.include.list", "topic.prefix", "snapshot.mode"}},
	"io.debezium.connector.postgresql.PostgresConnector": {kind: kindSource,
		reach: "the postgres_cdc input" + redpandaEnterprise + "; its messages are not Debezium's change events: map them to the envelope your consumers expect",
		needs: []string{"database.hostname", "database.port", "database.user", "database.password", "database.dbname", "plugin.name", "slot.name", "publication.name", "table.include.list", "topic.prefix", "snapshot.mode"}},
	"io.debezium.connector.mongodb.MongoDbConnector": {kind: kindSource,
		reach: "the mongodb_cdc input" + redpandaEnterprise + "; its messages are not Debezium's change events",
		needs: []string{"mongodb.connection.string", "collection.include.list", "database.include.list", "topic.prefix"}},
	"io.debezium.connector.sqlserver.SqlServerConnector": {kind: kindSource,
		reach: "a SQL Server CDC input of Redpanda Connect, if your version has one, or the sql_select input polling tables" + redpandaOnly,
		needs: []string{"database.hostname", "database.port", "database.user", "database.password", "database.names", "table.include.list", "topic.prefix"}},
}

// connectorAliases are the short names Kafka Connect accepts for a class it
// knows (plugin aliases: the simple class name, with or without the
// Connector suffix); like Kafka Connect, a name two classes share is no
// alias (both HTTP sinks are HttpSinkConnector).
var connectorAliases = func() map[string]string {
	aliases := map[string]string{}
	taken := map[string]bool{}
	add := func(alias, class string) {
		if other, ok := aliases[alias]; ok && other != class {
			taken[alias] = true
		}
		aliases[alias] = class
	}
	for class := range knownConnectors {
		simple := simpleName(class)
		add(simple, class)
		if short := strings.TrimSuffix(simple, "Connector"); short != simple {
			add(short, class)
		}
	}
	for alias := range taken {
		delete(aliases, alias)
	}
	return aliases
}()

// canonicalConnector resolves a connector alias to its class name.
func canonicalConnector(class string) string {
	if full, ok := connectorAliases[class]; ok {
		return full
	}
	return class
}

// isSink tells a sink connector from a source: by its class when it is a
// known one, else by its simple name (SomethingSink...), and only for a
// class named neither way by its topics, which only a sink has to set.
func isSink(c *Connector, class string) bool {
	if known, ok := knownConnectors[class]; ok {
		return known.kind == kindSink
	}
	simple := simpleName(class)
	switch {
	case strings.Contains(simple, "Sink"):
		return true
	case strings.Contains(simple, "Source"):
		return false
	}
	return c.has("topics") || c.has("topics.regex")
}
