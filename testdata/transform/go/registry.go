package main

import (
	"errors"
	"fmt"
	"strconv"
)

// The schema registry module of the Data Transforms ABI
// (redpanda_schema_registry), called as Redpanda's Go SDK's sr package calls
// it: a lookup asks the _len function for the answer's size, allocates
// exactly that, asks again with that buffer and decodes what came back. It
// is stricter than the SDK, to notice a host that does not keep the
// contract: the second answer must be exactly the size the first gave, and
// the encoding must decode with nothing left over.
//
// The encodings (every integer, lengths included, a zigzag varint):
//
//	schema definition: type (0 Avro, 1 Protobuf, 2 JSON), text length, text,
//	                   reference count, then per reference: name length,
//	                   name, subject length, subject, version
//	subject schema:    id, version, schema definition

// registryABI is the module's functions, with the results as the host gave
// them (registry_abi.go calls the host; the tests fake it).
type registryABI interface {
	// definitionLen is get_schema_definition_len: the result, and the
	// length it wrote when the result is 0.
	definitionLen(id int32) (length, result int32)
	// definition is get_schema_definition into buf.
	definition(id int32, buf []byte) int32
	// subjectSchemaLen is get_subject_schema_len.
	subjectSchemaLen(subject string, version int32) (length, result int32)
	// subjectSchema is get_subject_schema into buf.
	subjectSchema(subject string, version int32, buf []byte) int32
	// createSubjectSchema is create_subject_schema: the result, and the id
	// it wrote when the result is 0.
	createSubjectSchema(subject string, def []byte) (id, result int32)
}

// Schema types as the module numbers them.
const (
	typeAvro     = 0
	typeProtobuf = 1
	typeJSON     = 2
)

var typeNames = map[int64]string{typeAvro: "avro", typeProtobuf: "protobuf", typeJSON: "json"}

// Reference is a schema's reference to another.
type Reference struct {
	Name    string
	Subject string
	Version int64
}

// Schema is a schema definition.
type Schema struct {
	Type       int64
	Text       string
	References []Reference
}

// SubjectSchema is a schema with its id and version.
type SubjectSchema struct {
	ID      int64
	Version int64
	Schema
}

// callError is a host function that returned a negative result.
type callError struct {
	function string
	result   int32
}

func (e *callError) Error() string {
	return e.function + " returned " + strconv.Itoa(int(e.result))
}

// lookupByID looks a schema up by its id.
func lookupByID(abi registryABI, id int32) (Schema, error) {
	n, res := abi.definitionLen(id)
	if res != 0 {
		return Schema{}, &callError{"get_schema_definition_len", res}
	}
	if n < 0 {
		return Schema{}, fmt.Errorf("get_schema_definition_len gave length %d", n)
	}
	buf := make([]byte, n)
	got := abi.definition(id, buf)
	if got < 0 {
		return Schema{}, &callError{"get_schema_definition", got}
	}
	if got != n {
		return Schema{}, fmt.Errorf("get_schema_definition wrote %d bytes, get_schema_definition_len said %d", got, n)
	}
	d := decoder{b: buf}
	s, err := d.schema()
	if err == nil {
		err = d.end()
	}
	return s, err
}

// lookupBySubject looks a subject's version up (-1: its latest).
func lookupBySubject(abi registryABI, subject string, version int32) (SubjectSchema, error) {
	n, res := abi.subjectSchemaLen(subject, version)
	if res != 0 {
		return SubjectSchema{}, &callError{"get_subject_schema_len", res}
	}
	if n < 0 {
		return SubjectSchema{}, fmt.Errorf("get_subject_schema_len gave length %d", n)
	}
	buf := make([]byte, n)
	got := abi.subjectSchema(subject, version, buf)
	if got < 0 {
		return SubjectSchema{}, &callError{"get_subject_schema", got}
	}
	if got != n {
		return SubjectSchema{}, fmt.Errorf("get_subject_schema wrote %d bytes, get_subject_schema_len said %d", got, n)
	}
	d := decoder{b: buf}
	var s SubjectSchema
	var err error
	if s.ID, err = d.varint("schema id"); err != nil {
		return s, err
	}
	if s.Version, err = d.varint("version"); err != nil {
		return s, err
	}
	if s.Schema, err = d.schema(); err != nil {
		return s, err
	}
	return s, d.end()
}

// create registers s under subject and returns its id.
func create(abi registryABI, subject string, s Schema) (int32, error) {
	id, res := abi.createSubjectSchema(subject, AppendSchema(nil, s))
	if res != 0 {
		return 0, &callError{"create_subject_schema", res}
	}
	return id, nil
}

// AppendSchema appends s's definition encoding to dst.
func AppendSchema(dst []byte, s Schema) []byte {
	dst = appendVarint(dst, s.Type)
	dst = appendSized(dst, []byte(s.Text))
	dst = appendVarint(dst, int64(len(s.References)))
	for _, r := range s.References {
		dst = appendSized(dst, []byte(r.Name))
		dst = appendSized(dst, []byte(r.Subject))
		dst = appendVarint(dst, r.Version)
	}
	return dst
}

// schema decodes a schema definition.
func (d *decoder) schema() (Schema, error) {
	var s Schema
	var err error
	if s.Type, err = d.varint("schema type"); err != nil {
		return s, err
	}
	if _, ok := typeNames[s.Type]; !ok {
		return s, fmt.Errorf("unknown schema type %d", s.Type)
	}
	text, err := d.text("schema text")
	if err != nil {
		return s, err
	}
	s.Text = text
	count, err := d.varint("reference count")
	if err != nil {
		return s, err
	}
	if count < 0 || count > int64(len(d.b)-d.off) {
		return s, fmt.Errorf("reference count %d: impossible with %d bytes left", count, len(d.b)-d.off)
	}
	for i := int64(0); i < count; i++ {
		var r Reference
		if r.Name, err = d.text("reference name"); err != nil {
			return s, err
		}
		if r.Subject, err = d.text("reference subject"); err != nil {
			return s, err
		}
		if r.Version, err = d.varint("reference version"); err != nil {
			return s, err
		}
		s.References = append(s.References, r)
	}
	return s, nil
}

// text reads a length-prefixed string; unlike record parts it cannot be
// null.
func (d *decoder) text(what string) (string, error) {
	b, err := d.sized(what)
	if err != nil {
		return "", err
	}
	if b == nil {
		return "", fmt.Errorf("%s is null", what)
	}
	return string(b), nil
}

func (d *decoder) end() error {
	if d.off != len(d.b) {
		return fmt.Errorf("%d bytes after the end", len(d.b)-d.off)
	}
	return nil
}

var errNoRegistry = errors.New("the guest has no schema registry module")
