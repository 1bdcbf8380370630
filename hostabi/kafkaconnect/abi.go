package kafkaconnect

import "github.com/benthos-wasm/benthos-wasm/hostabi"

// ABIName names this ABI in errors and reports.
const ABIName = "Kafka Connect ABI"

// HostModule is the import module name of every host function.
const HostModule = "env"

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
	i32 = hostabi.I32
	i64 = hostabi.I64
)

var (
	sig   = hostabi.NewSignature
	types = hostabi.Types
)

// Signatures of the exports the host calls.
var (
	allocSignature   = sig(types(i32), i32)
	deallocSignature = sig(types(i32, i32))
	// A guest function returns nothing, or a packed ptr<<32|len result.
	functionSignatures = []hostabi.Signature{sig(nil), sig(nil, i64)}
)

// errorBit in a result's length marks the bytes as an error message.
const errorBit = 1 << 31

func pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

func unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
