package transform

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// SchemaRegistry is what module redpanda_schema_registry asks of a schema
// registry. *schemaregistry.Client satisfies it. Each call runs inside the
// guest's call, on its goroutine, with the instance's context: a Timeout
// that strikes during a call cancels it.
type SchemaRegistry interface {
	// SchemaByID returns the schema registered under id.
	SchemaByID(ctx context.Context, id int) (sr.Schema, error)
	// SubjectVersion returns version version (1 or more) of subject.
	SubjectVersion(ctx context.Context, subject string, version int) (sr.SubjectSchema, error)
	// LatestBySubject returns the latest version of subject.
	LatestBySubject(ctx context.Context, subject string) (sr.SubjectSchema, error)
	// CreateSchema registers schema under subject (or finds it there) and
	// returns its id and version.
	CreateSchema(ctx context.Context, subject string, schema sr.Schema) (sr.SubjectSchema, error)
}

// RegistryCallError is a call of module redpanda_schema_registry that the
// guest was answered -1 (no schema registry configured) or -2 (the
// registry, or the request, failed) for. The guest decides what to do with
// the record; the error goes to Config.LogRegistryError, and names the
// cause when the guest then dies on its record.
type RegistryCallError struct {
	Import string // the host function, e.g. get_schema_definition_len
	Result int32  // what the guest got: -1 or -2
	Err    error
}

func (e *RegistryCallError) Error() string {
	return fmt.Sprintf("%s.%s returned %d to the guest: %v", SchemaRegistryModule, e.Import, e.Result, e.Err)
}

func (e *RegistryCallError) Unwrap() error { return e.Err }

// ErrNoRegistry is the cause of every -1: the module imports
// redpanda_schema_registry, but no registry is configured.
var ErrNoRegistry = errors.New("no schema registry is configured (set schema_registry)")

// registryFunctions is module redpanda_schema_registry as the host provides
// it: lookups and registrations go to Config.SchemaRegistry.
var registryFunctions = []hostabi.HostFunction{
	{Name: "check_abi_version_0", Signature: registrySignatures["check_abi_version_0"], Run: func(*hostabi.Exchange, []uint64) {}},
	{Name: "get_schema_definition_len", Signature: registrySignatures["get_schema_definition_len"], Run: getSchemaDefinitionLen},
	{Name: "get_schema_definition", Signature: registrySignatures["get_schema_definition"], Run: getSchemaDefinition},
	{Name: "get_subject_schema_len", Signature: registrySignatures["get_subject_schema_len"], Run: getSubjectSchemaLen},
	{Name: "get_subject_schema", Signature: registrySignatures["get_subject_schema"], Run: getSubjectSchema},
	{Name: "create_subject_schema", Signature: registrySignatures["create_subject_schema"], Run: createSubjectSchema},
}

// latestVersion is the version that asks get_subject_schema(_len) for a
// subject's latest version.
const latestVersion = -1

// lookup is one lookup a guest asked for: by id, or by subject and version.
type lookup struct {
	bySubject bool
	id        int32
	subject   string
	version   int32
}

func (l lookup) String() string {
	switch {
	case !l.bySubject:
		return fmt.Sprintf("schema id %d", l.id)
	case l.version == latestVersion:
		return fmt.Sprintf("the latest version of subject %q", l.subject)
	}
	return fmt.Sprintf("subject %q version %d", l.subject, l.version)
}

// sized is the answer of the last _len call of the current record. The
// SDKs call a _len function, allocate that many bytes and then call its
// partner with the same arguments: the partner answers from here, so one
// lookup costs one registry request and the bytes match the size the guest
// allocated (a subject's latest version may change in between).
type sized struct {
	valid bool
	what  lookup
	enc   []byte
}

// get_schema_definition_len(id, len_out) -> 0 | -1 | -2
func getSchemaDefinitionLen(x *hostabi.Exchange, s []uint64) {
	in := instanceOf(x)
	what := lookup{id: int32(uint32(s[0]))}
	enc, code := in.lookup(x, "get_schema_definition_len", what, false)
	if code == resultRegistryOK {
		x.WriteUint32(uint32(s[1]), uint32(len(enc)))
	}
	s[0] = result(code)
}

// get_schema_definition(id, buf, len) -> bytes written | -1 | -2
func getSchemaDefinition(x *hostabi.Exchange, s []uint64) {
	what := lookup{id: int32(uint32(s[0]))}
	s[0] = result(instanceOf(x).answer(x, "get_schema_definition", what, uint32(s[1]), uint32(s[2])))
}

// get_subject_schema_len(subject, subject_len, version, len_out) -> 0 | -1 | -2
func getSubjectSchemaLen(x *hostabi.Exchange, s []uint64) {
	in := instanceOf(x)
	what := lookup{bySubject: true, subject: string(x.Read(uint32(s[0]), uint32(s[1]))), version: int32(uint32(s[2]))}
	enc, code := in.lookup(x, "get_subject_schema_len", what, false)
	if code == resultRegistryOK {
		x.WriteUint32(uint32(s[3]), uint32(len(enc)))
	}
	s[0] = result(code)
}

