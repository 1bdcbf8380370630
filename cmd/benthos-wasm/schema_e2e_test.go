package main

// End-to-end tests of the schema-aware converters through the real binary:
// a `benthos-wasm kafka-dev` broker with its schema registry (or a registry
// the test stops and starts), `benthos-wasm run` on config/examples, and
// franz-go with hamba/avro as the independent producer and reader.

import (
	"context"
	be "encoding/binary"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protowire"
)

// ordersSchema is the example's schema, config/examples/schemas/orders-value.avsc.
func ordersSchema(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "config", "examples", "schemas", "orders-value.avsc"))
	require.NoError(t, err)
	return string(b)
}

// avroRecord encodes value with schema and frames it with id in the
// Confluent wire format, with franz-go's serde, as a producer would.
func avroRecord(t *testing.T, id int, schema string, value map[string]any) []byte {
	t.Helper()
	parsed := avro.MustParse(schema)
	var serde sr.Serde
	serde.Register(id, map[string]any{}, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(parsed, v) }))
	b, err := serde.Encode(value)
	require.NoError(t, err)
	return b
}

// decodeOrder reads an Avro order back, checking its schema id.
func decodeOrder(t *testing.T, schema string, wantID int, b []byte) map[string]any {
	t.Helper()
	require.GreaterOrEqual(t, len(b), 5)
	require.Equal(t, byte(0), b[0], "magic byte")
	require.Equal(t, uint32(wantID), be.BigEndian.Uint32(b[1:5]), "schema id")
	var v map[string]any
	require.NoError(t, avro.Unmarshal(avro.MustParse(schema), b[5:], &v))
	return v
}

// richOrderSchema has a nullable union, a nested record, arrays, a map, an
// enum, a decimal, timestamps, a date, bytes and a fixed.
const richOrderSchema = `{"type":"record","name":"Rich","namespace":"shop","fields":[
 {"name":"id","type":"long"},
 {"name":"email","type":["null","string"]},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
 {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
 {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"seen","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"blob","type":"bytes"},
 {"name":"code","type":{"type":"fixed","name":"Code","size":4}},
 {"name":"ratio","type":"double"},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"counts","type":{"type":"map","values":"long"}},
 {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","int"]}]}},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}}
]}`

func richOrder() map[string]any {
	total, _ := new(big.Rat).SetString("123456789.05")
	return map[string]any{
		"id": int64(1) << 60, "email": "ada@example.com", "status": "PAID", "total": total,
		"placed": time.UnixMilli(1706708730123).UTC(), "seen": time.UnixMicro(1706708730123456).UTC(),
		"day": time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), "blob": []byte{0, 0xff, 7}, "code": [4]byte{'A', 'B', 0, 1},
		"ratio": 0.1, "tags": []any{"x", "y"}, "counts": map[string]any{"a": int64(1), "b": int64(-2)},
		"address": map[string]any{"city": "Oslo", "zip": nil},
		"lines":   []any{map[string]any{"sku": "s1", "qty": 2}, map[string]any{"sku": "s2", "qty": 3}},
	}
}

// runMaskExample runs config/examples/kafka-avro.yaml with valueConverter
// against the broker at addr and the registry at url, and returns the
// records on orders-masked and orders-dead-letter by key, once there are
// want of them.
func runMaskExample(t *testing.T, addr, url, valueConverter string, want int) map[string]*kgo.Record {
	t.Helper()
	runPipeline(t, "config/examples/kafka-avro.yaml", "KAFKA_BROKERS="+addr, "SCHEMA_REGISTRY_URL="+url,
		"KAFKA_GROUP=mask-"+valueConverter, "VALUE_CONVERTER="+valueConverter)
	out := collect(t, addr, "orders-masked", "orders-dead-letter")
	byKey := map[string]*kgo.Record{}
	waitUntil(t, 60*time.Second, fmt.Sprintf("%d records on orders-masked and orders-dead-letter", want), func() bool {
		for _, r := range out.snapshot() {
			byKey[string(r.Key)] = r
		}
		return len(byKey) >= want
	})
	return byKey
}

func registryURLOf(t *testing.T, dev *process) string {
	t.Helper()
	_, rest, ok := strings.Cut(dev.out.String(), "kafka-dev: in-memory schema registry (Confluent REST API) at ")
	require.True(t, ok, dev.out.String())
	return strings.Fields(rest)[0]
}

func register(t *testing.T, url, subject, schema string, typ sr.SchemaType) int {
	t.Helper()
	cl, err := sr.NewClient(sr.URLs(url))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: schema, Type: typ})
	require.NoError(t, err)
	return s.ID
}

