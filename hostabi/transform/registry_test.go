package transform_test

import (
	"context"
	"encoding/binary"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// The Go conformance guest's schema registry cases (schema_lookup,
// schema_lookup_strict, schema_register: testdata/FUNCTIONS-peer-abis.md)
// against franz-go's in-memory registry, through schemaregistry.Client as
// wasm_smt wires it.

var (
	addressSchema = sr.Schema{Type: sr.TypeAvro,
		Schema: `{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"city","type":"string"}]}`}
	orderV1 = sr.Schema{Type: sr.TypeAvro,
		Schema:     `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"to","type":"shop.Address"}]}`,
		References: []sr.SchemaReference{{Name: "shop.Address", Subject: "address-value", Version: 1}}}
	orderV2 = sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object","properties":{"id":{"type":"string"}}}`}
)

// registry is srfake with address-value v1 (id 1), orders-value v1 (id 2,
// referencing address-value v1) and v2 (id 3), and a client of it. served
// counts the requests the registry receives.
type registry struct {
	fake   *srfake.Registry
	client *schemaregistry.Client
	served atomic.Int64
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	r := &registry{fake: srfake.New()}
	t.Cleanup(r.fake.Close)
	r.fake.SeedSchema("address-value", 1, 1, addressSchema)
	r.fake.SeedSchema("orders-value", 1, 2, orderV1)
	r.fake.SeedSchema("orders-value", 2, 3, orderV2)
	r.fake.Intercept(func(http.ResponseWriter, *http.Request) bool {
		r.served.Add(1)
		return false
	})
	var err error
	r.client, err = schemaregistry.New(schemaregistry.Config{URL: r.fake.URL()})
	require.NoError(t, err)
	return r
}

// errorLog collects what Config.LogRegistryError receives.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) log(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// wire is a value in the Confluent wire format: 0, the id (4 bytes, big
// endian), then the payload.
func wire(id uint32, payload string) *string {
	b := binary.BigEndian.AppendUint32([]byte{0}, id)
	return s(string(b) + payload)
}

func TestSchemaLookupsGetWhatTheRegistryHas(t *testing.T) {
	reg := newRegistry(t)
	m := load(t, goGuest, "schema_lookup_strict", transform.Config{SchemaRegistry: reg.client})
	recs := []*recordtest.MemRecord{
		rec(nil, wire(2, "avro"), map[string]string{"sr.subject": "orders-value"}),
		rec(nil, wire(1, ""), map[string]string{"sr.subject": "orders-value", "sr.version": "1"}),
		rec(nil, s("not in the wire format"), nil),
	}
	errs, _ := runAll(t, m, recs)
	for i := range recs {
		require.NoError(t, errs[i], "record %d", i)
	}
	_, value, _, headers := recs[0].Parts()
	assert.Equal(t, *wire(2, "avro"), *value, "the value is unchanged")
	assert.Equal(t, map[string]string{
		"sr.subject": "orders-value",
		// By id: the definition, with its reference.
		"schema.id": "2", "schema.type": "avro", "schema.text": orderV1.Schema, "schema.refs": "shop.Address=address-value@1",
		// By subject, latest version (-1).
		"subject.id": "3", "subject.version": "2", "subject.type": "json", "subject.text": orderV2.Schema,
	}, headers)

	_, _, _, headers = recs[1].Parts()
	assert.Equal(t, map[string]string{
		"sr.subject": "orders-value", "sr.version": "1",
		"schema.id": "1", "schema.type": "avro", "schema.text": addressSchema.Schema,
		"subject.id": "2", "subject.version": "1", "subject.type": "avro", "subject.text": orderV1.Schema,
		"subject.refs": "shop.Address=address-value@1",
	}, headers)

	_, _, _, headers = recs[2].Parts()
	assert.Empty(t, headers, "a value not in the wire format is not looked up")
}

// The Go SDK asks the host twice per lookup (the size, then the bytes) and
// caches nothing that succeeded: lookups by id cost one registry request per
// id (the client's cache), and a lookup by subject one request, not two.
func TestSchemaLookupsCostOneRequestPerIDAndOnePerSubjectLookup(t *testing.T) {
	reg := newRegistry(t)
	m := load(t, goGuest, "schema_lookup_strict", transform.Config{SchemaRegistry: reg.client})
	var recs []*recordtest.MemRecord
	for i := 0; i < 20; i++ {
		recs = append(recs, rec(nil, wire(1, "x"), nil))
	}
	errs, _ := runAll(t, m, recs)
	for i := range recs {
		require.NoError(t, errs[i])
	}
	assert.Equal(t, int64(1), reg.served.Load(), "20 lookups of one id")

	recs = nil
	for i := 0; i < 5; i++ {
		recs = append(recs, rec(nil, s("v"), map[string]string{"sr.subject": "orders-value"}))
	}
	errs, _ = runAll(t, m, recs)
	for i := range recs {
		require.NoError(t, errs[i])
	}
	assert.Equal(t, int64(1+5), reg.served.Load(), "5 lookups of a subject's latest version")
}

func TestWithoutARegistryTheGuestGetsMinusOne(t *testing.T) {
	var log errorLog
	m := load(t, goGuest, "schema_lookup", transform.Config{LogRegistryError: log.log})
	recs := []*recordtest.MemRecord{
		rec(nil, wire(1, ""), nil),
		rec(nil, s("v"), map[string]string{"sr.subject": "orders-value"}),
		rec(nil, wire(2, ""), nil),
	}
	errs, _ := runAll(t, m, recs)
	for i, want := range []string{"get_schema_definition_len returned -1", "get_subject_schema_len returned -1", "get_schema_definition_len returned -1"} {
		require.NoError(t, errs[i], "the guest decides: it passes the record on")
		_, _, _, headers := recs[i].Parts()
		assert.Equal(t, want, headers["sr.error"])
	}
	logged := log.all()
	require.Len(t, logged, 1, "the missing registry is logged once per module")
	var call *transform.RegistryCallError
	require.ErrorAs(t, logged[0], &call)
	assert.Equal(t, int32(-1), call.Result)
	assert.ErrorIs(t, logged[0], transform.ErrNoRegistry)
	assert.EqualError(t, logged[0], "redpanda_schema_registry.get_schema_definition_len returned -1 to the guest: no schema registry is configured (set schema_registry)")

	// A guest that fails its record on -1: the error says why.
	m = load(t, goGuest, "schema_lookup_strict", transform.Config{})
	recs = []*recordtest.MemRecord{rec(nil, wire(1, ""), nil), rec(nil, s("after"), nil)}
	errs, _ = runAll(t, m, recs)
	require.Error(t, errs[0])
	assert.Contains(t, errs[0].Error(), "the transform died on this record: guest function _start exited with code 2")
	assert.Contains(t, errs[0].Error(), "(after redpanda_schema_registry.get_schema_definition_len returned -1 to the guest: no schema registry is configured")
	require.NoError(t, errs[1], "the next record goes on, in a fresh instance")
}

func TestARegistryErrorIsTheGuestsToHandle(t *testing.T) {
	reg := newRegistry(t)
	var log errorLog
	m := load(t, goGuest, "schema_lookup", transform.Config{SchemaRegistry: reg.client, LogRegistryError: log.log})
	recs := []*recordtest.MemRecord{
		rec(nil, wire(99, ""), nil),
		rec(nil, s("v"), map[string]string{"sr.subject": "nope-value", "sr.version": "3"}),
		rec(nil, s("v"), map[string]string{"sr.subject": "orders-value", "sr.version": "0"}),
	}
	errs, _ := runAll(t, m, recs)
	for i, want := range []string{"get_schema_definition_len returned -2", "get_subject_schema_len returned -2", "get_subject_schema_len returned -2"} {
		require.NoError(t, errs[i])
		_, _, _, headers := recs[i].Parts()
		assert.Equal(t, want, headers["sr.error"])
	}
	logged := log.all()
	require.Len(t, logged, 3, "every -2 is logged")
	assert.Contains(t, logged[0].Error(), "redpanda_schema_registry.get_schema_definition_len returned -2 to the guest: schema id 99: not found in schema registry")
	assert.Contains(t, logged[1].Error(), `get_subject_schema_len returned -2 to the guest: subject "nope-value" version 3: not found`)
	assert.Contains(t, logged[2].Error(), `versions start at 1`)
}

func TestAStoppedRegistryGivesMinusTwo(t *testing.T) {
	reg := newRegistry(t)
	reg.fake.Close()
	var log errorLog
	recs := []*recordtest.MemRecord{rec(nil, wire(1, ""), nil), rec(nil, s("plain"), nil)}
	errs, _ := runAll(t, load(t, goGuest, "schema_lookup", transform.Config{SchemaRegistry: reg.client, LogRegistryError: log.log}), recs)
	require.NoError(t, errs[0], "the guest passes the record on")
	_, _, _, headers := recs[0].Parts()
	assert.Equal(t, "get_schema_definition_len returned -2", headers["sr.error"])
	require.Len(t, log.all(), 1)
	assert.Contains(t, log.all()[0].Error(), "schema id 1: schema registry "+reg.client.URL()+" is unreachable")

	recs = []*recordtest.MemRecord{rec(nil, wire(1, ""), nil), rec(nil, s("plain"), nil)}
	errs, _ = runAll(t, load(t, goGuest, "schema_lookup_strict", transform.Config{SchemaRegistry: reg.client}), recs)
	require.Error(t, errs[0], "the guest fails the record")
	assert.Contains(t, errs[0].Error(), "(after redpanda_schema_registry.get_schema_definition_len returned -2 to the guest: schema id 1: schema registry "+reg.client.URL()+" is unreachable")
	require.NoError(t, errs[1])
	_, value, _, _ := recs[1].Parts()
	assert.Equal(t, "plain", *value)
}

func TestSchemaRegisterCreatesTheSchema(t *testing.T) {
	reg := newRegistry(t)
	m := load(t, goGuest, "schema_register", transform.Config{SchemaRegistry: reg.client})
	customer := `{"type":"record","name":"Customer","namespace":"shop","fields":[{"name":"home","type":"shop.Address"}]}`
	recs := []*recordtest.MemRecord{
		rec(nil, s(customer), map[string]string{"sr.subject": "customers-value", "sr.refs": "shop.Address=address-value@1"}),
		rec(nil, s(orderV2.Schema), map[string]string{"sr.subject": "orders-value", "sr.type": "json"}),
		rec(nil, s("{not json"), map[string]string{"sr.subject": "bad-value"}),
	}
	errs, _ := runAll(t, m, recs)
	for i := range recs {
		require.NoError(t, errs[i])
	}
	_, _, _, headers := recs[0].Parts()
	require.NotEmpty(t, headers["sr.id"], headers["sr.error"])
	got, err := reg.client.LatestBySubject(context.Background(), "customers-value")
	require.NoError(t, err)
	assert.Equal(t, headers["sr.id"], strconv.Itoa(got.ID), "the id the guest got is the registered one")
	assert.Equal(t, customer, got.Schema.Schema)
	assert.Equal(t, sr.TypeAvro, got.Type)
	assert.Equal(t, []sr.SchemaReference{{Name: "shop.Address", Subject: "address-value", Version: 1}}, got.References)

	_, _, _, headers = recs[1].Parts()
	assert.Equal(t, "3", headers["sr.id"], "a schema the subject has already: its id")

	_, _, _, headers = recs[2].Parts()
	assert.Equal(t, "create_subject_schema returned -2", headers["sr.error"], "a schema the registry refuses")
}

// A registry call runs inside the guest's call: the timeout stops it, and
// the guest does not run on (schema_lookup would pass the record on after
// a -2).
func TestATimeoutStopsARegistryCall(t *testing.T) {
	reg := newRegistry(t)
	release := make(chan struct{})
	reg.fake.Intercept(func(http.ResponseWriter, *http.Request) bool {
		<-release
		return false
	})
	defer close(release)
	m := load(t, goGuest, "schema_lookup", transform.Config{SchemaRegistry: reg.client},
		hostabi.WithLimits(hostabi.Limits{Timeout: 300 * time.Millisecond}))
	recs := []*recordtest.MemRecord{rec(nil, wire(1, ""), nil), rec(nil, s("plain"), nil)}
	start := time.Now()
	errs, _ := runAll(t, m, recs)
	assert.Less(t, time.Since(start), 3*time.Second)
	require.Error(t, errs[0])
	assert.Contains(t, errs[0].Error(), "the transform died on this record: guest function _start stopped: it ran longer than the timeout of 300ms "+
		"(redpanda_schema_registry.get_schema_definition_len stopped while it waited for the schema registry (schema id 1): context canceled)")
	_, _, _, headers := recs[0].Parts()
	assert.Empty(t, headers, "the record is unchanged")
	require.NoError(t, errs[1])
}
