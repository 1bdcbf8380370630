package main

// Migrated connectors run end to end through the real binary: `migrate
// kafka-connect` writes the pipeline, `run` runs it against kafka-dev, and
// franz-go reads what reached Kafka.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
)

// migrateToFile migrates the connector properties (written to dir) and
// returns the path of the pipeline it printed.
func migrateToFile(t *testing.T, dir, properties string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "connector.properties"), []byte(properties), 0o600))
	stdout, stderr, status := migrateRun(t, dir, "connector.properties")
	require.Contains(t, []int{0, 3}, status, stderr)
	path := filepath.Join(dir, "pipeline.yaml")
	require.NoError(t, os.WriteFile(path, []byte(stdout), 0o600))
	return path
}

// The FileStream source with six built-in SMTs that used to write 2 of its
// 4 lines and exit 0: every line reaches Kafka as Kafka Connect writes it
// (FileStreamSource's records are strings, so HoistField wraps each line as
// a string, JSON-looking or not), and the pipeline exits 0 at the file's end.
func TestMigratedFileStreamChainWritesEveryLine(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "logs-lines")
	dir := t.TempDir()
	lines := []string{`{"a":1}`, `42`, `plain text`, `"quoted"`}
	in := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	pipeline := migrateToFile(t, dir, `name=lines-to-kafka
connector.class=FileStreamSource
file=`+in+`
topic=app-lines
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
transforms=hoist,stamp,mask,rename,tag,route
transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value
transforms.hoist.field=line
transforms.stamp.type=org.apache.kafka.connect.transforms.InsertField$Value
transforms.stamp.static.field=host
transforms.stamp.static.value=web-1
transforms.mask.type=org.apache.kafka.connect.transforms.MaskField$Value
transforms.mask.fields=host
transforms.mask.replacement=redacted
transforms.rename.type=org.apache.kafka.connect.transforms.ReplaceField$Value
transforms.rename.renames=line:payload
transforms.tag.type=org.apache.kafka.connect.transforms.InsertHeader
transforms.tag.header=source
transforms.tag.value.literal=file
transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter
transforms.route.regex=app-(.*)
transforms.route.replacement=logs-$1
`)
	out := collect(t, addr, "logs-lines")
	run := runPipeline(t, pipeline, "KAFKA_BROKERS="+addr)
	exited, err := run.wait(60 * time.Second)
	require.True(t, exited, "the pipeline did not stop at the end of its file: %s", run.out.String())
	require.NoError(t, err, "the pipeline exits 0 once every line is written: %s", run.out.String())

	waitUntil(t, 15*time.Second, "4 records on logs-lines", func() bool { return len(out.snapshot()) >= 4 })
	time.Sleep(500 * time.Millisecond) // no more than the four
	got := out.snapshot()
	require.Len(t, got, 4)
	for i, r := range got {
		want := `{"payload":` + jsonString(lines[i]) + `,"host":"redacted"}`
		assert.JSONEq(t, want, string(r.Value), "line %d", i+1)
		source, ok := header(r, "source")
		assert.True(t, ok && source == "file", "line %d has the header source=file", i+1)
		assert.Nil(t, r.Key, "a FileStream record has no key")
	}
}

// errors.tolerance=none on a source: the first record a transform fails on
// stops the pipeline with a non-zero exit and an error naming the record;
// the records before it are in Kafka, the ones after it were not read past.
func TestMigratedSourceStopsOnTheFirstFailedRecord(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "masked")
	dir := t.TempDir()
	lines := []string{`{"email":"bob@example.com"}`, `{"email":"ann@example.com"}`, `not json`, `{"email":"joe@example.com"}`}
	in := filepath.Join(dir, "users.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	module, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "wasm", "mask.wasm"))
	require.NoError(t, err)
	pipeline := migrateToFile(t, dir, `name=mask-users
connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector
file=`+in+`
topic=masked
transforms=mask
transforms.mask.type=com.github.lburgazzoli.kafka.transformer.wasm.WasmTransformer
transforms.mask.module.path=`+module+`
transforms.mask.function.name=mask_email
`)
	out := collect(t, addr, "masked")
	run := runPipeline(t, pipeline, "KAFKA_BROKERS="+addr)
	exited, err := run.wait(60 * time.Second)
	require.True(t, exited, "the pipeline did not stop: %s", run.out.String())
	require.Error(t, err, "a failed record stops the pipeline with a non-zero exit: %s", run.out.String())
	logs := strings.ReplaceAll(run.out.String(), `\"`, `"`) // the log line is logfmt
	assert.Contains(t, logs, `connector mask-users stopped (errors.tolerance=none): a transform failed on the record for topic masked with value "not json"`)
	assert.Contains(t, logs, "mask_email: the value is not a JSON object")

	waitUntil(t, 15*time.Second, "the 2 records before the failed one", func() bool { return len(out.snapshot()) >= 2 })
	time.Sleep(500 * time.Millisecond)
	var values []string
	for _, r := range out.snapshot() {
		values = append(values, string(r.Value))
	}
	assert.Equal(t, []string{`{"email":"b***@example.com"}`, `{"email":"a***@example.com"}`}, values,
		"the failed record and the ones after it are not written")
}

// A sink whose JsonConverter cannot read a record sends it to the
// dead-letter queue unchanged, with the converter's reason, as Kafka
// Connect's converter stage does under errors.tolerance=all.
func TestMigratedSinkSendsWhatItsConverterCannotReadToTheDLQ(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "orders,orders-dlq")
	dir := t.TempDir()
	outFile := filepath.Join(dir, "orders.txt")
	pipeline := migrateToFile(t, dir, `name=orders-to-file
connector.class=FileStreamSink
topics=orders
file=`+outFile+`
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
errors.tolerance=all
errors.deadletterqueue.topic.name=orders-dlq
errors.deadletterqueue.context.headers.enable=true
`)
	dlq := collect(t, addr, "orders-dlq")
	run := runPipeline(t, pipeline, "KAFKA_BROKERS="+addr)
	produceRecords(t, addr, []*kgo.Record{
		{Topic: "orders", Value: []byte(`{"id":1}`)},
		{Topic: "orders", Value: []byte(`not json`)},
		{Topic: "orders", Value: []byte(`{"id":3}`)},
		{Topic: "orders", Value: []byte(`"a JSON string"`)},
		{Topic: "orders", Value: nil}, // a tombstone
	})
	waitUntil(t, 30*time.Second, "the unreadable record on orders-dlq", func() bool { return len(dlq.snapshot()) >= 1 })
	waitUntil(t, 30*time.Second, "four lines in the sink's file", func() bool {
		b, _ := os.ReadFile(outFile)
		return strings.Count(string(b), "\n") >= 4
	})
	time.Sleep(500 * time.Millisecond)
	got := dlq.snapshot()
	require.Len(t, got, 1, run.out.String())
	assert.Equal(t, "not json", string(got[0].Value))
	reason, _ := header(got[0], "__connect.errors.exception.message")
	assert.Contains(t, reason, "value.converter (JsonConverter) cannot read the value: it is not JSON")
	b, err := os.ReadFile(outFile)
	require.NoError(t, err)
	// Lines as FileStreamSinkConnector prints values: a JSON string without
	// its quotes, a tombstone as null.
	assert.Equal(t, "{\"id\":1}\n{\"id\":3}\na JSON string\nnull\n", string(b))
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
