package hostabi

import (
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// The Wasm value types of signatures, as wazero numbers them.
const (
	I32 = api.ValueTypeI32
	I64 = api.ValueTypeI64
	F32 = api.ValueTypeF32
	F64 = api.ValueTypeF64
)

// ValueType is a Wasm value type: I32, I64, F32 or F64.
type ValueType = api.ValueType

// Signature is a Wasm function type.
type Signature struct {
	Params  []ValueType
	Results []ValueType
}

// String renders the signature as "(i32, i32) -> (i64)".
func (s Signature) String() string {
	return "(" + typeList(s.Params) + ") -> (" + typeList(s.Results) + ")"
}

// Equal reports whether two signatures are the same type.
func (s Signature) Equal(o Signature) bool {
	return sameTypes(s.Params, o.Params) && sameTypes(s.Results, o.Results)
}

func sameTypes(a, b []ValueType) bool {
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

func typeList(ts []ValueType) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = api.ValueTypeName(t)
	}
	return strings.Join(parts, ", ")
}

func signatureOf(def api.FunctionDefinition) Signature {
	return Signature{Params: def.ParamTypes(), Results: def.ResultTypes()}
}
