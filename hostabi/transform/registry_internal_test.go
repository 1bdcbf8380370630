package transform

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero/api"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// The host functions of redpanda_schema_registry called one at a time, with
// exact arguments, on an instance of a module that is only one page of
// memory: the bytes they write, where, and what they refuse.

// memoryModule exports one page of memory and nothing else.
var memoryModule = []byte("\x00asm\x01\x00\x00\x00" +
	"\x05\x03\x01\x00\x01" + // memory section: one memory, minimum 1 page
	"\x07\x0a\x01\x06memory\x02\x00") // export section: "memory" = memory 0

const poisonByte = 0xEE

type harness struct {
	x      *hostabi.Exchange
	mem    api.Memory
	in     *Instance
	logged []error
}

func newHarness(t *testing.T, registry SchemaRegistry, opts ...hostabi.Option) *harness {
	t.Helper()
	ctx := context.Background()
	core, err := hostabi.Compile(ctx, "memory.wasm", memoryModule, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = core.Close(ctx) })
	ci, err := core.Instantiate(ctx, hostabi.InstanceConfig{})
	require.NoError(t, err)
	h := &harness{x: ci.Exchange(), mem: ci.Unwrap().Memory()}
	m := &Module{core: core, cfg: Config{SchemaRegistry: registry, LogRegistryError: func(err error) { h.logged = append(h.logged, err) }}}
	h.in = &Instance{core: ci, module: m, cfg: &m.cfg}
	ci.SetState(h.in)
	poison := bytes.Repeat([]byte{poisonByte}, int(h.mem.Size()))
	h.mem.Write(0, poison)
	return h
}

// call runs the host function name with args and returns its result, or
// the error that abandons the guest's call.
func (h *harness) call(name string, args ...uint64) (int32, error) {
	for _, f := range registryFunctions {
		if f.Name == name {
			stack := make([]uint64, max(len(args), 1))
			copy(stack, args)
			err := h.x.RunHostFunction(f, stack)
			return int32(uint32(stack[0])), err
		}
	}
	panic("no host function " + name)
}

func (h *harness) read(at, n uint32) []byte {
	b, ok := h.mem.Read(at, n)
	if !ok {
		panic("outside memory")
	}
	return append([]byte(nil), b...)
}

func (h *harness) put(at uint32, b []byte) (ptr, length uint64) {
	h.mem.Write(at, b)
	return uint64(at), uint64(len(b))
}

// u32 is a negative i32 as the guest passes it.
func u32(v int32) uint64 { return uint64(uint32(v)) }

type fakeRegistry struct {
	fake   *srfake.Registry
	client *schemaregistry.Client
	served atomic.Int64
}

var (
	cityText = `{"type":"record","name":"City","fields":[{"name":"n","type":"string"}]}`
	shopText = `{"type":"record","name":"Shop","fields":[{"name":"c","type":"City"}]}`
)

func newFakeRegistry(t *testing.T) *fakeRegistry {
	r := &fakeRegistry{fake: srfake.New()}
	t.Cleanup(r.fake.Close)
	r.fake.SeedSchema("city-value", 1, 5, sr.Schema{Type: sr.TypeAvro, Schema: cityText})
	r.fake.SeedSchema("shop-value", 1, 300, sr.Schema{Type: sr.TypeAvro, Schema: shopText,
		References: []sr.SchemaReference{{Name: "City", Subject: "city-value", Version: 1}}})
	r.fake.Intercept(func(http.ResponseWriter, *http.Request) bool { r.served.Add(1); return false })
	var err error
	r.client, err = schemaregistry.New(schemaregistry.Config{URL: r.fake.URL()})
	require.NoError(t, err)
	return r
}

// shopDefinition is the definition of id 300 as Redpanda encodes it, every
// integer a zigzag varint: type avro 0, the text's length, the text, one
// reference (2), its name (length 4 -> 8), subject (10 -> 20) and version
// (1 -> 2).
func shopDefinition() []byte {
	b := []byte{0x00}
	b = binary.AppendVarint(b, int64(len(shopText)))
	b = append(b, shopText...)
	b = append(b, 0x02, 0x08)
	b = append(b, "City"...)
	b = append(b, 0x14)
	b = append(b, "city-value"...)
	return append(b, 0x02)
}

