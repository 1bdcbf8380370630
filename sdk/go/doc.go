// Package smt is the Go guest SDK for the benthos-wasm `wasm_smt` processor.
//
// A guest is a WebAssembly reactor built with the standard Go toolchain:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o guest.wasm .
//
// Importing this package is enough to export the `alloc` and `dealloc`
// functions the host ABI requires (see docs/ABI.md in the repository); the
// guest exports its own per-record functions with //go:wasmexport. They take
// no arguments and return nothing, or a uint64 result built with [Error],
// [Errorf] or [Result]:
//
//	//go:wasmexport to_upper
//	func toUpper() {
//		smt.SetValue(bytes.ToUpper(smt.Value()))
//	}
//
// Getters ([Key], [Value], [Topic], [Header], [GetRecord]) return ordinary Go
// values that the caller owns. A missing key, value, topic or header is not
// reported to the guest: the host fails the record and abandons the call, so
// the getters never return "absent"; ask first with [HasKey] or [HasHeader].
// Within one call a getter sees what earlier setters of the same call wrote;
// nothing is applied to the message unless the call succeeds.
//
// The ABI extensions add filtering ([Drop]), fan-out ([Emit]), header
// listing and removal ([HeaderNames], [RemoveHeader]), the partition and
// timestamp ([Partition], [Timestamp], [SetTimestamp]), the processor's
// parameters ([Param]) and logging ([Log]). A guest imports only the host
// functions it can reach, so one that uses none of these runs on hosts of
// the original ABI.
//
// For JSON values, [JSONString], [JSONInt], [SetJSONString] and their kin read
// and write one scalar at a path of object keys, splicing the new value into
// the document's bytes so that everything else stays as it was.
//
// A host running Go guests must give them a real monotonic clock (with
// wazero: ModuleConfig.WithSysNanotime): with wazero's default fake clock the
// Go garbage collector stops collecting after about a hundred cycles and the
// guest's memory grows without bound.
//
// Outside a wasm build (GOARCH other than wasm) the same API works against an
// in-memory TestHost (see TestHost.Run, SetTestHost and SetTestRecord, which
// exist only in such builds), so guest logic can be unit tested with a plain
// `go test`.
package smt
