package codec_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// The registry of these tests: an order (id 1, draft 2020-12) that refers
// to a customer registered under its own subject (id 2), the order's next
// version (id 4), an order with an absolute $id (id 5) and an Avro schema
// (id 3) to be refused.
const (
	jsonCustomerSchema = `{
		"type": "object",
		"properties": {
			"name": {"type": "string"},
			"age": {"type": "integer", "minimum": 0}
		},
		"required": ["name"]
	}`
	jsonOrderSchema = `{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type": "object",
		"properties": {
			"id": {"type": "integer"},
			"email": {"type": "string"},
			"customer": {"$ref": "customer.json"},
			"tags": {"type": "array", "items": {"type": "string"}},
			"attrs": {"type": "object", "additionalProperties": {"type": "integer"}}
		},
		"required": ["id", "customer"],
		"additionalProperties": false
	}`
	jsonOrderV2Schema = `{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type": "object",
		"properties": {
			"id": {"type": "integer"},
			"email": {"type": "string"},
			"customer": {"$ref": "customer.json"},
			"tags": {"type": "array", "items": {"type": "string"}},
			"attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
			"note": {"type": "string"}
		},
		"required": ["id", "customer"],
		"additionalProperties": false
	}`
	// Draft 07 by default (no $schema), an absolute $id: the reference name
	// resolves against it.
	jsonInvoiceSchema = `{
		"$id": "https://example.com/schemas/invoice.json",
		"type": "object",
		"properties": {"to": {"$ref": "customer.json"}, "total": {"type": "number"}},
		"required": ["to", "total"]
	}`
)

var customerRef = []sr.SchemaReference{{Name: "customer.json", Subject: "customer", Version: 1}}

func jsonSchemaRegistry(t *testing.T) (*srfake.Registry, *schemaregistry.Client) {
	t.Helper()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("customer", 1, 2, sr.Schema{Schema: jsonCustomerSchema, Type: sr.TypeJSON})
	reg.SeedSchema("orders-value", 1, 1, sr.Schema{Schema: jsonOrderSchema, Type: sr.TypeJSON, References: customerRef})
	reg.SeedSchema("users-value", 1, 3, sr.Schema{Schema: `{"type":"record","name":"U","fields":[]}`, Type: sr.TypeAvro})
	reg.SeedSchema("orders-value", 2, 4, sr.Schema{Schema: jsonOrderV2Schema, Type: sr.TypeJSON, References: customerRef})
	reg.SeedSchema("invoices-value", 1, 5, sr.Schema{Schema: jsonInvoiceSchema, Type: sr.TypeJSON, References: customerRef})
	client, err := schemaregistry.New(schemaregistry.Config{URL: reg.URL()})
	require.NoError(t, err)
	return reg, client
}

func newSchemaConverter(t *testing.T, name string, opts codec.SchemaOptions) codec.SchemaConverter {
	t.Helper()
	c, err := codec.New(name, opts)
	require.NoError(t, err)
	sc, ok := c.(codec.SchemaConverter)
	require.True(t, ok, "%s is a SchemaConverter", name)
	return sc
}

// jsonWire frames JSON text in the wire format with schema id.
func jsonWire(t *testing.T, id int, data string) []byte { return wire(t, id, nil, []byte(data)) }

const anOrder = `{"id": 7, "email": "ada@example.com", "customer": {"name": "Ada", "age": 36}, "tags": ["a"]}`

func TestJSONSchemaPassesTheTextAndKeepsTheBytesAndID(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	assert.Equal(t, codec.JSONSchemaName, c.Name())
	record := jsonWire(t, 1, anOrder)

	require.NoError(t, c.Prepare(context.Background(), record))
	seen, err := c.FromBytes(record)
	require.NoError(t, err)
	assert.Equal(t, anOrder, string(seen), "the guest sees the JSON text as it is, spacing included")

	stored, err := c.ToHostFor(seen, record)
	require.NoError(t, err)
	assert.False(t, stored.IsStructured())
	assert.Equal(t, record, stored.Bytes(), "a guest that changes nothing gives the record back byte for byte")
}

