package codec

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// SchemaConverter is a converter whose guest view depends on a schema the
// stored bytes name: avro, protobuf and json_schema (the Confluent wire
// format, schemas from a registry) and json_envelope (Kafka Connect's
// JsonConverter with schemas.enable=true, the schema inline).
//
// The guest reads the part decoded as plain JSON and writes plain JSON back;
// ToHostFor encodes what it wrote with the schema of the part as it was
// before the call, so a record keeps its schema id.
type SchemaConverter interface {
	Converter

	// Prepare makes sure the schema raw names is at hand, asking the
	// registry when it is not cached yet, so that FromBytes and ToHostFor
	// need no request while a guest call is running. It fails for bytes
	// that are not in the converter's format and for a schema the registry
	// cannot give; the error names the schema id and the registry.
	Prepare(ctx context.Context, raw []byte) error

	// ToHostFor encodes the JSON a guest set for a part whose bytes were
	// original before the call, with original's schema or, when the
	// converter was given a subject, with that subject's latest schema.
	// original is nil for a part the record did not have; then only a
	// converter with a subject can encode. A value that does not fit the
	// schema fails with a *FitError naming the field and the schema.
	ToHostFor(guest, original []byte) (Stored, error)
}

// Names of the schema-aware converters, as written in configuration.
const (
	AvroName         = "avro"
	ProtobufName     = "protobuf"
	JSONSchemaName   = "json_schema"
	JSONEnvelopeName = "json_envelope"
)

// SchemaOptions configure the schema-aware converters. The plain converters
// (bytes, string, json) ignore them.
type SchemaOptions struct {
	// Registry holds the schemas of the avro, protobuf and json_schema
	// converters; they refuse to be made without one.
	Registry *schemaregistry.Client
	// Subject, when not empty, is the subject whose latest schema encodes
	// what a guest writes, in place of the part's own schema. It lets a guest
	// change the schema (to the next version of its subject), and set parts
	// the record did not have. The latest version is looked up once, on first
	// use, and kept for the converter's life.
	Subject string
	// Part names the record part ("value", "key", "headers") in errors.
	Part string
}

// schemaBuilders makes the schema-aware converters.
var schemaBuilders = map[string]func(SchemaOptions) (SchemaConverter, error){
	AvroName:         newAvro,
	ProtobufName:     newProtobuf,
	JSONSchemaName:   newJSONSchema,
	JSONEnvelopeName: newJSONEnvelope,
}

// New returns the converter with the given name or Kafka Connect class name,
// made with opts when it is schema-aware.
func New(name string, opts SchemaOptions) (Converter, error) {
	canonical := name
	if alias, ok := kafkaConnectAliases[name]; ok {
		canonical = alias
	}
	build, ok := schemaBuilders[canonical]
	if !ok {
		return Lookup(name)
	}
	return build(opts)
}

// IsSchemaAware reports whether the converter name (or alias) needs
// SchemaOptions.
func IsSchemaAware(name string) bool {
	if alias, ok := kafkaConnectAliases[name]; ok {
		name = alias
	}
	switch name {
	case AvroName, ProtobufName, JSONSchemaName, JSONEnvelopeName:
		return true
	}
	return false
}

// NeedsRegistry reports whether the converter name (or alias) reads its
// schemas from a schema registry.
func NeedsRegistry(name string) bool {
	if alias, ok := kafkaConnectAliases[name]; ok {
		name = alias
	}
	return IsSchemaAware(name) && name != JSONEnvelopeName
}

// errNoRegistry is the error of a registry converter made without one.
func errNoRegistry(name string) error {
	return fmt.Errorf("converter %s reads its schemas from a schema registry, and none is configured (set schema_registry.url)", name)
}

// FitError is a value a guest wrote that its schema cannot encode.
type FitError struct {
	// Field is the path of the field that does not fit, such as
	// user.emails[2]; empty for the value as a whole.
	Field string
	// Schema names the schema: its id, and its subject and version when
	// the registry says (`schema id 7 (subject "orders-value" version 2)`).
	Schema string
	// Reason says what the schema expected and what it got.
	Reason string
}

func (e *FitError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("the value does not fit %s: %s", e.Schema, e.Reason)
	}
	return fmt.Sprintf("field %s does not fit %s: %s", e.Field, e.Schema, e.Reason)
}

// registrySchemas keeps the schemas of one registry converter, compiled
// once per id: T is the converter's compiled form.
type registrySchemas[T any] struct {
	name    string // the converter's name, for errors
	reg     *schemaregistry.Client
	subject string
	compile func(ctx context.Context, id int) (T, error)

	byID    sync.Map // int -> *compiled[T]
	flights singleflight.Group
	mu      sync.Mutex
	latest  *compiled[T] // the subject's latest, once looked up
}