func TestSchemaE2EAvroExampleMasksAndDeadLettersWhatDoesNotFit(t *testing.T) {
	addr, dev := startKafkaDev(t, "--topics", "orders,orders-masked,orders-dead-letter", "--schema-registry-port", "0")
	url := registryURLOf(t, dev)
	schema := ordersSchema(t)
	id := register(t, url, "orders-value", schema, sr.TypeAvro)
	// The same record with the email as bytes: the guest sees base64 and
	// writes a masked string that is not base64, so its write cannot fit.
	bytesSchema := strings.Replace(schema, `["null", "string"]`, `["null", "bytes"]`, 1)
	bytesID := register(t, url, "orders-bytes-value", bytesSchema, sr.TypeAvro)

	const n = 30
	var records []*kgo.Record
	for i := range n {
		var email any = fmt.Sprintf("user%d@example.com", i)
		if i%5 == 0 {
			email = nil // the union's null branch: nothing to mask
		}
		records = append(records, &kgo.Record{Topic: "orders", Key: []byte(fmt.Sprint(i)),
			Value: avroRecord(t, id, schema, map[string]any{"id": int64(i), "email": email})})
	}
	// Every kind of Avro value, around the email the guest masks: they must
	// come back as they were.
	richID := register(t, url, "orders-rich-value", richOrderSchema, sr.TypeAvro)
	rich := richOrder()
	records = append(records, &kgo.Record{Topic: "orders", Key: []byte("rich"), Value: avroRecord(t, richID, richOrderSchema, rich)})
	notWire := []byte(`{"id":100,"email":"x@example.com"}`)
	unknownID := avroRecord(t, 9999, schema, map[string]any{"id": int64(101), "email": "y@example.com"})
	unfit := avroRecord(t, bytesID, bytesSchema, map[string]any{"id": int64(102), "email": []byte("z@example.com")})
	records = append(records,
		&kgo.Record{Topic: "orders", Key: []byte("not-wire"), Value: notWire},
		&kgo.Record{Topic: "orders", Key: []byte("unknown-id"), Value: unknownID},
		&kgo.Record{Topic: "orders", Key: []byte("unfit"), Value: unfit})
	produceRecords(t, addr, records)

	byKey := runMaskExample(t, addr, url, "avro", n+4)
	require.Equal(t, "orders-masked", byKey["rich"].Topic)
	rich["email"] = "a***@example.com"
	assert.Equal(t, rich, decodeOrder(t, richOrderSchema, richID, byKey["rich"].Value), "every value as it was, the email masked")

	for i := range n {
		r := byKey[fmt.Sprint(i)]
		require.Equal(t, "orders-masked", r.Topic, "record %d", i)
		got := decodeOrder(t, schema, id, r.Value)
		assert.Equal(t, int64(i), got["id"])
		if i%5 == 0 {
			assert.Nil(t, got["email"], "record %d: null stays null", i)
		} else {
			assert.Equal(t, "u***@example.com", got["email"], "record %d", i)
		}
	}
	for key, want := range map[string]struct {
		value  []byte
		reason string
	}{
		"not-wire":   {notWire, "not in the Confluent wire format"},
		"unknown-id": {unknownID, "schema id 9999: not found in schema registry " + url},
		"unfit":      {unfit, fmt.Sprintf(`field email does not fit schema id %d (subject "orders-bytes-value" version 1): expected base64 bytes`, bytesID)},
	} {
		r := byKey[key]
		require.Equal(t, "orders-dead-letter", r.Topic, key)
		assert.Equal(t, want.value, r.Value, "%s: unchanged", key)
		reason, _ := header(r, "dead_letter_error")
		assert.Contains(t, reason, want.reason, key)
	}
}

// serveRegistry serves reg's handler on addr ("127.0.0.1:0" for any port)
// until the returned stop is called; the registry's data outlives it.
func serveRegistry(t *testing.T, reg *srfake.Registry, addr string) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	srv := &http.Server{Handler: reg.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = srv.Close()
		}
	}
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

func TestSchemaE2ERegistryDownThenUpLosesNothing(t *testing.T) {
	addr, _ := startKafkaDev(t, "--topics", "orders,orders-masked")
	reg := srfake.NewRegistry()
	schema := ordersSchema(t)
	reg.SeedSchema("orders-value", 1, 1, sr.Schema{Schema: schema, Type: sr.TypeAvro})
	url, stop := serveRegistry(t, reg, "127.0.0.1:0")
	stop() // down before the pipeline has fetched any schema

	// Errored records are rejected, so the input replays them until they
	// pass: with a registry that is down, the records wait, none is lost.
	config := writeConfig(t, fmt.Sprintf(`
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ orders ]
    consumer_group: registry-down
    fetch_max_wait: 200ms
pipeline:
  processors:
    - wasm_smt:
        module_path: ./testdata/wasm/mask.wasm
        function: mask_email
        value_converter: io.confluent.connect.avro.AvroConverter
        schema_registry: { url: %[2]q }
output:
  reject_errored:
    kafka_franz:
      seed_brokers: [ %[1]q ]
      topic: orders-masked
`, addr, url))
	const n = 20
	var records []*kgo.Record
	for i := range n {
		records = append(records, &kgo.Record{Topic: "orders",
			Value: avroRecord(t, 1, schema, map[string]any{"id": int64(i), "email": fmt.Sprintf("u%d@example.com", i)})})
	}
	produceRecords(t, addr, records)
	pipeline := runPipeline(t, config)
	out := collect(t, addr, "orders-masked")

	waitUntil(t, 30*time.Second, "the pipeline to find the registry down", func() bool {
		return strings.Contains(pipeline.out.String(), "is unreachable")
	})
	time.Sleep(time.Second)
	assert.Empty(t, out.snapshot(), "nothing gets through while the registry is down")

	_, stop = serveRegistry(t, reg, strings.TrimPrefix(url, "http://"))
	waitUntil(t, 60*time.Second, fmt.Sprintf("%d records on orders-masked after the registry came back", n), func() bool {
		return len(out.snapshot()) >= n
	})
	seen := map[int64]bool{}
	for _, r := range out.snapshot() {
		got := decodeOrder(t, schema, 1, r.Value)
		assert.Equal(t, "u***@example.com", got["email"])
		seen[got["id"].(int64)] = true
	}
	assert.Len(t, seen, n, "every record, once the registry is back")
}

