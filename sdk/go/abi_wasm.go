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

// Extensions (docs/ABI.md, "Extensions"). The Go linker imports only the
// host functions a program can reach, and each of these is reached only
// from its own API function (not from the shared get and set), so a guest
// that calls none of the extension API is still an original-ABI module.

//go:wasmimport env has_key
func hostHasKey() int32

//go:wasmimport env has_header
func hostHasHeader(namePtr unsafe.Pointer, nameLen uint32) int32

//go:wasmimport env remove_header
func hostRemoveHeader(namePtr unsafe.Pointer, nameLen uint32)

//go:wasmimport env get_header_names
func hostGetHeaderNames() uint64

//go:wasmimport env get_partition
func hostGetPartition() int32

//go:wasmimport env get_timestamp
func hostGetTimestamp() int64

//go:wasmimport env set_timestamp
func hostSetTimestamp(ms int64)

//go:wasmimport env drop_record
func hostDropRecord()

//go:wasmimport env emit_record
func hostEmitRecord(ptr unsafe.Pointer, size uint32)

//go:wasmimport env get_param
func hostGetParam(namePtr unsafe.Pointer, nameLen uint32) uint64

//go:wasmimport env log
func hostLog(level int32, ptr unsafe.Pointer, size uint32)

// Guest memory management.
//
// Who allocates what:
//   - the host calls alloc only from inside a getter (get_*), to get the
//     buffer for the bytes it returns; the SDK reads those bytes before the
//     getter returns to the user, so such a buffer is dead as soon as the
//     getter returns;
//   - an error result hands the host a message buffer that the host reads,
//     then frees with dealloc, right after the exported function returns.
//
// Getter buffers come from an arena: one reusable []byte, bump-allocated by
// alloc and reset at the start of every getter. Reading a value then costs
// no allocation inside alloc (Value copies the bytes out once; AppendValue
// into a reused buffer allocates nothing at all), and alloc, which runs
// re-entrantly while Go is blocked in a host import, normally does not touch
// the Go heap allocator. Resetting at the start of a getter, rather than
// counting frees, also recovers from a call the host abandoned halfway.
//
// A request that does not fit in the arena gets its own []byte, appended to
// the short list oversize (a slice, not a map: it holds at most one buffer
// per getter, since the host calls alloc once per getter). The list keeps the
// buffer reachable while the host writes into it; the getter then takes it
// out of the list and hands it to the caller as is, with no copy. The arena
// grows at the next reset to fit such a request, up to arenaMax, so a stream
// of similar records settles on the arena path.
//
// Error messages go to a small ring of reusable slots (errSlots), not to the
// arena, so that a getter called after Error cannot overwrite the message.
// The host is done with the message when the exported function has returned
// (it reads it, then calls dealloc), so a slot can be reused by any later
// call; the ring only matters when one call builds several error results.
// dealloc therefore has nothing to free.
//
// Go's garbage collector never moves heap objects, so an address handed to
// the host stays valid as long as the object is reachable: the arena, the
// oversize list and the error slots are package variables.
const (
	arenaInitial = 16 << 10
	arenaMax     = 1 << 20
	allocAlign   = 8
	// errKeepMax is the largest slot capacity kept for reuse once a shorter
	// message comes: a slot does not pin a huge buffer forever.
	errKeepMax = 64 << 10
)

var (
	arena     []byte // len(arena) == cap(arena)
	arenaBase uint32 // address of arena[0]
	arenaOff  uint32 // next free offset
	arenaWant = arenaInitial

	oversize [][]byte // buffers alloc made outside the arena since the last reset

	errSlots [errSlotCount][]byte
	errNext  int

	// nameBuf holds a name while get_header or get_param runs: it is on the
	// heap and so cannot move if the re-entrant alloc call grows the Go
	// stack.
	nameBuf []byte
)

func addr(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
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
	// cap >= 1 so that the address is that of b's own array.
	b := make([]byte, size, max(size, 1))
	oversize = append(oversize, b)
	return addr(b)
}

// guestDealloc is called by the host after every function that returns a
// result, with that result's pointer. Nothing needs freeing: getter buffers
// are recycled at the next getter and error messages live in reused slots
// (see above).
//
//go:wasmexport dealloc
func guestDealloc(ptr, size uint32) {}

