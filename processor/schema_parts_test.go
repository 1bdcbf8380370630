package processor

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

const (
	keySchema   = `{"type":"record","name":"Key","fields":[{"name":"id","type":"long"}]}`
	statsSchema = `{"type":"record","name":"Stats","fields":[{"name":"counts","type":{"type":"map","values":"long"}},{"name":"n","type":["null","int","long"]}]}`
)

func avroWire(id int, data []byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), data...)
}

func avroKey(t *testing.T, id int64) []byte {
	b, err := avro.Marshal(avro.MustParse(keySchema), map[string]any{"id": id})
	require.NoError(t, err)
	return b
}

// schemaRegistry serves the key schema as id 1 and the stats schema as id 2.
func schemaRegistry(t *testing.T) *srfake.Registry {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("orders-key", 1, 1, sr.Schema{Schema: keySchema, Type: sr.TypeAvro})
	reg.SeedSchema("stats-value", 1, 2, sr.Schema{Schema: statsSchema, Type: sr.TypeAvro})
	return reg
}

func TestAvroKeysAndHeadersAreReadAndWrittenThroughTheirSchemas(t *testing.T) {
	reg := schemaRegistry(t)
	// header_to_key: key = header "the-key"; both parts are Avro.
	p := processorFor(t, "rust.wasm", "header_to_key", fmt.Sprintf(
		"key_converter: avro\nheader_converter: avro\nschema_registry: { url: %s }", reg.URL()))
	key := avroWire(1, avroKey(t, 5))
	newKey := avroWire(1, avroKey(t, -3))

	good := message("v", map[string]any{"kafka_key": string(key), "the-key": string(newKey)})
	unknownKey := message("v", map[string]any{"kafka_key": string(avroWire(77, []byte{2})), "the-key": string(newKey)})
	badHeader := message("v", map[string]any{"kafka_key": string(key), "the-key": "plain text"})
	out := process(t, p, good, unknownKey, badHeader)

	require.NoError(t, out[0].GetError())
	k, _ := out[0].MetaGetMut("kafka_key")
	assert.Equal(t, string(newKey), k, "the guest read the header's JSON and set it as the key, encoded with the key's schema id 1")

	assert.ErrorContains(t, out[1].GetError(), `key (metadata field "kafka_key"): avro: schema id 77: not found in schema registry`)
	k, _ = out[1].MetaGetMut("kafka_key")
	assert.Equal(t, string(avroWire(77, []byte{2})), k, "unchanged")

	assert.ErrorContains(t, out[2].GetError(), `header "the-key": avro: not in the Confluent wire format`)
}

func TestAnUnchangedAvroValueKeepsItsBytes(t *testing.T) {
	reg := schemaRegistry(t)
	p := processorFor(t, "noop.wasm", "roundtrip", fmt.Sprintf("value_converter: avro\nschema_registry: { url: %s }", reg.URL()))
	// A map written as one block with its byte size (a negative count), and
	// a union's long branch holding a number an int could hold: encoding the
	// JSON again would give other bytes (one block, a count; the int branch).
	data := []byte{
		0x03, 0x08, 2, 'a', 2, 2, 'b', 4, 0, // counts: -2 entries, 8 bytes, a=1 b=2, end
		0x04, 0x0a, // n: branch 2 (long), 5
	}
	raw := avroWire(2, data)
	var check map[string]any
	require.NoError(t, avro.Unmarshal(avro.MustParse(statsSchema), data, &check), "the test's bytes are valid Avro")

	out := process(t, p, service.NewMessage(raw))
	require.NoError(t, out[0].GetError())
	got, err := out[0].AsBytes()
	require.NoError(t, err)
	assert.Equal(t, raw, got, "a guest that changes nothing leaves the bytes as they were")
}

func TestSchemaFailuresAreCountedAndTheGuestIsNotCalled(t *testing.T) {
	reg := schemaRegistry(t)
	p, logs := processorWithLogs(t, "rust.wasm", "reject", fmt.Sprintf("value_converter: avro\nschema_registry: { url: %s }", reg.URL()))
	out := process(t, p, service.NewMessage([]byte("not avro")))
	assert.ErrorContains(t, out[0].GetError(), "wasm_smt: value: avro: not in the Confluent wire format")
	assert.NotContains(t, out[0].GetError().Error(), "rejected", "the guest was not called")
	assert.Contains(t, logs.String(), "record not handed to the guest")
}
