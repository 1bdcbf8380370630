package main

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
)

// The cases that use the schema registry module. Each reads what to do from
// the record and writes it on, with headers saying what the registry
// answered:
//
//   - schema_lookup: a value in the Confluent wire format (byte 0 is 0, then
//     a 4-byte big-endian schema id) is looked up by its id, and gets the
//     headers schema.id, schema.type (avro, protobuf or json), schema.text
//     and, when it has references, schema.refs ("name=subject@version",
//     comma-separated). A record with a header sr.subject also has that
//     subject looked up, at the version of header sr.version (default -1,
//     the latest), and gets subject.id, subject.version, subject.type,
//     subject.text and subject.refs. A lookup that fails adds the header
//     sr.error (for example "get_schema_definition_len returned -2") and the
//     record goes on: the guest decides.
//   - schema_lookup_strict: the same, but a failed lookup fails the
//     transform (the record dies, the program panics).
//   - schema_register: registers the value as a schema's text under the
//     subject of header sr.subject, with the type of header sr.type (avro,
//     protobuf or json; default avro) and the references of header sr.refs
//     (as schema.refs above), and adds the header sr.id, the id the host
//     wrote. A failure adds sr.error.

func registryCases() map[string]func(t *transformer, ev *Event, w Writer) error {
	return map[string]func(t *transformer, ev *Event, w Writer) error{
		"schema_lookup":        func(t *transformer, ev *Event, w Writer) error { return schemaLookup(t, ev, w, false) },
		"schema_lookup_strict": func(t *transformer, ev *Event, w Writer) error { return schemaLookup(t, ev, w, true) },
		"schema_register":      schemaRegister,
	}
}

// usesRegistry reports whether a case imports the registry module's
// functions at run time (and so calls check_abi_version_0 at start-up).
func usesRegistry(name string) bool {
	_, ok := registryCases()[name]
	return ok
}

func header(r Record, name string) (string, bool) {
	for _, h := range r.Headers {
		if string(h.Key) == name {
			return string(h.Value), true
		}
	}
	return "", false
}

func addHeader(r *Record, name, value string) {
	r.Headers = append(r.Headers, Header{Key: []byte(name), Value: []byte(value)})
}

func refsString(refs []Reference) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.Name + "=" + r.Subject + "@" + strconv.FormatInt(r.Version, 10)
	}
	return strings.Join(parts, ",")
}

func parseRefs(s string) ([]Reference, error) {
	if s == "" {
		return nil, nil
	}
	var refs []Reference
	for _, part := range strings.Split(s, ",") {
		name, rest, ok1 := strings.Cut(part, "=")
		subject, version, ok2 := strings.Cut(rest, "@")
		v, err := strconv.ParseInt(version, 10, 32)
		if !ok1 || !ok2 || err != nil {
			return nil, errors.New("sr.refs: expected name=subject@version, comma-separated")
		}
		refs = append(refs, Reference{Name: name, Subject: subject, Version: v})
	}
	return refs, nil
}

func addSchemaHeaders(r *Record, prefix string, s Schema) {
	addHeader(r, prefix+".type", typeNames[s.Type])
	addHeader(r, prefix+".text", s.Text)
	if len(s.References) > 0 {
		addHeader(r, prefix+".refs", refsString(s.References))
	}
}

func schemaLookup(t *transformer, ev *Event, w Writer, strict bool) error {
	if t.registry == nil {
		return errNoRegistry
	}
	r := ev.Record
	var failed error
	if v := r.Value; len(v) >= 5 && v[0] == 0 {
		id := int32(binary.BigEndian.Uint32(v[1:5]))
		if s, err := lookupByID(t.registry, id); err != nil {
			failed = err
		} else {
			addHeader(&r, "schema.id", strconv.Itoa(int(id)))
			addSchemaHeaders(&r, "schema", s)
		}
	}
	if subject, ok := header(ev.Record, "sr.subject"); ok && failed == nil {
		version := int64(-1)
		if v, ok := header(ev.Record, "sr.version"); ok {
			var err error
			if version, err = strconv.ParseInt(v, 10, 32); err != nil {
				return errors.New("sr.version: not a 32-bit integer")
			}
		}
		if s, err := lookupBySubject(t.registry, subject, int32(version)); err != nil {
			failed = err
		} else {
			addHeader(&r, "subject.id", strconv.FormatInt(s.ID, 10))
			addHeader(&r, "subject.version", strconv.FormatInt(s.Version, 10))
			addSchemaHeaders(&r, "subject", s.Schema)
		}
	}
	if failed != nil {
		if strict {
			return failed
		}
		addHeader(&r, "sr.error", failed.Error())
	}
	return w.Write(r, "")
}

func schemaRegister(t *transformer, ev *Event, w Writer) error {
	if t.registry == nil {
		return errNoRegistry
	}
	r := ev.Record
	subject, ok := header(r, "sr.subject")
	if !ok {
		return errors.New("schema_register: the record has no header sr.subject")
	}
	s := Schema{Type: typeAvro, Text: string(r.Value)}
	if name, ok := header(r, "sr.type"); ok {
		found := false
		for n, tn := range typeNames {
			if tn == name {
				s.Type, found = n, true
			}
		}
		if !found {
			return errors.New("sr.type: expected avro, protobuf or json")
		}
	}
	refs, _ := header(r, "sr.refs")
	var err error
	if s.References, err = parseRefs(refs); err != nil {
		return err
	}
	if id, err := create(t.registry, subject, s); err != nil {
		addHeader(&r, "sr.error", err.Error())
	} else {
		addHeader(&r, "sr.id", strconv.Itoa(int(id)))
	}
	return w.Write(r, "")
}