// compiled is one schema ready to use, and how errors name it.
type compiled[T any] struct {
	id     int
	schema T

	nameOnce sync.Once
	name     string
}

// get returns the schema with id, compiling it on first use. Compilation
// reads the registry (the schema by id is cached by the client, but not the
// references a compile reads by subject and version), so concurrent first
// uses of an id share one compile: pipeline threads that meet a new id
// together cost one set of requests. A failure is not kept, so the next
// record asks again.
func (s *registrySchemas[T]) get(ctx context.Context, id int) (*compiled[T], error) {
	if c, ok := s.byID.Load(id); ok {
		return c.(*compiled[T]), nil
	}
	// As in schemaregistry.Client.SchemaByID: the shared compile must not die
	// with the context of whichever caller started it; each caller stops
	// waiting when its own context ends.
	flightCtx := context.WithoutCancel(ctx)
	ch := s.flights.DoChan(strconv.Itoa(id), func() (any, error) {
		// A compile that finished between our check and DoChan has stored
		// its result: do not compile again.
		if c, ok := s.byID.Load(id); ok {
			return c, nil
		}
		schema, err := s.compile(flightCtx, id)
		if err != nil {
			return nil, err
		}
		c, _ := s.byID.LoadOrStore(id, &compiled[T]{id: id, schema: schema})
		return c, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*compiled[T]), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("schema id %d: waiting for it to be compiled: %w", id, ctx.Err())
	}
}

// ofWire returns the schema a part in the wire format names (compiled on
// first use) and the data after the 5-byte header.
func (s *registrySchemas[T]) ofWire(ctx context.Context, raw []byte) (*compiled[T], []byte, error) {
	id, data, err := schemaregistry.SplitWire(raw)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return c, data, nil
}

// forOriginal returns the schema that encodes a guest's write to a part
// whose bytes were original before the call (nil: the part had none); see
// forEncode.
func (s *registrySchemas[T]) forOriginal(ctx context.Context, original []byte) (*compiled[T], error) {
	if original == nil {
		return s.forEncode(ctx, 0, false)
	}
	id, _, err := schemaregistry.SplitWire(original)
	if err != nil {
		return nil, fmt.Errorf("the part as it came in: %w", err)
	}
	return s.forEncode(ctx, id, true)
}

// forEncode returns the schema that encodes a guest's write to a part whose
// bytes named id before the call (hasID false: the part had none).
func (s *registrySchemas[T]) forEncode(ctx context.Context, id int, hasID bool) (*compiled[T], error) {
	if s.subject != "" {
		return s.latestOfSubject(ctx)
	}
	if !hasID {
		return nil, fmt.Errorf("%s: the record had no such part, so there is no schema to encode it with (set a schema subject to encode new parts with that subject's latest schema)", s.name)
	}
	return s.get(ctx, id)
}

func (s *registrySchemas[T]) latestOfSubject(ctx context.Context) (*compiled[T], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latest != nil {
		return s.latest, nil
	}
	latest, err := s.reg.LatestBySubject(ctx, s.subject)
	if err != nil {
		return nil, err
	}
	c, err := s.get(ctx, latest.ID)
	if err != nil {
		return nil, err
	}
	c.nameOnce.Do(func() {
		c.name = describeSchema(latest.ID, []schemaregistry.SubjectVersion{{Subject: latest.Subject, Version: latest.Version}})
	})
	s.latest = c
	return c, nil
}

// describe names the schema for an error: its id, and the subjects and
// versions that use it when the registry answers within a second (this runs
// on the error path only, once per schema).
func (s *registrySchemas[T]) describe(c *compiled[T]) string {
	c.nameOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		uses, _ := s.reg.UsesOf(ctx, c.id)
		c.name = describeSchema(c.id, uses)
	})
	return c.name
}

func describeSchema(id int, uses []schemaregistry.SubjectVersion) string {
	if len(uses) == 0 {
		return fmt.Sprintf("schema id %d", id)
	}
	parts := make([]string, 0, len(uses))
	for _, u := range uses {
		parts = append(parts, fmt.Sprintf("subject %q version %d", u.Subject, u.Version))
	}
	return fmt.Sprintf("schema id %d (%s)", id, strings.Join(parts, ", "))
}

// duringCall is the context of a registry lookup made during a guest call,
// where Prepare has normally cached what is needed already: it is bounded by
// the client's own timeout.
func duringCall() context.Context { return context.Background() }