// get_subject_schema(subject, subject_len, version, buf, len) -> bytes written | -1 | -2
func getSubjectSchema(x *hostabi.Exchange, s []uint64) {
	what := lookup{bySubject: true, subject: string(x.Read(uint32(s[0]), uint32(s[1]))), version: int32(uint32(s[2]))}
	s[0] = result(instanceOf(x).answer(x, "get_subject_schema", what, uint32(s[3]), uint32(s[4])))
}

// create_subject_schema(subject, subject_len, def, def_len, id_out) -> 0 | -1 | -2
func createSubjectSchema(x *hostabi.Exchange, s []uint64) {
	in := instanceOf(x)
	const name = "create_subject_schema"
	// As the broker: the guest's memory is read (and a bad pointer fails
	// the guest) before anything else.
	subject := string(x.Read(uint32(s[0]), uint32(s[1])))
	def := x.Read(uint32(s[2]), uint32(s[3]))
	in.sized = sized{}
	reg := in.cfg.SchemaRegistry
	if reg == nil {
		s[0] = result(in.registryFailed(name, resultRegistryNotConfigured, ErrNoRegistry))
		return
	}
	schema, err := parseSchemaDefinition(def)
	if err != nil {
		s[0] = result(in.registryFailed(name, resultRegistryError,
			fmt.Errorf("registering a schema under subject %q: the guest's schema definition does not decode: %w", subject, err)))
		return
	}
	created, err := reg.CreateSchema(x.Context(), subject, schema)
	stopIfDone(x, name, fmt.Sprintf("registering a schema under subject %q", subject))
	if err != nil {
		s[0] = result(in.registryFailed(name, resultRegistryError, err))
		return
	}
	x.WriteUint32(uint32(s[4]), uint32(int32(created.ID)))
	s[0] = result(resultRegistryOK)
}

// answer writes the encoded answer to what into the guest's buffer, and
// returns its length or a negative result.
func (in *Instance) answer(x *hostabi.Exchange, name string, what lookup, buf, length uint32) int {
	enc, code := in.lookup(x, name, what, true)
	if code != resultRegistryOK {
		return code
	}
	if uint64(len(enc)) > uint64(length) {
		return in.registryFailed(name, resultRegistryError,
			fmt.Errorf("%s: the guest's buffer of %d bytes is too small for the %d bytes of the answer", what, length, len(enc)))
	}
	x.Write(buf, enc)
	return len(enc)
}

// lookup asks the registry for what, and returns its encoding and
// resultRegistryOK, or a negative result. A _len call keeps its answer for
// its partner (partner false); the partner (true) takes it when it asks the
// same.
func (in *Instance) lookup(x *hostabi.Exchange, name string, what lookup, partner bool) ([]byte, int) {
	if partner && in.sized.valid && in.sized.what == what {
		enc := in.sized.enc
		in.sized = sized{}
		return enc, resultRegistryOK
	}
	in.sized = sized{}
	reg := in.cfg.SchemaRegistry
	if reg == nil {
		return nil, in.registryFailed(name, resultRegistryNotConfigured, ErrNoRegistry)
	}
	ctx := x.Context()
	var enc []byte
	var err error
	switch {
	case !what.bySubject:
		var schema sr.Schema
		if schema, err = reg.SchemaByID(ctx, int(what.id)); err == nil {
			enc = appendSchemaDefinition(nil, schema)
		}
	default:
		var ss sr.SubjectSchema
		if what.version == latestVersion {
			ss, err = reg.LatestBySubject(ctx, what.subject)
		} else {
			ss, err = reg.SubjectVersion(ctx, what.subject, int(what.version))
		}
		if err == nil {
			enc = appendSubjectSchema(nil, ss)
		}
	}
	stopIfDone(x, name, what.String())
	if err != nil {
		return nil, in.registryFailed(name, resultRegistryError, err)
	}
	if !partner {
		in.sized = sized{valid: true, what: what, enc: enc}
	}
	return enc, resultRegistryOK
}

// stopIfDone abandons the guest's call when the instance's context ended
// while the registry was asked (the record's timeout struck, or the
// instance is closing): the guest must not run on, even for the moment
// before wazero stops it, or it would finish a record the timeout failed.
func stopIfDone(x *hostabi.Exchange, name, what string) {
	if err := x.Context().Err(); err != nil {
		x.Fail(fmt.Errorf("%s.%s stopped while it waited for the schema registry (%s): %w", SchemaRegistryModule, name, what, err))
	}
}

// registryFailed records why the guest gets code: it goes to the log (the
// -1 of a module without a registry once per module), and names the cause
// if the guest dies on the record. It returns code.
func (in *Instance) registryFailed(name string, code int, err error) int {
	e := &RegistryCallError{Import: name, Result: int32(code), Err: err}
	in.refuse(e)
	if log := in.cfg.LogRegistryError; log != nil {
		if code != resultRegistryNotConfigured || in.module.noRegistryLogged.CompareAndSwap(false, true) {
			log(e)
		}
	}
	return code
}
