package codec

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// protobufConverter reads and writes Protobuf records in the Confluent wire
// format (Kafka Connect's io.confluent.connect.protobuf.ProtobufConverter),
// with schemas from a registry. The guest sees the message as plain JSON
// (protobuf_json.go says how each Protobuf type looks); what it writes is
// encoded with the record's own schema id and message indexes, or with the
// configured subject's latest schema.
type protobufConverter struct {
	reg     *schemaregistry.Client
	schemas *registrySchemas[*protoSchema]
}

// protoSchema is one registry schema, compiled with everything it imports.
type protoSchema struct {
	file linker.File
	// types resolves the message types an Any field may name: those the
	// schema's file can see.
	types linker.Resolver
}

func newProtobuf(opts SchemaOptions) (SchemaConverter, error) {
	if opts.Registry == nil {
		return nil, errNoRegistry(ProtobufName)
	}
	c := &protobufConverter{reg: opts.Registry}
	c.schemas = &registrySchemas[*protoSchema]{name: ProtobufName, reg: opts.Registry, subject: opts.Subject, compile: c.compile}
	return c, nil
}

// Name implements Converter.
func (c *protobufConverter) Name() string { return ProtobufName }

// compile fetches the schema with id and the schemas it imports (references
// to other subjects, recursively) and compiles them with protocompile. The
// well-known types (google/protobuf/*.proto) need no reference: they come
// with protocompile, as they come with protoc.
func (c *protobufConverter) compile(ctx context.Context, id int) (*protoSchema, error) {
	s, err := c.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Type != sr.TypeProtobuf {
		return nil, fmt.Errorf("schema id %d has type %s, not PROTOBUF (converter %s)", id, s.Type, ProtobufName)
	}
	// The registry does not name the schema's own file; this name shows in
	// compile errors (schema-7.proto:3:5: ...).
	path := fmt.Sprintf("schema-%d.proto", id)
	sources := map[string]string{path: s.Schema}
	if err := c.fetchReferences(ctx, s.References, sources); err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(sources),
		}),
	}
	files, err := compiler.Compile(ctx, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("schema id %d is not a valid Protobuf schema: %w (an import must be a well-known type or one of the schema's references)", id, err)
	}
	if err != nil {
		return nil, fmt.Errorf("schema id %d is not a valid Protobuf schema: %w", id, err)
	}
	file := files[0]
	if file.Messages().Len() == 0 {
		return nil, fmt.Errorf("schema id %d declares no message", id)
	}
	return &protoSchema{file: file, types: linker.ResolverFromFile(file)}, nil
}

// fetchReferences adds the text of each referenced schema, and of the
// schemas they reference, to sources under the name the import uses.
func (c *protobufConverter) fetchReferences(ctx context.Context, refs []sr.SchemaReference, sources map[string]string) error {
	for _, ref := range refs {
		if _, ok := sources[ref.Name]; ok {
			continue // imported twice, or a cycle
		}
		ss, err := c.reg.SubjectVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("reference %q: %w", ref.Name, err)
		}
		if ss.Schema.Type != sr.TypeProtobuf {
			return fmt.Errorf("reference %q (subject %q version %d) has type %s, not PROTOBUF", ref.Name, ref.Subject, ref.Version, ss.Schema.Type)
		}
		sources[ref.Name] = ss.Schema.Schema
		if err := c.fetchReferences(ctx, ss.Schema.References, sources); err != nil {
			return err
		}
	}
	return nil
}

// message returns the message the wire format's indexes name: a path of
// declaration indexes from the file's top-level messages down through
// nested ones; none means the first message.
func (s *protoSchema) message(indexes []int) (protoreflect.MessageDescriptor, error) {
	if len(indexes) == 0 {
		return s.file.Messages().Get(0), nil
	}
	msgs := s.file.Messages()
	var md protoreflect.MessageDescriptor
	for depth, i := range indexes {
		if i >= msgs.Len() {
			where := "the schema has"
			if depth > 0 {
				where = fmt.Sprintf("message %s has", md.FullName())
			}
			return nil, fmt.Errorf("message indexes %v name no message: %s %d", indexes, where, msgs.Len())
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}

// indexesOf is the wire format's message indexes of md, a message of file.
func indexesOf(md protoreflect.MessageDescriptor) []int {
	var indexes []int
	for d := protoreflect.Descriptor(md); ; d = d.Parent() {
		if _, ok := d.(protoreflect.MessageDescriptor); !ok {
			break
		}
		indexes = append([]int{d.Index()}, indexes...)
	}
	return indexes
}

// decoded is a part's wire bytes split up, with the schema they name.
type decoded struct {
	schema *compiled[*protoSchema]
	msg    protoreflect.MessageDescriptor
	header []byte // magic byte, schema id and message indexes, as they came
	data   []byte // the encoded message
}

// split reads raw's wire header and finds its schema (compiled on first
// use) and message.
func (c *protobufConverter) split(ctx context.Context, raw []byte) (decoded, error) {
	id, rest, err := schemaregistry.SplitWire(raw)
	if err != nil {
		return decoded{}, err
	}
	var indexes []int
	var data []byte
	if len(rest) > 0 && rest[0] == 0 {
		// The one-byte form of [0], the usual case, read without the
		// allocations of the general path.
		data = rest[1:]
	} else if indexes, data, err = schemaregistry.SplitMessageIndexes(rest); err != nil {
		return decoded{}, err
	}
	cs, err := c.schemas.get(ctx, id)
	if err != nil {
		return decoded{}, err
	}
	md, err := cs.schema.message(indexes)
	if err != nil {
		return decoded{}, fmt.Errorf("%s: %w", c.schemas.describe(cs), err)
	}
	return decoded{schema: cs, msg: md, header: raw[:len(raw)-len(data)], data: data}, nil
}

// Prepare implements SchemaConverter.
func (c *protobufConverter) Prepare(ctx context.Context, raw []byte) error {
	if _, err := c.split(ctx, raw); err != nil {
		return fmt.Errorf("%s: %w", ProtobufName, err)
	}
	return nil
}

// FromBytes implements Converter: the message decoded, as JSON.
func (c *protobufConverter) FromBytes(raw []byte) ([]byte, error) {
	d, err := c.split(duringCall(), raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ProtobufName, err)
	}
	m := dynamicpb.NewMessage(d.msg)
	if err := unmarshalDynamic(d.data, m); err != nil {
		return nil, fmt.Errorf("%s: the data does not decode as message %s of %s: %w", ProtobufName, d.msg.FullName(), c.schemas.describe(d.schema), err)
	}
	out, err := appendProtoJSON(make([]byte, 0, 2*len(d.data)+16), m, d.schema.schema.types)
	if err != nil {
		return nil, fmt.Errorf("%s: message %s of %s: %w", ProtobufName, d.msg.FullName(), c.schemas.describe(d.schema), err)
	}
	return out, nil
}

// unmarshalDynamic decodes data into m. AllowPartial: a proto2 record
// missing a required field is still shown (the field as null); the guest
// must fill it in to write the record.
func unmarshalDynamic(data []byte, m *dynamicpb.Message) (err error) {
	// protobuf-go v1.36's reflective decoder, the one dynamic messages use,
	// panics on some malformed input (a map entry whose key repeats with
	// the wrong wire type: 3a 05 0a 01 30 08 30 for map<string, int32> = 7),
	// where the generated-code decoder returns an error. Bytes from the
	// outside must not crash the host.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse invalid wire-format data (%v)", r)
		}
	}()
	return (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data, m)
}

