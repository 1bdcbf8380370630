//go:build wasm

package smt

import "unsafe"

// Host functions (import module "env"), exactly as in docs/ABI.md. Getters
// return ptr<<32|len of a buffer the host obtained from guestAlloc; setters
// take ptr/len and copy the bytes during the call.

//go:wasmimport env get_key
func hostGetKey() uint64

//go:wasmimport env set_key
func hostSetKey(ptr unsafe.Pointer, size uint32)

//go:wasmimport env get_value
func hostGetValue() uint64

//go:wasmimport env set_value
func hostSetValue(ptr unsafe.Pointer, size uint32)

//go:wasmimport env get_topic
func hostGetTopic() uint64

//go:wasmimport env set_topic
func hostSetTopic(ptr unsafe.Pointer, size uint32)

//go:wasmimport env get_header
func hostGetHeader(namePtr unsafe.Pointer, nameLen uint32) uint64

//go:wasmimport env set_header
func hostSetHeader(namePtr unsafe.Pointer, nameLen uint32, valPtr unsafe.Pointer, valLen uint32)

//go:wasmimport env get_record
func hostGetRecord() uint64

//go:wasmimport env set_record
func hostSetRecord(ptr unsafe.Pointer, size uint32)

// Guest memory management.
//
// Who allocates what:
//   - the host calls alloc only from inside a getter, to get a buffer for the
//     bytes it returns; the SDK reads those bytes before the getter returns to
//     the user, so such a buffer is dead as soon as the getter returns;
//   - Error pins a message buffer that the host frees with dealloc after the
//     call.
//
// So the common path (getter buffers) uses an arena: one reusable []byte,
// bump-allocated by alloc and reset at the start of every getter. Reading a
// value then costs no allocation inside alloc (Value copies the bytes out
// once; AppendValue into a reused buffer allocates nothing at all), and alloc,
// which runs re-entrantly while Go is blocked in a host import, normally does
// not touch the Go heap allocator. Resetting at the start of a getter, rather
// than counting frees, also recovers from a call the host abandoned halfway.
//
// A request that does not fit in the arena gets its own []byte, kept in the
// pinned map (keyed by its address) so the GC cannot free it while the host
// writes into it; the getter then hands that slice to the caller as is, with
// no copy, and unpins it. The arena grows at the next reset to fit such a
// request, up to arenaMax, so a stream of similar records settles on the
// arena path. Error buffers are always pinned: they must outlive the call,
// and keeping them out of the arena lets the arena be reset freely.
//
// Go's garbage collector never moves heap objects, so an address handed to
// the host stays valid as long as the object is reachable: the arena and the
// pinned map are package variables.
const (
	arenaInitial = 16 << 10
	arenaMax     = 1 << 20
	allocAlign   = 8
)

var (
	arena     []byte // len(arena) == cap(arena)
	arenaBase uint32 // address of arena[0]
	arenaOff  uint32 // next free offset
	arenaWant = arenaInitial

	pinned = map[uint32][]byte{}

	// nameBuf holds a header name while get_header runs: it is on the heap
	// and so cannot move if the re-entrant alloc call grows the Go stack.
	nameBuf []byte
)

func addr(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// pin keeps b reachable until unpinned and returns its address. cap(b) must
// be at least 1 so that the address is that of b's own array.
func pin(b []byte) uint32 {
	p := addr(b)
	pinned[p] = b
	return p
}

//go:wasmexport alloc
func guestAlloc(size uint32) uint32 {
	need := (uint64(max(size, 1)) + allocAlign - 1) &^ (allocAlign - 1)
	if end := uint64(arenaOff) + need; end <= uint64(len(arena)) {
		p := arenaBase + arenaOff
		arenaOff = uint32(end)
		return p
	} else if end <= arenaMax && int(end) > arenaWant {
		arenaWant = int(end)
	}
	return pin(make([]byte, size, max(size, 1)))
}

// guestDealloc frees a buffer the guest handed to the host. Only pinned
// buffers need it; arena buffers are recycled at the next getter, and unknown
// addresses (such as the 0 of a successful result) are ignored. size is not
// needed, so its bit 31 (error flag) does not matter.
//
//go:wasmexport dealloc
func guestDealloc(ptr, size uint32) {
	delete(pinned, ptr)
}

// resetArena recycles the arena before a getter, growing it first if a
// recent request did not fit.
func resetArena() {
	arenaOff = 0
	if arenaWant > len(arena) {
		n := arenaInitial
		for n < arenaWant {
			n *= 2
		}
		arena = make([]byte, n)
		arenaBase = addr(arena)
	}
}

// get calls a host getter and returns its bytes. If fresh is true, b is a
// dedicated buffer now owned by the caller; otherwise b is a view into the
// arena, valid until the next getter.
func get(k kind, name string) (b []byte, fresh bool) {
	resetArena()
	var packed uint64
	switch k {
	case kindKey:
		packed = hostGetKey()
	case kindValue:
		packed = hostGetValue()
	case kindTopic:
		packed = hostGetTopic()
	case kindHeader:
		nameBuf = append(nameBuf[:0], name...)
		packed = hostGetHeader(unsafe.Pointer(unsafe.SliceData(nameBuf)), uint32(len(nameBuf)))
	case kindRecord:
		packed = hostGetRecord()
	default:
		panic("smt: bad getter")
	}
	ptr, n := uint32(packed>>32), uint32(packed)
	if ptr >= arenaBase && uint64(ptr)+uint64(n) <= uint64(arenaBase)+uint64(len(arena)) {
		off := ptr - arenaBase
		return arena[off : off+n : off+n], false
	}
	if p, ok := pinned[ptr]; ok && uint64(n) <= uint64(cap(p)) {
		delete(pinned, ptr)
		return p[:n:n], true
	}
	panic("smt: host getter returned a buffer the guest did not allocate")
}

// set calls a host setter. The host copies the bytes before returning and
// never calls back into the guest, so v may live anywhere.
func set(k kind, name string, v []byte) {
	p, n := unsafe.Pointer(unsafe.SliceData(v)), uint32(len(v))
	switch k {
	case kindKey:
		hostSetKey(p, n)
	case kindValue:
		hostSetValue(p, n)
	case kindTopic:
		hostSetTopic(p, n)
	case kindHeader:
		hostSetHeader(unsafe.Pointer(unsafe.StringData(name)), uint32(len(name)), p, n)
	case kindRecord:
		hostSetRecord(p, n)
	default:
		panic("smt: bad setter")
	}
}

// pinError copies msg into a pinned buffer and returns the packed error
// result; the host frees the buffer with dealloc after the call.
func pinError(msg string) uint64 {
	b := make([]byte, len(msg), max(len(msg), 1))
	copy(b, msg)
	return uint64(pin(b))<<32 | uint64(len(msg)) | errFlag
}
