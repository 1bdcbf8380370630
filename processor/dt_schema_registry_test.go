package processor

import (
	"context"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// A Data Transforms module that uses Redpanda's schema registry module
// (redpanda_schema_registry), run by wasm_smt with its schema_registry
// field: the Go conformance guest's schema_lookup, schema_lookup_strict and
// schema_register cases (testdata/FUNCTIONS-peer-abis.md) against franz-go's
// in-memory registry.

var (
	dtUserSchema  = sr.Schema{Type: sr.TypeAvro, Schema: `{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`}
	dtEventSchema = sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object"}`}
)

// dtRegistry is srfake with users-value v1 (id 1) and events-value v1 (id
// 2), counting the requests it serves.
func dtRegistry(t *testing.T) (*srfake.Registry, *atomic.Int64) {
	t.Helper()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("users-value", 1, 1, dtUserSchema)
	reg.SeedSchema("events-value", 1, 2, dtEventSchema)
	var served atomic.Int64
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool { served.Add(1); return false })
	return reg, &served
}

// dtRegistryProcessor runs the Go transform guest's case c, with a
// schema_registry block for url unless url is empty.
func dtRegistryProcessor(t *testing.T, c, url string) (*wasmSMT, *testutil.SyncBuffer) {
	t.Helper()
	extra := ""
	if url != "" {
		extra = "schema_registry: { url: " + url + " }"
	}
	return transformProcessorWithLogs(t, "transform_go.wasm", c, extra)
}

// confluent is a value in the Confluent wire format: byte 0, the schema id
// (4 bytes, big endian), the encoded data.
func confluent(id uint32, data string) string {
	return string(binary.BigEndian.AppendUint32([]byte{0}, id)) + data
}

func TestDataTransformsSchemaLookupsThroughSchemaRegistry(t *testing.T) {
	reg, served := dtRegistry(t)
	p, _ := dtRegistryProcessor(t, "schema_lookup", reg.URL())
	var in []*service.Message
	for i := 0; i < 10; i++ {
		in = append(in, message(confluent(1, "\x04ab"), map[string]any{"kafka_key": "k", "kafka_topic": "users"}))
	}
	in = append(in, message("plain", map[string]any{"sr.subject": "events-value"}))
	out := process(t, p, in...)
	require.Len(t, out, 11)
	for i, msg := range out[:10] {
		require.NoError(t, msg.GetError())
		b, err := msg.AsBytes()
		require.NoError(t, err)
		assert.Equal(t, confluent(1, "\x04ab"), string(b), "message %d: the value is the guest's to keep", i)
		assert.Equal(t, map[string]any{
			"kafka_key": "k", "kafka_topic": "users",
			"schema.id": "1", "schema.type": "avro", "schema.text": dtUserSchema.Schema,
		}, metadata(msg))
	}
	require.NoError(t, out[10].GetError())
	assert.Equal(t, map[string]any{
		"sr.subject": "events-value",
		"subject.id": "2", "subject.version": "1", "subject.type": "json", "subject.text": dtEventSchema.Schema,
	}, metadata(out[10]))
	assert.Equal(t, int64(2), served.Load(), "one request for id 1 (cached), one for the subject's latest version")
}

func TestDataTransformsSchemaRegisterThroughSchemaRegistry(t *testing.T) {
	reg, _ := dtRegistry(t)
	p, _ := dtRegistryProcessor(t, "schema_register", reg.URL())
	order := `{"type":"record","name":"Order","fields":[{"name":"user","type":"User"}]}`
	out := process(t, p, message(order, map[string]any{"sr.subject": "orders-value", "sr.refs": "User=users-value@1"}))
	require.NoError(t, out[0].GetError())
	id := metadata(out[0])["sr.id"]
	require.NotNil(t, id, "%v", metadata(out[0]))

	client, err := schemaregistry.New(schemaregistry.Config{URL: reg.URL()})
	require.NoError(t, err)
	got, err := client.LatestBySubject(context.Background(), "orders-value")
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(got.ID), id, "the id the guest got is the registered one")
	assert.Equal(t, order, got.Schema.Schema)
	assert.Equal(t, []sr.SchemaReference{{Name: "User", Subject: "users-value", Version: 1}}, got.References)
}

// Without schema_registry the module still loads (as on a broker without a
// registry), and every lookup gets -1: the guest decides.
func TestDataTransformsWithoutSchemaRegistryGetMinusOne(t *testing.T) {
	p, logs := dtRegistryProcessor(t, "schema_lookup", "")
	out := process(t, p, message(confluent(1, ""), nil), message(confluent(2, ""), nil))
	for _, msg := range out {
		require.NoError(t, msg.GetError())
		assert.Equal(t, "get_schema_definition_len returned -1", metadata(msg)["sr.error"])
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "no schema registry is configured (set schema_registry)"), logs.String())

	p, _ = dtRegistryProcessor(t, "schema_lookup_strict", "")
	out = process(t, p, message(confluent(1, ""), nil), message("plain", nil))
	require.Error(t, out[0].GetError())
	assert.Contains(t, out[0].GetError().Error(), "returned -1 to the guest: no schema registry is configured")
	require.NoError(t, out[1].GetError())
}

// A stopped registry: the guest gets -2, and what happens to the record is
// its decision (schema_lookup passes it on with a header, schema_lookup_strict
// fails it); the log says why.
func TestDataTransformsWithTheRegistryStoppedGetMinusTwo(t *testing.T) {
	reg, _ := dtRegistry(t)
	url := reg.URL()
	reg.Close()

	p, logs := dtRegistryProcessor(t, "schema_lookup", url)
	out := process(t, p, message(confluent(1, ""), map[string]any{"kafka_key": "k"}), message("plain", nil))
	require.NoError(t, out[0].GetError())
	assert.Equal(t, map[string]any{"kafka_key": "k", "sr.error": "get_schema_definition_len returned -2"}, metadata(out[0]))
	require.NoError(t, out[1].GetError())
	assert.Empty(t, metadata(out[1]))
	assert.Contains(t, logs.String(), "redpanda_schema_registry.get_schema_definition_len returned -2 to the guest: schema id 1: schema registry "+url+" is unreachable")

	p, _ = dtRegistryProcessor(t, "schema_lookup_strict", url)
	out = process(t, p, message("before", nil), message(confluent(1, "data"), map[string]any{"kafka_key": "k"}), message("after", nil))
	require.Len(t, out, 3)
	require.NoError(t, out[0].GetError())
	err := out[1].GetError()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Redpanda Data Transforms ABI: the transform died on this record")
	assert.Contains(t, err.Error(), "(after redpanda_schema_registry.get_schema_definition_len returned -2 to the guest: schema id 1: schema registry "+url+" is unreachable")
	b, _ := out[1].AsBytes()
	assert.Equal(t, confluent(1, "data"), string(b), "the failed record goes on unchanged")
	assert.Equal(t, map[string]any{"kafka_key": "k"}, metadata(out[1]))
	require.NoError(t, out[2].GetError(), "the next record is transformed")
	b, _ = out[2].AsBytes()
	assert.Equal(t, "after", string(b))
}
