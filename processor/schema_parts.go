package processor

import (
	"bytes"
	"context"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

// Parts under a schema-aware converter (avro, protobuf, json_schema,
// json_envelope) are read and written through their schema: the guest sees
// JSON, and what it writes is encoded with the schema the part came with.

// schemaConverters are the schema-aware converters of a processor's parts,
// nil where a part's converter is a plain one.
type schemaConverters struct {
	key, value, header codec.SchemaConverter
}

func schemaConvertersOf(key, value, header codec.Converter) schemaConverters {
	as := func(c codec.Converter) codec.SchemaConverter {
		sc, _ := c.(codec.SchemaConverter)
		return sc
	}
	return schemaConverters{key: as(key), value: as(value), header: as(header)}
}

// decodedParts are the JSON views of a record's key and value under
// schema-aware converters, decoded before the guest call (nil: no such
// converter, or no such part).
type decodedParts struct{ key, value []byte }

// prepare gets the schema of every part of msg that has one, and decodes
// the part, before the guest is called: so that no registry request runs
// inside a guest call (where it would count against the call's timeout),
// and so that a record whose schema cannot be had, or whose bytes do not
// decode, fails alone, unchanged, with an error naming the part, the schema
// id and the registry, without being handed to the guest (a host function
// that fails in the middle of a call costs the instance).
func (f *recordFields) prepare(ctx context.Context, msg *service.Message) (decodedParts, error) {
	var d decodedParts
	s := f.schemas
	if s.value != nil && !kafkameta.IsTombstone(msg) {
		raw, err := msg.AsBytes()
		if err != nil {
			return d, fmt.Errorf("value: %w", err)
		}
		if d.value, err = decode(ctx, s.value, raw); err != nil {
			return d, fmt.Errorf("value: %w", err)
		}
	}
	if s.key != nil {
		if raw := metaBytes(msg, f.keyMeta); raw != nil {
			var err error
			if d.key, err = decode(ctx, s.key, raw); err != nil {
				return d, fmt.Errorf("key (metadata field %q): %w", f.keyMeta, err)
			}
		}
	}
	if s.header == nil {
		return d, nil
	}
	// Headers are decoded here only to be checked; a guest reads few of them.
	return d, msg.MetaWalkMut(func(name string, v any) error {
		if !f.isHeader(name) {
			return nil
		}
		if _, err := decode(ctx, s.header, metaValueBytes(v)); err != nil {
			return fmt.Errorf("header %q: %w", name, err)
		}
		return nil
	})
}

func decode(ctx context.Context, sc codec.SchemaConverter, raw []byte) ([]byte, error) {
	if err := sc.Prepare(ctx, raw); err != nil {
		return nil, err
	}
	return sc.FromBytes(raw)
}

// useDecoded hands the record the views prepare decoded, after reset.
func (r *messageRecord) useDecoded(d decodedParts) { r.keyView, r.valueView = d.key, d.value }

// metaBytes is the metadata field's value as bytes, nil when it is not set.
func metaBytes(msg *service.Message, field string) []byte {
	v, ok := msg.MetaGetMut(field)
	if !ok {
		return nil
	}
	return metaValueBytes(v)
}

func metaValueBytes(v any) []byte {
	switch t := v.(type) {
	case string:
		return []byte(t)
	case []byte:
		return t
	}
	return []byte(fmt.Sprint(v))
}

// setSchemaPart stores what a guest set for a part under a schema-aware
// converter. When the guest wrote back exactly the JSON it was shown (view),
// the part keeps the bytes it came with, untouched: re-encoding could only
// change them (an Avro map's entry order, a union the JSON cannot tell
// apart), never improve them. Otherwise the guest's JSON is encoded with the
// part's original schema.
func (p *pendingPart) setSchemaPart(a *byteArena, b, view, original []byte, sc codec.SchemaConverter) error {
	guest := a.copyOf(b)
	if view != nil && original != nil && bytes.Equal(guest, view) {
		*p = pendingPart{written: true, guest: guest, stored: codec.RawBytes(original)}
		return nil
	}
	stored, err := sc.ToHostFor(guest, original)
	if err != nil {
		return err
	}
	*p = pendingPart{written: true, guest: guest, stored: stored}
	return nil
}

// originalValue is the value's bytes as the message came in; nil for a
// tombstone.
func (r *messageRecord) originalValue() []byte {
	if r.isTombstone() {
		return nil
	}
	raw, err := r.msg.AsBytes()
	if err != nil {
		return nil
	}
	return raw
}