func TestJSONSchemaAChangedFieldArrivesChanged(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 1, anOrder)
	require.NoError(t, c.Prepare(context.Background(), record))

	guest := `{"id":7,"email":"***","customer":{"name":"Ada"},"tags":["a","b"],"attrs":{"n":1}}`
	stored, err := c.ToHostFor([]byte(guest), record)
	require.NoError(t, err)
	id, data, err := schemaregistry.SplitWire(stored.Bytes())
	require.NoError(t, err)
	assert.Equal(t, 1, id, "framed with the original record's schema id")
	assert.Equal(t, guest, string(data))
}

func TestJSONSchemaRefusesWhatDoesNotValidateNamingFieldAndSchema(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 1, anOrder)
	require.NoError(t, c.Prepare(context.Background(), record))

	for _, tc := range []struct{ guest, field, reason string }{
		{`{"id": "7", "customer": {"name": "Ada"}}`, "id", "got string, want integer"},
		{`{"id": 7, "customer": {"name": "Ada", "age": -1}}`, "customer.age", "minimum: got -1, want 0"},
		{`{"id": 7, "customer": {"age": 3}}`, "customer.name", "missing: the schema requires it"},
		{`{"customer": {"name": "Ada"}}`, "id", "missing"},
		{`{"id": 7, "customer": {"name": "Ada"}, "extra": 1}`, "extra", "not allowed"},
		{`{"id": 7, "customer": {"name": "Ada"}, "tags": ["a", 2]}`, "tags[1]", "got number, want string"},
		{`{"id": 7, "customer": {"name": "Ada"}, "attrs": {"a b": "x"}}`, `attrs["a b"]`, "got string, want integer"},
		{`{"id": 7.5, "customer": {"name": 1}}`, "customer.name", "(and 1 more violation)"},
		{`[]`, "", "got array, want object"},
	} {
		_, err := c.ToHostFor([]byte(tc.guest), record)
		var fit *codec.FitError
		require.ErrorAs(t, err, &fit, tc.guest)
		assert.Equal(t, tc.field, fit.Field, tc.guest)
		assert.Equal(t, `schema id 1 (subject "orders-value" version 1)`, fit.Schema, tc.guest)
		assert.Contains(t, fit.Reason, tc.reason, tc.guest)
	}

	_, err := c.ToHostFor([]byte(`{"id": 7, "customer": {"age": 3}}`), record)
	assert.EqualError(t, err, `field customer.name does not fit schema id 1 (subject "orders-value" version 1): missing: the schema requires it`)

	_, err = c.ToHostFor([]byte(`{"id": 7,`), record)
	assert.ErrorIs(t, err, codec.ErrInvalidJSON)
	assert.Contains(t, err.Error(), "json_schema: ")
}

func TestJSONSchemaRefusesBytesNotInTheWireFormat(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	plain := []byte(anOrder)

	err := c.Prepare(context.Background(), plain)
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	assert.EqualError(t, err, "json_schema: not in the Confluent wire format: first byte is 0x7b, expected 0x00 (the record looks like JSON text)")
	_, err = c.FromBytes(plain)
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	_, err = c.FromBytes([]byte{0, 0, 1})
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	_, err = c.ToHostFor([]byte(anOrder), plain)
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
	assert.Contains(t, err.Error(), "json_schema: the part as it came in: ")
}

func TestJSONSchemaUnknownIDAndWrongTypeFailNamingTheSchema(t *testing.T) {
	reg, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})

	err := c.Prepare(context.Background(), jsonWire(t, 99, `{}`))
	require.Error(t, err)
	assert.Equal(t, "json_schema: schema id 99: not found in schema registry "+reg.URL()+" (HTTP 404: schema not found)", err.Error())
	var rerr *schemaregistry.Error
	require.ErrorAs(t, err, &rerr)
	assert.True(t, rerr.NotFound())

	err = c.Prepare(context.Background(), jsonWire(t, 3, `{}`))
	assert.EqualError(t, err, "json_schema: schema id 3 is of type AVRO, not JSON (converter json_schema)")

	// Known once registered: a failure is not cached.
	reg.SeedSchema("late-value", 1, 99, sr.Schema{Schema: `{"type": "object"}`, Type: sr.TypeJSON})
	require.NoError(t, c.Prepare(context.Background(), jsonWire(t, 99, `{}`)))
}

