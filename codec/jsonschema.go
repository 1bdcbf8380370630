package codec

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// jsonSchemaConverter reads and writes JSON records in the Confluent wire
// format (Kafka Connect's io.confluent.connect.json.JsonSchemaConverter),
// with JSON Schemas from a registry. The data after the header is JSON text
// already, so the guest sees it as it is; what the guest writes is checked
// against the record's schema (or the configured subject's latest) and
// framed with that schema's id, its bytes kept as the guest wrote them.
//
// Validation is santhosh-tekuri/jsonschema: it knows every draft the
// registry accepts (04, 06, 07, 2019-09, 2020-12), resolves $ref only
// through the resources we hand it, and reports where in the instance each
// error is.
type jsonSchemaConverter struct {
	reg     *schemaregistry.Client
	schemas *registrySchemas[*jsonschema.Schema]
}

func newJSONSchema(opts SchemaOptions) (SchemaConverter, error) {
	if opts.Registry == nil {
		return nil, errNoRegistry(JSONSchemaName)
	}
	c := &jsonSchemaConverter{reg: opts.Registry}
	c.schemas = &registrySchemas[*jsonschema.Schema]{name: JSONSchemaName, reg: opts.Registry, subject: opts.Subject, compile: c.compile}
	return c, nil
}

// Name implements Converter.
func (c *jsonSchemaConverter) Name() string { return JSONSchemaName }

// Prepare implements SchemaConverter.
func (c *jsonSchemaConverter) Prepare(ctx context.Context, raw []byte) error {
	if _, _, err := c.schemas.ofWire(ctx, raw); err != nil {
		return fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	return nil
}

// FromBytes implements Converter: the JSON text after the header, as it is.
// The serializer that wrote it validated it; checking again on every read
// would cost a parse for nothing.
func (c *jsonSchemaConverter) FromBytes(raw []byte) ([]byte, error) {
	_, data, err := schemaregistry.SplitWire(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	return data, nil
}

// FromValue implements Converter: a key or header held in metadata is the
// wire-format bytes themselves.
func (c *jsonSchemaConverter) FromValue(v any) ([]byte, error) {
	raw, err := textOf(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	return c.FromBytes(raw)
}

// ToHost implements Converter, for a part the record did not have.
func (c *jsonSchemaConverter) ToHost(guest []byte) (Stored, error) { return c.ToHostFor(guest, nil) }

// ToHostFor implements SchemaConverter.
func (c *jsonSchemaConverter) ToHostFor(guest, original []byte) (Stored, error) {
	cs, err := c.schemas.forOriginal(duringCall(), original)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	v, err := decodeJSONNumbers(guest)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	if err := cs.schema.Validate(v); err != nil {
		return Stored{}, c.fitError(cs, v, err)
	}
	out, err := schemaregistry.AppendWire(make([]byte, 0, 5+len(guest)), cs.id, nil, guest)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", JSONSchemaName, err)
	}
	return RawBytes(out), nil
}

func (c *jsonSchemaConverter) fitError(cs *compiled[*jsonschema.Schema], instance any, err error) error {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return &FitError{Schema: c.schemas.describe(cs), Reason: err.Error()}
	}
	field, reason := firstViolation(verr, instance)
	return &FitError{Field: field, Schema: c.schemas.describe(cs), Reason: reason}
}

// compile fetches the schema with id and the schemas it references
// (transitively), and compiles it. Nothing outside the registry is loaded.
func (c *jsonSchemaConverter) compile(ctx context.Context, id int) (*jsonschema.Schema, error) {
	s, err := c.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Type != sr.TypeJSON {
		return nil, fmt.Errorf("schema id %d is of type %s, not JSON (converter %s)", id, s.Type, JSONSchemaName)
	}
	root, err := jsonschema.UnmarshalJSON(strings.NewReader(s.Schema))
	if err != nil {
		return nil, fmt.Errorf("schema id %d is not JSON: %w", id, err)
	}
	refs := map[string]any{}
	if err := c.loadReferences(ctx, s.References, refs, map[string]bool{}); err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}

	comp := jsonschema.NewCompiler()
	// The serializers' default when a schema names no draft.
	comp.DefaultDraft(jsonschema.Draft7)
	comp.UseLoader(onlyReferences{})
	// A place for the schema that no $ref can mean by accident: the
	// reserved .invalid domain.
	loc := fmt.Sprintf("https://schema-registry.invalid/schemas/ids/%d", id)
	if err := comp.AddResource(loc, root); err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	// Confluent resolves each reference's name against the referencing
	// schema's $id (or its location when it has none): a $ref by that name
	// then finds it.
	base, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	if rootID := schemaID(root); rootID != "" {
		if u, err := base.Parse(rootID); err == nil {
			base = u
		}
	}
	for name, doc := range refs {
		u, err := base.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("schema id %d: reference name %q is not a URL: %w", id, name, err)
		}
		if err := comp.AddResource(u.String(), doc); err != nil {
			return nil, fmt.Errorf("schema id %d: reference %q: %w", id, name, err)
		}
	}
	schema, err := comp.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("schema id %d is not a valid JSON schema: %w", id, err)
	}
	return schema, nil
}

// loadReferences adds the schemas refs name, and those they reference, to
// docs under their reference names, as Confluent's serializers see them: one
// flat set for the whole schema.
func (c *jsonSchemaConverter) loadReferences(ctx context.Context, refs []sr.SchemaReference, docs map[string]any, seen map[string]bool) error {
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
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(ss.Schema.Schema))
		if err != nil {
			return fmt.Errorf("reference %q (subject %q version %d) is not JSON: %w", ref.Name, ref.Subject, ref.Version, err)
		}
		if _, dup := docs[ref.Name]; !dup {
			docs[ref.Name] = doc
		}
		if err := c.loadReferences(ctx, ss.Schema.References, docs, seen); err != nil {
			return err
		}
	}
	return nil
}

// schemaID is the $id of a schema document (id in draft 04), or "".
func schemaID(doc any) string {
	obj, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	if id, ok := obj["$id"].(string); ok {
		return id
	}
	if draft, _ := obj["$schema"].(string); strings.Contains(draft, "draft-04") {
		if id, ok := obj["id"].(string); ok {
			return id
		}
	}
	return ""
}

// onlyReferences is the loader of every URL a schema names that is neither
// itself nor one of its registry references: none is fetched, so a schema
// cannot make the host read a file or call out to the network.
type onlyReferences struct{}

func (onlyReferences) Load(u string) (any, error) {
	return nil, fmt.Errorf("%s is not one of the schema's references in the registry (schemas are never fetched from elsewhere)", u)
}