func TestSchemaDefinitionBytes(t *testing.T) {
	// The smallest example, fully literal.
	got := appendSchemaDefinition(nil, sr.Schema{Type: sr.TypeProtobuf, Schema: "ab",
		References: []sr.SchemaReference{{Name: "n", Subject: "s", Version: 3}}})
	assert.Equal(t, []byte{0x02, 0x04, 'a', 'b', 0x02, 0x02, 'n', 0x02, 's', 0x06}, got)
	got = appendSubjectSchema(nil, sr.SubjectSchema{ID: 300, Version: 2, Schema: sr.Schema{Type: sr.TypeJSON, Schema: "{}"}})
	assert.Equal(t, []byte{0xd8, 0x04, 0x04, 0x04, 0x04, '{', '}', 0x00}, got, "id 300, version 2, json, text, no references")

	back, err := parseSchemaDefinition(shopDefinition())
	require.NoError(t, err)
	assert.Equal(t, sr.Schema{Type: sr.TypeAvro, Schema: shopText,
		References: []sr.SchemaReference{{Name: "City", Subject: "city-value", Version: 1}}}, back)
}

func TestDefinitionLookupWritesExactlyTheEncoding(t *testing.T) {
	reg := newFakeRegistry(t)
	h := newHarness(t, reg.client)
	want := shopDefinition()

	res, err := h.call("get_schema_definition_len", 300, 100)
	require.NoError(t, err)
	require.Equal(t, int32(0), res)
	assert.Equal(t, uint32(len(want)), binary.LittleEndian.Uint32(h.read(100, 4)))
	assert.Equal(t, []byte{poisonByte, poisonByte}, h.read(104, 2), "4 bytes, no more")

	res, err = h.call("get_schema_definition", 300, 1000, uint64(len(want)))
	require.NoError(t, err)
	require.Equal(t, int32(len(want)), res)
	assert.Equal(t, want, h.read(1000, uint32(len(want))))
	assert.Equal(t, []byte{poisonByte}, h.read(1000+uint32(len(want)), 1))

	// A buffer one byte short: -2, nothing written.
	res, err = h.call("get_schema_definition", 300, 5000, uint64(len(want)-1))
	require.NoError(t, err)
	assert.Equal(t, int32(-2), res)
	assert.Equal(t, bytes.Repeat([]byte{poisonByte}, len(want)), h.read(5000, uint32(len(want))))
	require.NotEmpty(t, h.logged)
	assert.Contains(t, h.logged[len(h.logged)-1].Error(), "schema id 300: the guest's buffer of")

	assert.Equal(t, int64(1), reg.served.Load(), "one request for the id")
}

