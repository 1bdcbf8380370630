//go:build wasip1

// Command go is a Redpanda Connect `wasm` processor module in standard Go: a
// reactor (-buildmode=c-shared), so the host must call _initialize before
// anything else (Redpanda Connect never does, so it cannot run this module).
// malloc/free style, with the ownership of TinyGo modules: a buffer the host
// returns from v0_msg_as_bytes or v0_msg_get_meta comes from this module's
// malloc and the host frees it after the call; buffers the guest passes to
// the host stay the guest's (Go memory the host copies from). Built by
// build.sh into testdata/wasm/connect_go.wasm.
package main

import (
	"bytes"
	"runtime"
	"unsafe"
)

func main() {}

//go:wasmimport benthos_wasm v0_msg_as_bytes
func msgAsBytes() uint64

//go:wasmimport benthos_wasm v0_msg_set_bytes
func msgSetBytes(ptr unsafe.Pointer, n uint32)

//go:wasmimport benthos_wasm v0_msg_get_meta
func msgGetMeta(key unsafe.Pointer, keyLen uint32) uint64

//go:wasmimport benthos_wasm v0_msg_set_meta
func msgSetMeta(key unsafe.Pointer, keyLen uint32, value unsafe.Pointer, valueLen uint32)

var h = newHeap()

//go:wasmexport malloc
func malloc(n uint32) uint32 { return h.malloc(n) }

//go:wasmexport free
func free(p uint32) { h.free(p) }

// live_bytes: bytes malloc has handed out that free has not taken back.
//
//go:wasmexport live_bytes
func liveBytes() uint32 { return uint32(h.bytes) }

// live_blocks: blocks malloc has handed out that free has not taken back.
//
//go:wasmexport live_blocks
func liveBlocks() uint32 { return uint32(len(h.live)) }

// inbound is the host's buffer behind (pointer << 32) | length.
func inbound(packed uint64) []byte { return h.block(uint32(packed>>32), uint32(packed)) }

func data(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

func upperAndSet(trapWord bool) {
	payload := inbound(msgAsBytes())
	if trapWord && bytes.HasPrefix(payload, []byte("trap")) {
		panic(`trap_if: the payload starts with "trap"`)
	}
	out := upperASCII(payload)
	msgSetBytes(data(out), uint32(len(out)))
	runtime.KeepAlive(out)
}

// process: payload = upper(payload) (ASCII letters only).
//
//go:wasmexport process
func process() { upperAndSet(false) }

// trap_if: a Go panic (in a reactor, a wasm trap) when the payload starts
// with "trap", else as process.
//
//go:wasmexport trap_if
func trapIf() { upperAndSet(true) }

var keyIn, keyOut = []byte("in"), []byte("out")

// set_meta: metadata "out" = metadata "in" (absent reads as empty).
//
//go:wasmexport set_meta
func setMeta() {
	v := inbound(msgGetMeta(data(keyIn), uint32(len(keyIn))))
	msgSetMeta(data(keyOut), uint32(len(keyOut)), data(v), uint32(len(v)))
}
