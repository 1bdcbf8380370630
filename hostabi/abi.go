package hostabi

import (
	"github.com/tetratelabs/wazero/api"
)

// HostModule is the import module name of every host function.
const HostModule = "env"

// WASIModule is the import module of WASI preview 1, which Go and other
// toolchains' modules may import.
const WASIModule = "wasi_snapshot_preview1"

// Names of the exports the host needs from a guest.
const (
	ExportMemory  = "memory"
	ExportAlloc   = "alloc"
	ExportDealloc = "dealloc"
	// ExportInitialize is run once per instance when present (WASI reactors).
	ExportInitialize = "_initialize"
	// exportStart marks a WASI command, which runs main and exits.
	exportStart = "_start"
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// signature is a Wasm function type.
type signature struct {
	params  []api.ValueType
	results []api.ValueType
}

func (s signature) String() string {
	return "(" + typeList(s.params) + ") -> (" + typeList(s.results) + ")"
}

func (s signature) matches(def api.FunctionDefinition) bool {
	return sameTypes(s.params, def.ParamTypes()) && sameTypes(s.results, def.ResultTypes())
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func typeList(ts []api.ValueType) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += api.ValueTypeName(t)
	}
	return s
}

func signatureOf(def api.FunctionDefinition) signature {
	return signature{params: def.ParamTypes(), results: def.ResultTypes()}
}

// Signatures of the exports the host calls.
var (
	allocSignature   = signature{params: []api.ValueType{i32}, results: []api.ValueType{i32}}
	deallocSignature = signature{params: []api.ValueType{i32, i32}}
	// A guest function returns nothing, or a packed ptr<<32|len result.
	functionSignatures = []signature{{}, {results: []api.ValueType{i64}}}
)

// errorBit in a result's length marks the bytes as an error message.
const errorBit = 1 << 31

func pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

func unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