func TestJSONSchemaAsksTheRegistryOncePerID(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	ctx := context.Background()

	run := func(id int, data string) {
		for i := range 100 {
			record := jsonWire(t, id, data)
			require.NoError(t, c.Prepare(ctx, record))
			seen, err := c.FromBytes(record)
			require.NoError(t, err)
			require.Equal(t, data, string(seen))
			_, err = c.ToHostFor(fmt.Appendf(nil, `{"id": %d, "customer": {"name": "n"}}`, i), record)
			require.NoError(t, err)
		}
	}
	run(1, anOrder)
	assert.Equal(t, int64(2), client.Requests(), "100 records of id 1: the schema and its one reference, once")
	run(4, anOrder)
	assert.Equal(t, int64(4), client.Requests(), "a second id costs its own schema and reference, once")
}

func TestJSONSchemaResolvesReferencesAgainstTheSchemaID(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 5, `{"to": {"name": "Ada"}, "total": 1.5}`)
	require.NoError(t, c.Prepare(context.Background(), record))

	_, err := c.ToHostFor([]byte(`{"to": {"name": "Ada"}, "total": 2}`), record)
	require.NoError(t, err)
	_, err = c.ToHostFor([]byte(`{"to": {"age": 1}, "total": 2}`), record)
	var fit *codec.FitError
	require.ErrorAs(t, err, &fit)
	assert.Equal(t, "to.name", fit.Field, "the referenced customer schema applies under to")
}