// resetArena recycles the arena before a getter, growing it first if a
// recent request did not fit.
func resetArena() {
	arenaOff = 0
	if len(oversize) > 0 {
		// Only left over by a getter that panicked before taking its buffer.
		clear(oversize)
		oversize = oversize[:0]
	}
	if arenaWant > len(arena) {
		n := arenaInitial
		for n < arenaWant {
			n *= 2
		}
		arena = make([]byte, n)
		arenaBase = addr(arena)
	}
}

// get calls a host getter of the original ABI and returns its bytes. If
// fresh is true, b is a dedicated buffer now owned by the caller; otherwise b
// is a view into the arena, valid until the next getter.
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
	return received(packed)
}

// received returns the buffer a getter's packed result points to: a view
// into the arena (fresh false) or an oversize buffer, now the caller's.
func received(packed uint64) (b []byte, fresh bool) {
	ptr, n := uint32(packed>>32), uint32(packed)
	if ptr >= arenaBase && uint64(ptr)+uint64(n) <= uint64(arenaBase)+uint64(len(arena)) {
		off := ptr - arenaBase
		return arena[off : off+n : off+n], false
	}
	for i, p := range oversize {
		if addr(p) == ptr && uint64(n) <= uint64(cap(p)) {
			last := len(oversize) - 1
			oversize[i] = oversize[last]
			oversize[last] = nil
			oversize = oversize[:last]
			return p[:n:n], true
		}
	}
	panic("smt: host getter returned a buffer the guest did not allocate")
}

// ownedReceived is received, copied out of the arena if need be.
func ownedReceived(packed uint64) []byte {
	b, fresh := received(packed)
	if !fresh {
		b = append(make([]byte, 0, len(b)), b...)
	}
	return b
}

// getHeaderNames returns the get_header_names buffer, owned by the caller.
func getHeaderNames() []byte {
	resetArena()
	return ownedReceived(hostGetHeaderNames())
}

// absentParam is what get_param returns when there is no such parameter.
const absentParam = ^uint64(0)

// getParam returns the value of a parameter, owned by the caller, or false.
func getParam(name string) ([]byte, bool) {
	resetArena()
	nameBuf = append(nameBuf[:0], name...)
	packed := hostGetParam(unsafe.Pointer(unsafe.SliceData(nameBuf)), uint32(len(nameBuf)))
	if packed == absentParam {
		return nil, false
	}
	return ownedReceived(packed), true
}

// bytesOf views s as bytes without copying; the host only reads them.
func bytesOf(s string) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.StringData(s)), uint32(len(s))
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
		np, nn := bytesOf(name)
		hostSetHeader(np, nn, p, n)
	case kindRecord:
		hostSetRecord(p, n)
	default:
		panic("smt: bad setter")
	}
}

// The remaining extension calls never call back into the guest either.

func hasKey() bool { return hostHasKey() != 0 }

func hasHeader(name string) bool { return hostHasHeader(bytesOf(name)) != 0 }

func removeHeader(name string) { hostRemoveHeader(bytesOf(name)) }

func partition() int32 { return hostGetPartition() }

func timestamp() int64 { return hostGetTimestamp() }

func setTimestamp(ms int64) { hostSetTimestamp(ms) }

func drop() { hostDropRecord() }

func emit(recordJSON []byte) {
	hostEmitRecord(unsafe.Pointer(unsafe.SliceData(recordJSON)), uint32(len(recordJSON)))
}

func logMessage(level LogLevel, msg string) {
	p, n := bytesOf(msg)
	hostLog(int32(level), p, n)
}

// errorResult copies msg into the next error slot and returns the packed
// error result. The host reads the message and calls dealloc right after
// the call; the slot stays reachable (a package variable) until it is
// reused errSlotCount Error calls later.
func errorResult(msg string) uint64 {
	i := errNext
	errNext = (errNext + 1) % errSlotCount
	b := errSlots[i]
	if cap(b) > errKeepMax && len(msg) <= errKeepMax {
		b = nil
	}
	b = append(b[:0], msg...)
	errSlots[i] = b
	return uint64(addr(b))<<32 | uint64(len(msg)) | errFlag
}