// FromValue implements Converter: a header or key held in metadata is the
// wire-format bytes themselves.
func (c *protobufConverter) FromValue(v any) ([]byte, error) {
	raw, err := textOf(v)
	if err != nil {
		return nil, err
	}
	return c.FromBytes(raw)
}

// ToHost implements Converter, for a part the record did not have.
func (c *protobufConverter) ToHost(guest []byte) (Stored, error) { return c.ToHostFor(guest, nil) }

// ToHostFor implements SchemaConverter.
func (c *protobufConverter) ToHostFor(guest, original []byte) (Stored, error) {
	cs, md, header, err := c.encodeWith(original)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", ProtobufName, err)
	}
	v, err := decodeJSONNumbers(guest)
	if err != nil {
		return Stored{}, fmt.Errorf("%s: %w", ProtobufName, err)
	}
	m := dynamicpb.NewMessage(md)
	if err := protoFromJSON(m, v, cs.schema.types); err != nil {
		return Stored{}, c.fitError(cs, md, err)
	}
	// Deterministic: map entries sorted by key, so a record the guest did
	// not change encodes to the bytes it came with (when those were
	// deterministic too). Required fields were checked by protoFromJSON.
	out := append(make([]byte, 0, len(header)+len(guest)), header...)
	out, err = (proto.MarshalOptions{Deterministic: true, AllowPartial: true}).MarshalAppend(out, m)
	if err != nil {
		return Stored{}, &FitError{Schema: c.describeMessage(cs, md), Reason: err.Error()}
	}
	return RawBytes(out), nil
}

// encodeWith returns the schema and message that encode a guest's write to
// a part whose bytes were original, and the wire header to put before the
// data. Without a subject: the original's schema, message and header (a
// view into original). With one: the subject's latest schema, in it the
// message with the original's name (else its first message), and a header
// naming them.
func (c *protobufConverter) encodeWith(original []byte) (*compiled[*protoSchema], protoreflect.MessageDescriptor, []byte, error) {
	var orig decoded
	if original != nil {
		var err error
		if orig, err = c.split(duringCall(), original); err != nil {
			return nil, nil, nil, fmt.Errorf("the part as it came in: %w", err)
		}
	}
	id, hasID := 0, original != nil
	if hasID {
		id = orig.schema.id
	}
	cs, err := c.schemas.forEncode(duringCall(), id, hasID)
	if err != nil {
		return nil, nil, nil, err
	}
	if c.schemas.subject == "" {
		return cs, orig.msg, orig.header, nil
	}
	file := cs.schema.file
	md := file.Messages().Get(0)
	if original != nil {
		same, ok := file.FindDescriptorByName(orig.msg.FullName()).(protoreflect.MessageDescriptor)
		if ok && same.ParentFile().Path() == file.Path() { // not a message of an import
			md = same
		}
	}
	header, err := schemaregistry.AppendWire(nil, cs.id, indexesOf(md), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return cs, md, header, nil
}

func (c *protobufConverter) describeMessage(cs *compiled[*protoSchema], md protoreflect.MessageDescriptor) string {
	return fmt.Sprintf("%s message %s", c.schemas.describe(cs), md.FullName())
}

func (c *protobufConverter) fitError(cs *compiled[*protoSchema], md protoreflect.MessageDescriptor, err error) error {
	f, ok := err.(*misfit)
	if !ok {
		return &FitError{Schema: c.describeMessage(cs, md), Reason: err.Error()}
	}
	return &FitError{Field: f.path(), Schema: c.describeMessage(cs, md), Reason: f.reason}
}
