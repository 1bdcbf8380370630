package connectwasm

import (
	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// hostFunctions is module benthos_wasm as the host provides it.
var hostFunctions = []hostabi.HostFunction{
	{Name: "v0_msg_as_bytes", Signature: importSignatures["v0_msg_as_bytes"], Run: func(x *hostabi.Exchange, s []uint64) {
		st := stateOf(x)
		b, err := st.msg.Payload()
		if err != nil {
			x.Fail(err)
		}
		s[0] = st.give(x, b)
	}},
	{Name: "v0_msg_set_bytes", Signature: importSignatures["v0_msg_set_bytes"], Run: func(x *hostabi.Exchange, s []uint64) {
		if err := stateOf(x).msg.SetPayload(x.Read(uint32(s[0]), uint32(s[1]))); err != nil {
			x.Fail(err)
		}
	}},
	{Name: "v0_msg_get_meta", Signature: importSignatures["v0_msg_get_meta"], Run: func(x *hostabi.Exchange, s []uint64) {
		st := stateOf(x)
		v, _, err := st.msg.Meta(x.Read(uint32(s[0]), uint32(s[1])))
		if err != nil {
			x.Fail(err)
		}
		s[0] = st.give(x, v) // an absent field reads as empty, as in Redpanda Connect
	}},
	{Name: "v0_msg_set_meta", Signature: importSignatures["v0_msg_set_meta"], Run: func(x *hostabi.Exchange, s []uint64) {
		name := x.Read(uint32(s[0]), uint32(s[1]))
		value := x.Read(uint32(s[2]), uint32(s[3]))
		if err := stateOf(x).msg.SetMeta(name, value); err != nil {
			x.Fail(err)
		}
	}},
}

func stateOf(x *hostabi.Exchange) *callState { return x.State().(*callState) }

// give copies b into a buffer from the guest's allocator and returns it
// packed ptr<<32|len, remembering it when the host is to free it.
func (st *callState) give(x *hostabi.Exchange, b []byte) uint64 {
	ptr := x.Give(b)
	if st.hostFrees {
		st.given = append(st.given, givenBuffer{ptr: ptr, size: uint32(len(b))})
	}
	return uint64(ptr)<<32 | uint64(uint32(len(b)))
}