func TestSchemaE2EJSONSchemaExample(t *testing.T) {
	addr, dev := startKafkaDev(t, "--topics", "orders,orders-masked,orders-dead-letter", "--schema-registry-port", "0")
	url := registryURLOf(t, dev)
	const loose = `{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":["string","null"]}},"required":["id"]}`
	// Only plain addresses: the guest's masked one no longer fits.
	const strict = `{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string","pattern":"^[a-z0-9]+@"}},"required":["id"]}`
	looseID := register(t, url, "orders-value", loose, sr.TypeJSON)
	strictID := register(t, url, "orders-strict-value", strict, sr.TypeJSON)
	frame := func(id int, json string) []byte {
		return append(be.BigEndian.AppendUint32([]byte{0}, uint32(id)), json...)
	}
	const n = 10
	var records []*kgo.Record
	for i := range n {
		records = append(records, &kgo.Record{Topic: "orders", Key: []byte(fmt.Sprint(i)),
			Value: frame(looseID, fmt.Sprintf(`{"id":%d,"email":"user%d@example.com"}`, i, i))})
	}
	unfit := frame(strictID, `{"id":100,"email":"zed@example.com"}`)
	records = append(records, &kgo.Record{Topic: "orders", Key: []byte("unfit"), Value: unfit})
	produceRecords(t, addr, records)

	byKey := runMaskExample(t, addr, url, "io.confluent.connect.json.JsonSchemaConverter", n+1)
	for i := range n {
		r := byKey[fmt.Sprint(i)]
		require.Equal(t, "orders-masked", r.Topic, "record %d", i)
		assert.Equal(t, uint32(looseID), be.BigEndian.Uint32(r.Value[1:5]), "record %d keeps its schema id", i)
		assert.JSONEq(t, fmt.Sprintf(`{"id":%d,"email":"u***@example.com"}`, i), string(r.Value[5:]))
	}
	r := byKey["unfit"]
	require.Equal(t, "orders-dead-letter", r.Topic)
	assert.Equal(t, unfit, r.Value, "unchanged")
	reason, _ := header(r, "dead_letter_error")
	assert.Contains(t, reason, fmt.Sprintf(`email does not fit schema id %d (subject "orders-strict-value" version 1)`, strictID))
}

func TestSchemaE2EProtobufExample(t *testing.T) {
	addr, dev := startKafkaDev(t, "--topics", "orders,orders-masked,orders-dead-letter", "--schema-registry-port", "0")
	url := registryURLOf(t, dev)
	const schema = `syntax = "proto3"; package shop; message Order { int64 id = 1; string email = 2; }`
	id := register(t, url, "orders-value", schema, sr.TypeProtobuf)
	order := func(n int64, email string) []byte {
		b := append(be.BigEndian.AppendUint32([]byte{0}, uint32(id)), 0) // message indexes [0]: one byte 0
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(n))
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		return protowire.AppendString(b, email)
	}
	const n = 10
	var records []*kgo.Record
	for i := range n {
		records = append(records, &kgo.Record{Topic: "orders", Key: []byte(fmt.Sprint(i)),
			Value: order(int64(i+1)<<40, fmt.Sprintf("user%d@example.com", i))}) // ids beyond 2^53 keep every digit
	}
	notProto := []byte{0, 0, 0, 0, byte(id), 0, 0xff}
	records = append(records, &kgo.Record{Topic: "orders", Key: []byte("bad"), Value: notProto})
	produceRecords(t, addr, records)

	byKey := runMaskExample(t, addr, url, "protobuf", n+1)
	for i := range n {
		r := byKey[fmt.Sprint(i)]
		require.Equal(t, "orders-masked", r.Topic, "record %d", i)
		assert.Equal(t, order(int64(i+1)<<40, "u***@example.com"), r.Value, "record %d: same id and indexes, masked", i)
	}
	r := byKey["bad"]
	require.Equal(t, "orders-dead-letter", r.Topic)
	assert.Equal(t, notProto, r.Value, "unchanged")
	reason, _ := header(r, "dead_letter_error")
	assert.Contains(t, reason, fmt.Sprintf(`value: protobuf: the data does not decode as message shop.Order of schema id %d`, id))
	assert.NotContains(t, reason, "host function", "decoded before the guest was called")
}
