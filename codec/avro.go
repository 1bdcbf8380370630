package codec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// avroConverter reads and writes Avro records in the Confluent wire format
// (Kafka Connect's io.confluent.connect.avro.AvroConverter), with schemas
// from a registry. The guest sees the record as plain JSON (avro_json.go
// says how each Avro type looks); what it writes is encoded with the
// record's own schema and id, or with the configured subject's latest.
type avroConverter struct {
	reg     *schemaregistry.Client
	api     avro.API // our own, so no codec state is shared with other users of hamba/avro
	schemas *registrySchemas[avro.Schema]
}

func newAvro(opts SchemaOptions) (SchemaConverter, error) {
	if opts.Registry == nil {
		return nil, errNoRegistry(AvroName)
	}
	c := &avroConverter{reg: opts.Registry, api: avro.Config{}.Freeze()}
	c.schemas = &registrySchemas[avro.Schema]{name: AvroName, reg: opts.Registry, subject: opts.Subject, compile: c.compile}
	return c, nil
}

// Name implements Converter.
func (c *avroConverter) Name() string { return AvroName }

// compile fetches the schema with id and parses it, with the schemas it
// references (named types registered under other subjects) parsed first into
// a cache of its own.
func (c *avroConverter) compile(ctx context.Context, id int) (avro.Schema, error) {
	s, err := c.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Type != sr.TypeAvro {
		return nil, fmt.Errorf("schema id %d is a %s schema, not Avro (converter %s)", id, s.Type, AvroName)
	}
	cache := &avro.SchemaCache{}
	if err := c.parseReferences(ctx, s.References, cache, map[string]bool{}); err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	schema, err := avro.ParseWithCache(s.Schema, "", cache)
	if err != nil {
		return nil, fmt.Errorf("schema id %d is not a valid Avro schema: %w", id, err)
	}
	return schema, nil
}

// parseReferences parses each referenced schema (after its own references)
// into cache, so the referencing schema can name their types.
func (c *avroConverter) parseReferences(ctx context.Context, refs []sr.SchemaReference, cache *avro.SchemaCache, seen map[string]bool) error {
	for _, ref := range refs {
		key := fmt.Sprintf("%s/%d", ref.Subject, ref.Version)
		if seen[key] {
			continue
		}
		seen[key] = true
		ss, err := c.reg.SubjectVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("reference %q: %w", ref.Name, err)
		}
		if err := c.parseReferences(ctx, ss.Schema.References, cache, seen); err != nil {
			return err
		}
		if _, err := avro.ParseWithCache(ss.Schema.Schema, "", cache); err != nil {
			return fmt.Errorf("reference %q (subject %q version %d) is not a valid Avro schema: %w", ref.Name, ref.Subject, ref.Version, err)
		}
	}
	return nil
}

// Prepare implements SchemaConverter.
func (c *avroConverter) Prepare(ctx context.Context, raw []byte) error {
	if _, _, err := c.schemas.ofWire(ctx, raw); err != nil {
		return fmt.Errorf("%s: %w", AvroName, err)
	}
	return nil
}

// FromBytes implements Converter: the record decoded, as JSON.
func (c *avroConverter) FromBytes(raw []byte) ([]byte, error) {
	cs, data, err := c.schemas.ofWire(duringCall(), raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", AvroName, err)
	}
	var native any
	if err := c.api.Unmarshal(cs.schema, data, &native); err != nil {
		return nil, fmt.Errorf("%s: the data does not decode with %s: %w", AvroName, c.schemas.describe(cs), err)
	}
	out, err := appendAvroJSON(make([]byte, 0, 2*len(data)+16), cs.schema, native)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", AvroName, c.schemas.describe(cs), err)
	}
	return out, nil
}

// FromValue implements Converter: a header or key held in metadata is the
// wire-format bytes themselves.
func (c *avroConverter) FromValue(v any) ([]byte, error) {
	raw, err := textOf(v)
	if err != nil {
		return nil, err
	}
	return c.FromBytes(raw)
}

// ToHost implements Converter, for a part the record did not have.
func (c *avroConverter) ToHost(guest []byte) (Stored, error) { return c.ToHostFor(guest, nil) }

// ToHostFor implements SchemaConverter.
func (c *avroConverter) ToHostFor(guest, original []byte) (Stored, error) {
	cs, err := c.schemas.forOriginal(duringCall(), original)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", AvroName, err)
	}
	native, err := readAvroJSON(cs.schema, guest)
	if errors.Is(err, ErrInvalidJSON) {
		return Stored{}, fmt.Errorf("%s: %w", AvroName, err)
	}
	if err != nil {
		return Stored{}, c.fitError(cs, err)
	}
	data, err := c.api.Marshal(cs.schema, native)
	if err != nil {
		return Stored{}, &FitError{Schema: c.schemas.describe(cs), Reason: err.Error()}
	}
	out, err := schemaregistry.AppendWire(make([]byte, 0, 5+len(data)), cs.id, nil, data)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", AvroName, err)
	}
	return RawBytes(out), nil
}

func (c *avroConverter) fitError(cs *compiled[avro.Schema], err error) error {
	var m *misfit
	if errors.As(err, &m) {
		return &FitError{Field: m.path(), Schema: c.schemas.describe(cs), Reason: m.reason}
	}
	return &FitError{Schema: c.schemas.describe(cs), Reason: err.Error()}
}

// decodeJSONNumbers parses one JSON value, keeping numbers as written
// (json.Number), so a decimal or a long keeps every digit.
func decodeJSONNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	// Decode reads one value: anything but spaces after it is not JSON.
	if rest := bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("%w: text after the value at offset %d", ErrInvalidJSON, len(b)-len(rest))
	}
	return v, nil
}