func TestJSONSchemaFetchesNothingButItsReferences(t *testing.T) {
	reg, client := jsonSchemaRegistry(t)
	reg.SeedSchema("leaky-value", 1, 6, sr.Schema{
		Type:   sr.TypeJSON,
		Schema: `{"type": "object", "properties": {"x": {"$ref": "https://example.com/elsewhere.json"}}}`,
	})
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	err := c.Prepare(context.Background(), jsonWire(t, 6, `{}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "json_schema: schema id 6 is not a valid JSON schema: ")
	assert.Contains(t, err.Error(), "https://example.com/elsewhere.json is not one of the schema's references in the registry")
}

func TestJSONSchemaWithASubjectEncodesWithItsLatest(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Subject: "orders-value", Part: "value"})
	record := jsonWire(t, 1, anOrder)
	require.NoError(t, c.Prepare(context.Background(), record))

	guest := `{"id": 7, "customer": {"name": "Ada"}, "note": "v2 has notes"}`
	stored, err := c.ToHostFor([]byte(guest), record)
	require.NoError(t, err)
	id, data, err := schemaregistry.SplitWire(stored.Bytes())
	require.NoError(t, err)
	assert.Equal(t, 4, id, "the subject's latest version, not the record's")
	assert.Equal(t, guest, string(data))

	stored, err = c.ToHost([]byte(guest))
	require.NoError(t, err, "a part the record did not have is encoded with the subject's latest")
	id, _, _ = schemaregistry.SplitWire(stored.Bytes())
	assert.Equal(t, 4, id)

	_, err = c.ToHostFor([]byte(`{"id": 7, "customer": {"name": "Ada"}, "x": 1}`), record)
	var fit *codec.FitError
	require.ErrorAs(t, err, &fit)
	assert.Equal(t, `schema id 4 (subject "orders-value" version 2)`, fit.Schema)

	// Without a subject there is nothing to encode a new part with.
	plain := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "key"})
	_, err = plain.ToHost([]byte(guest))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "json_schema: the record had no such part, so there is no schema to encode it with (set a schema subject")
}

func TestJSONSchemaReadsKeysAndHeadersFromMetadataAsStoredBytes(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "key"})
	record := jsonWire(t, 1, anOrder)
	for _, v := range []any{record, string(record)} {
		seen, err := c.FromValue(v)
		require.NoError(t, err)
		assert.Equal(t, anOrder, string(seen))
	}
	_, err := c.FromValue("plain")
	assert.ErrorIs(t, err, schemaregistry.ErrNotWireFormat)
}

func TestJSONSchemaNeedsARegistryAndHasTheConfluentAlias(t *testing.T) {
	_, err := codec.New(codec.JSONSchemaName, codec.SchemaOptions{})
	assert.EqualError(t, err, "converter json_schema reads its schemas from a schema registry, and none is configured (set schema_registry.url)")

	_, client := jsonSchemaRegistry(t)
	c, err := codec.New("io.confluent.connect.json.JsonSchemaConverter", codec.SchemaOptions{Registry: client})
	require.NoError(t, err)
	assert.Equal(t, codec.JSONSchemaName, c.Name())
	assert.Contains(t, codec.Names(), "io.confluent.connect.json.JsonSchemaConverter")
}

func TestJSONSchemaIsSafeForConcurrentUse(t *testing.T) {
	_, client := jsonSchemaRegistry(t)
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 1, anOrder)
	var wg sync.WaitGroup
	errs := make(chan error, 8*50)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if err := c.Prepare(context.Background(), record); err != nil {
					errs <- err
					return
				}
				guest := fmt.Appendf(nil, `{"id": %d, "customer": {"name": "g"}}`, g*100+i)
				if i%2 == 1 {
					guest = []byte(`{"id": "bad", "customer": {"name": "g"}}`)
				}
				_, err := c.ToHostFor(guest, record)
				var fit *codec.FitError
				if (i%2 == 1) != errors.As(err, &fit) {
					errs <- fmt.Errorf("record %d: unexpected result %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, int64(3), client.Requests(), "8 threads meeting a new id together: the schema, its reference and, once, its subjects for errors")
}

func TestJSONSchemaACallerThatGivesUpDoesNotFailTheOthers(t *testing.T) {
	reg, client := jsonSchemaRegistry(t)
	release := make(chan struct{})
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool {
		<-release
		return false
	})
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 1, anOrder)

	impatient, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- c.Prepare(impatient, record) }()
	second := make(chan error, 1)
	go func() { second <- c.Prepare(context.Background(), record) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	err := <-first
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "json_schema: schema id 1: ")

	close(release)
	require.NoError(t, <-second, "the compile the cancelled caller started still serves the other one")
	assert.Equal(t, int64(2), client.Requests())
}

func TestJSONSchemaFollowsReferencesOfReferences(t *testing.T) {
	reg, client := jsonSchemaRegistry(t)
	reg.SeedSchema("address", 1, 10, sr.Schema{Type: sr.TypeJSON,
		Schema: `{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}`})
	reg.SeedSchema("person", 1, 11, sr.Schema{Type: sr.TypeJSON,
		Schema:     `{"type": "object", "properties": {"home": {"$ref": "address.json"}}, "required": ["home"]}`,
		References: []sr.SchemaReference{{Name: "address.json", Subject: "address", Version: 1}}})
	reg.SeedSchema("letters-value", 1, 12, sr.Schema{Type: sr.TypeJSON,
		Schema:     `{"type": "object", "properties": {"to": {"$ref": "person.json"}}}`,
		References: []sr.SchemaReference{{Name: "person.json", Subject: "person", Version: 1}}})
	c := newSchemaConverter(t, codec.JSONSchemaName, codec.SchemaOptions{Registry: client, Part: "value"})
	record := jsonWire(t, 12, `{"to": {"home": {"city": "Oslo"}}}`)
	require.NoError(t, c.Prepare(context.Background(), record))

	_, err := c.ToHostFor([]byte(`{"to": {"home": {"city": "Bergen"}}}`), record)
	require.NoError(t, err)
	_, err = c.ToHostFor([]byte(`{"to": {"home": {"city": 5}}}`), record)
	var fit *codec.FitError
	require.ErrorAs(t, err, &fit)
	assert.Equal(t, "to.home.city", fit.Field)
	assert.Equal(t, `schema id 12 (subject "letters-value" version 1)`, fit.Schema)
}
