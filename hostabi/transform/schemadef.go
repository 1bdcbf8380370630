package transform

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/twmb/franz-go/pkg/sr"
)

// The byte encodings of module redpanda_schema_registry, as Redpanda's
// broker and SDKs write and read them (docs/PEER-ABI-FACTS.md, 1.7). Every
// integer, lengths included, is a zigzag varint (binary.AppendVarint):
//
//	schema definition: type (0 Avro, 1 Protobuf, 2 JSON), text length, text,
//	                   reference count, then per reference: name length,
//	                   name, subject length, subject, version
//	subject schema:    id, version, schema definition

// appendSchemaDefinition appends s's definition encoding to dst. Only the
// type, text and references cross the ABI: metadata and rule sets do not.
func appendSchemaDefinition(dst []byte, s sr.Schema) []byte {
	dst = binary.AppendVarint(dst, int64(s.Type))
	dst = appendString(dst, s.Schema)
	dst = binary.AppendVarint(dst, int64(len(s.References)))
	for _, r := range s.References {
		dst = appendString(dst, r.Name)
		dst = appendString(dst, r.Subject)
		dst = binary.AppendVarint(dst, int64(r.Version))
	}
	return dst
}

// appendSubjectSchema appends s's subject schema encoding to dst. The
// subject is not in it: the guest named it.
func appendSubjectSchema(dst []byte, s sr.SubjectSchema) []byte {
	dst = binary.AppendVarint(dst, int64(s.ID))
	dst = binary.AppendVarint(dst, int64(s.Version))
	return appendSchemaDefinition(dst, s.Schema)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendVarint(dst, int64(len(s)))
	return append(dst, s...)
}

// parseSchemaDefinition decodes a definition a guest passed to
// create_subject_schema. Like the broker, it ignores bytes after the last
// reference. The strings are copies.
func parseSchemaDefinition(b []byte) (sr.Schema, error) {
	var s sr.Schema
	r := reader{b: b}
	t, ok := r.varint()
	if !ok {
		return s, errors.New("the schema type is not a complete varint")
	}
	switch sr.SchemaType(t) {
	case sr.TypeAvro, sr.TypeProtobuf, sr.TypeJSON:
		s.Type = sr.SchemaType(t)
	default:
		return s, fmt.Errorf("unknown schema type %d (expected 0 Avro, 1 Protobuf or 2 JSON)", t)
	}
	var err error
	if s.Schema, err = r.sizedString("the schema text"); err != nil {
		return s, err
	}
	count, ok := r.varint()
	if !ok {
		return s, errors.New("the reference count is not a complete varint")
	}
	// Each reference takes at least three bytes: a bad count must not
	// allocate.
	if count < 0 || count > int64(len(r.b)/3) {
		return s, fmt.Errorf("the reference count %d is impossible in %d bytes", count, len(r.b))
	}
	if count > 0 {
		s.References = make([]sr.SchemaReference, count)
	}
	for i := range s.References {
		ref := &s.References[i]
		if ref.Name, err = r.sizedString(fmt.Sprintf("reference %d's name", i)); err != nil {
			return s, err
		}
		if ref.Subject, err = r.sizedString(fmt.Sprintf("reference %d's subject", i)); err != nil {
			return s, err
		}
		v, ok := r.varint()
		if !ok {
			return s, fmt.Errorf("reference %d's version is not a complete varint", i)
		}
		if v < math.MinInt32 || v > math.MaxInt32 {
			return s, fmt.Errorf("reference %d's version %d is not a 32-bit integer", i, v)
		}
		ref.Version = int(v)
	}
	return s, nil
}

// sizedString reads a length and that many bytes, as a string.
func (r *reader) sizedString(what string) (string, error) {
	n, ok := r.varint()
	switch {
	case !ok:
		return "", fmt.Errorf("%s's length is not a complete varint", what)
	case n < 0:
		return "", fmt.Errorf("%s has length %d", what, n)
	case n > int64(len(r.b)):
		return "", fmt.Errorf("%s has length %d, but only %d bytes follow", what, n, len(r.b))
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s, nil
}
