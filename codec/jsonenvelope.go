package codec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// jsonEnvelopeConverter reads and writes Kafka Connect's JsonConverter
// records with schemas.enable=true: {"schema": {...}, "payload": ...}, the
// Connect schema inline in every record. The guest sees the payload only;
// what it writes goes back in an envelope with the record's original schema,
// whose bytes are copied as they were, once it is checked to fit that
// schema (connectschema.go). No registry is involved.
type jsonEnvelopeConverter struct {
	part string // for errors: "value", "key", "headers"

	mu      sync.RWMutex
	schemas map[string]*connectSchema // by the schema's bytes
}

// maxEnvelopeSchemas bounds the parsed schemas kept: a topic has a few, but
// a stream whose every record carries a different one must not grow the
// cache without end (beyond it, schemas are parsed per record).
const maxEnvelopeSchemas = 256

func newJSONEnvelope(opts SchemaOptions) (SchemaConverter, error) {
	if opts.Subject != "" {
		return nil, fmt.Errorf("converter %s takes each record's schema from its envelope: a schema subject (%q) does not apply", JSONEnvelopeName, opts.Subject)
	}
	return &jsonEnvelopeConverter{part: opts.Part, schemas: map[string]*connectSchema{}}, nil
}

// Name implements Converter.
func (c *jsonEnvelopeConverter) Name() string { return JSONEnvelopeName }

// Prepare implements SchemaConverter: the envelope is split and its schema
// parsed, so that a malformed record fails before the guest runs.
func (c *jsonEnvelopeConverter) Prepare(_ context.Context, raw []byte) error {
	env, err := splitEnvelope(raw)
	if err != nil {
		return err
	}
	_, err = c.schemaOf(env.schema)
	return err
}

// FromBytes implements Converter: the payload, as it is in the envelope.
func (c *jsonEnvelopeConverter) FromBytes(raw []byte) ([]byte, error) {
	env, err := splitEnvelope(raw)
	if err != nil {
		return nil, err
	}
	return env.payload, nil
}

// FromValue implements Converter: a key or header held in metadata is the
// envelope's text itself.
func (c *jsonEnvelopeConverter) FromValue(v any) ([]byte, error) {
	raw, err := textOf(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", JSONEnvelopeName, err)
	}
	return c.FromBytes(raw)
}

// ToHost implements Converter, for a part the record did not have: there is
// no envelope to take a schema from.
func (c *jsonEnvelopeConverter) ToHost(guest []byte) (Stored, error) {
	return c.ToHostFor(guest, nil)
}

// ToHostFor implements SchemaConverter.
func (c *jsonEnvelopeConverter) ToHostFor(guest, original []byte) (Stored, error) {
	if original == nil {
		part := c.part
		if part == "" {
			part = "part"
		}
		return Stored{}, fmt.Errorf("%s: the record had no %s before the call, so there is no envelope to copy a Kafka Connect schema from (%s writes a part back with the schema it came with)", JSONEnvelopeName, part, JSONEnvelopeName)
	}
	env, err := splitEnvelope(original)
	if err != nil {
		return Stored{}, fmt.Errorf("the part as it came in: %w", err)
	}
	schema, err := c.schemaOf(env.schema)
	if err != nil {
		return Stored{}, err
	}
	v, err := decodeJSONNumbers(guest)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", JSONEnvelopeName, err)
	}
	if err := schema.check(v, ""); err != nil {
		var m *envelopeMisfit
		if errors.As(err, &m) {
			return Stored{}, &FitError{Field: m.path, Schema: schema.describe(), Reason: m.reason}
		}
		return Stored{}, &FitError{Schema: schema.describe(), Reason: err.Error()}
	}
	payload := bytes.TrimSpace(guest)
	out := make([]byte, 0, len(`{"schema":,"payload":}`)+len(env.schema)+len(payload))
	out = append(out, `{"schema":`...)
	out = append(out, env.schema...)
	out = append(out, `,"payload":`...)
	out = append(out, payload...)
	out = append(out, '}')
	return RawBytes(out), nil
}

// schemaOf returns the parsed schema of an envelope's schema bytes, parsing
// them on first sight.
func (c *jsonEnvelopeConverter) schemaOf(raw []byte) (*connectSchema, error) {
	c.mu.RLock()
	s, ok := c.schemas[string(raw)]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	s, err := parseEnvelopeSchema(raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.schemas) < maxEnvelopeSchemas {
		c.schemas[string(raw)] = s
	}
	c.mu.Unlock()
	return s, nil
}

func parseEnvelopeSchema(raw []byte) (*connectSchema, error) {
	node, err := decodeJSONNumbers(raw)
	if err != nil { // cannot happen: splitEnvelope checked the whole envelope
		return nil, fmt.Errorf("%s: the envelope's schema: %w", JSONEnvelopeName, err)
	}
	if node == nil {
		return anyConnectSchema, nil
	}
	s, err := parseConnectSchema(node, "")
	if err != nil {
		return nil, fmt.Errorf("%s: the envelope's schema is not a Kafka Connect schema: %w", JSONEnvelopeName, err)
	}
	return s, nil
}

// envelope is a record split into its two fields, each as the JSON text it
// was written as.
type envelope struct{ schema, payload json.RawMessage }

// errNotEnvelope starts the error of bytes that are not an envelope.
const errNotEnvelope = `not a Kafka Connect JSON envelope (JsonConverter with schemas.enable=true: an object with exactly the fields "schema" and "payload")`

func splitEnvelope(raw []byte) (envelope, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return envelope{}, fmt.Errorf("%s: %s: the record is a JSON %s", JSONEnvelopeName, errNotEnvelope, typeErr.Value)
		}
		return envelope{}, fmt.Errorf("%s: %s: the record is not JSON: %w", JSONEnvelopeName, errNotEnvelope, err)
	}
	if fields == nil {
		return envelope{}, fmt.Errorf("%s: %s: the record is JSON null", JSONEnvelopeName, errNotEnvelope)
	}
	schema, hasSchema := fields["schema"]
	payload, hasPayload := fields["payload"]
	if !hasSchema || !hasPayload || len(fields) != 2 {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, fmt.Sprintf("%q", k))
		}
		slices.Sort(names)
		got := "no fields"
		if len(names) > 0 {
			got = "the fields " + strings.Join(names, ", ")
		}
		return envelope{}, fmt.Errorf("%s: %s: the record's object has %s", JSONEnvelopeName, errNotEnvelope, got)
	}
	return envelope{schema: schema, payload: payload}, nil
}