func TestSubjectLookup(t *testing.T) {
	reg := newFakeRegistry(t)
	h := newHarness(t, reg.client)
	subject, subjectLen := h.put(10, []byte("shop-value"))
	want := append([]byte{0xd8, 0x04, 0x02}, shopDefinition()...) // id 300, version 1

	for _, version := range []int32{1, -1} {
		res, err := h.call("get_subject_schema_len", subject, subjectLen, u32(version), 100)
		require.NoError(t, err)
		require.Equal(t, int32(0), res, "version %d", version)
		require.Equal(t, uint32(len(want)), binary.LittleEndian.Uint32(h.read(100, 4)))
		res, err = h.call("get_subject_schema", subject, subjectLen, u32(version), 1000, 4096)
		require.NoError(t, err)
		require.Equal(t, int32(len(want)), res)
		assert.Equal(t, want, h.read(1000, uint32(len(want))), "version %d", version)
	}
	assert.Equal(t, int64(2), reg.served.Load(), "one request per lookup: the partner call answers from the _len call")

	// The latest version changes between the two calls: the guest gets
	// what it sized.
	res, _ := h.call("get_subject_schema_len", subject, subjectLen, u32(-1), 100)
	require.Equal(t, int32(0), res)
	newer := sr.Schema{Type: sr.TypeJSON, Schema: `{"a":1}`}
	id, version, err := reg.fake.RegisterSchema("shop-value", newer)
	require.NoError(t, err)
	res, _ = h.call("get_subject_schema", subject, subjectLen, u32(-1), 1000, uint64(len(want)))
	require.Equal(t, int32(len(want)), res)
	assert.Equal(t, want, h.read(1000, uint32(len(want))))

	// Without a _len call first, the partner asks the registry itself.
	wantNewer := appendSubjectSchema(nil, sr.SubjectSchema{ID: id, Version: version, Schema: newer})
	res, _ = h.call("get_subject_schema", subject, subjectLen, u32(-1), 1000, 4096)
	require.Equal(t, int32(len(wantNewer)), res)
	assert.Equal(t, wantNewer, h.read(1000, uint32(len(wantNewer))), "the new latest version")

	// Version 0 and unknown subjects are registry errors.
	res, _ = h.call("get_subject_schema_len", subject, subjectLen, 0, 100)
	assert.Equal(t, int32(-2), res)
	nope, nopeLen := h.put(50, []byte("nope"))
	res, _ = h.call("get_subject_schema_len", nope, nopeLen, 1, 100)
	assert.Equal(t, int32(-2), res)
}

func TestCreateSubjectSchema(t *testing.T) {
	reg := newFakeRegistry(t)
	h := newHarness(t, reg.client)
	subject, subjectLen := h.put(10, []byte("mall-value"))
	text := `{"type":"record","name":"Mall","fields":[{"name":"s","type":"Shop"}]}`
	def := []byte{0x00}
	def = binary.AppendVarint(def, int64(len(text)))
	def = append(def, text...)
	def = append(def, 0x02, 0x08)
	def = append(def, "Shop"...)
	def = append(def, 0x14)
	def = append(def, "shop-value"...)
	def = append(def, 0x02)
	def = append(def, "trailing bytes are ignored, as the broker does"...)
	ptr, length := h.put(1000, def)

	res, err := h.call("create_subject_schema", subject, subjectLen, ptr, length, 100)
	require.NoError(t, err)
	require.Equal(t, int32(0), res, "%v", h.logged)
	id := int(int32(binary.LittleEndian.Uint32(h.read(100, 4))))
	assert.Equal(t, []byte{poisonByte}, h.read(104, 1))
	got, err := reg.client.SchemaByID(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, text, got.Schema)
	assert.Equal(t, []sr.SchemaReference{{Name: "Shop", Subject: "shop-value", Version: 1}}, got.References)

	// Definitions that do not decode: -2, and the registry is not asked.
	served := reg.served.Load()
	for _, bad := range [][]byte{
		{0x06, 0x00, 0x00},                   // type 3
		{0x01, 0x00, 0x00},                   // type -1
		{0x00, 0x01, 0x00},                   // text length -1
		{0x00, 0x10, 'x'},                    // text length 8, one byte follows
		{0x00, 0x00, 0x02, 0x02, 'n'},        // a reference cut short
		{0x00, 0x00, 0x7e},                   // 63 references in no bytes
		{0x00, 0x00, 0x02, 0x00, 0x00, 0x80}, // a version that is not a complete varint
		{},
	} {
		ptr, length := h.put(2000, bad)
		res, err := h.call("create_subject_schema", subject, subjectLen, ptr, length, 100)
		require.NoError(t, err)
		assert.Equal(t, int32(-2), res, "% x", bad)
	}
	assert.Equal(t, served, reg.served.Load())
	assert.Contains(t, h.logged[len(h.logged)-1].Error(), `registering a schema under subject "mall-value": the guest's schema definition does not decode`)

	// A schema the registry refuses.
	bad := append([]byte{0x00, 0x08}, "{no"...)
	ptr, length = h.put(2000, append(bad, 0x00))
	res, _ = h.call("create_subject_schema", subject, subjectLen, ptr, length, 100)
	assert.Equal(t, int32(-2), res)
}

