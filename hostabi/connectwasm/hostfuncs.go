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
		st := stateOf(x)
		if err := st.msg.SetPayload(st.passed(x, s[0], s[1])); err != nil {
			x.Fail(err)
		}
	}},
	{Name: "v0_msg_get_meta", Signature: importSignatures["v0_msg_get_meta"], Run: func(x *hostabi.Exchange, s []uint64) {
		st := stateOf(x)
		v, _, err := st.msg.Meta(st.passed(x, s[0], s[1]))
		if err != nil {
			x.Fail(err)
		}
		s[0] = st.give(x, v) // an absent field reads as empty, as in Redpanda Connect
	}},
	{Name: "v0_msg_set_meta", Signature: importSignatures["v0_msg_set_meta"], Run: func(x *hostabi.Exchange, s []uint64) {
		st := stateOf(x)
		name := st.passed(x, s[0], s[1])
		value := st.passed(x, s[2], s[3])
		if err := st.msg.SetMeta(name, value); err != nil {
			x.Fail(err)
		}
	}},
}

func stateOf(x *hostabi.Exchange) *callState { return x.State().(*callState) }

// give copies b into a buffer from the guest's allocator and returns it
// packed ptr<<32|len; the host frees it after the call.
func (st *callState) give(x *hostabi.Exchange, b []byte) uint64 {
	ptr := x.Give(b)
	st.own(ptr, uint32(len(b)))
	return uint64(ptr)<<32 | uint64(uint32(len(b)))
}

// passed reads a buffer the guest passes the host; in the allocate style the
// host takes it, to free after the call.
func (st *callState) passed(x *hostabi.Exchange, ptr, length uint64) []byte {
	b := x.Read(uint32(ptr), uint32(length))
	if st.allocator.TakesPassed {
		st.own(uint32(ptr), uint32(length))
	}
	return b
}

// own records a buffer to free after the call. An empty one is not freed in
// the allocate style (Rust's empty allocations are dangling pointers).
func (st *callState) own(ptr, size uint32) {
	if size == 0 && st.allocator.FreeTakesSize {
		return
	}
	st.owned = append(st.owned, buffer{ptr: ptr, size: size})
}