func TestWithoutARegistryEveryCallIsMinusOne(t *testing.T) {
	h := newHarness(t, nil)
	subject, subjectLen := h.put(10, []byte("s"))
	for _, c := range []struct {
		name string
		args []uint64
	}{
		{"get_schema_definition_len", []uint64{1, 100}},
		{"get_schema_definition", []uint64{1, 100, 100}},
		{"get_subject_schema_len", []uint64{subject, subjectLen, 1, 100}},
		{"get_subject_schema", []uint64{subject, subjectLen, u32(-1), 100, 100}},
		{"create_subject_schema", []uint64{subject, subjectLen, 100, 3, 200}},
	} {
		res, err := h.call(c.name, c.args...)
		require.NoError(t, err)
		assert.Equal(t, int32(-1), res, c.name)
	}
	assert.Equal(t, bytes.Repeat([]byte{poisonByte}, 200), h.read(100, 200), "nothing written")
	require.Len(t, h.logged, 1, "logged once")
	assert.ErrorIs(t, h.logged[0], ErrNoRegistry)
	res, err := h.call("check_abi_version_0")
	require.NoError(t, err)
	assert.Equal(t, int32(0), res)
}

// Guest memory goes through the exchange: a pointer outside memory fails
// the guest's call (as it traps on the broker), registry or not, and the
// bytes count against max_call_bytes.
func TestGuestMemoryIsChecked(t *testing.T) {
	reg := newFakeRegistry(t)
	for _, registry := range []SchemaRegistry{nil, reg.client} {
		h := newHarness(t, registry)
		var hf *hostabi.HostFunctionError
		_, err := h.call("get_subject_schema_len", 65530, 10, 1, 100)
		require.ErrorAs(t, err, &hf)
		assert.Equal(t, "get_subject_schema_len", hf.Import)
		_, err = h.call("create_subject_schema", 10, 1, 65535, 2, 100)
		require.ErrorAs(t, err, &hf)
	}
	h := newHarness(t, reg.client)
	_, err := h.call("get_schema_definition_len", 300, 65533)
	var hf *hostabi.HostFunctionError
	require.ErrorAs(t, err, &hf, "the length written outside memory")

	h = newHarness(t, reg.client, hostabi.WithLimits(hostabi.Limits{CallBytes: 50}))
	_, err = h.call("get_schema_definition", 300, 1000, 4096)
	var limit *hostabi.LimitError
	require.ErrorAs(t, err, &limit)
	assert.Equal(t, hostabi.LimitCallBytes, limit.Limit)
}

// A registry error the guest dies after is named in the record's error.
func TestDeathAfterARegistryErrorNamesIt(t *testing.T) {
	in := &Instance{cur: &batch{}}
	in.module = &Module{}
	in.cfg = &in.module.cfg
	in.registryFailed("get_schema_definition_len", resultRegistryError, errors.New("schema id 7: boom"))
	err := in.deathError(errors.New("guest function _start exited with code 2"), in.cur)
	assert.EqualError(t, err, "Redpanda Data Transforms ABI: the transform died on this record: guest function _start exited with code 2 "+
		"(after redpanda_schema_registry.get_schema_definition_len returned -2 to the guest: schema id 7: boom)")
}

// Any bytes a guest passes to create_subject_schema: parsing never panics
// nor allocates beyond the input, and what parses encodes back to a
// definition that parses to the same schema.
func FuzzSchemaDefinition(f *testing.F) {
	f.Add(shopDefinition())
	f.Add([]byte{0x02, 0x04, 'a', 'b', 0x02, 0x02, 'n', 0x02, 's', 0x06})
	f.Add([]byte{0x04, 0x00, 0x00, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseSchemaDefinition(b)
		if err != nil {
			return
		}
		back, err := parseSchemaDefinition(appendSchemaDefinition(nil, s))
		require.NoError(t, err)
		require.Equal(t, s, back)
	})
}
