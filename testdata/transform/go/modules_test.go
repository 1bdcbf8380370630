package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestPeerABIModules checks, without a Wasm runtime, that every committed
// guest of the peer ABIs (testdata/FUNCTIONS-peer-abis.md) imports and
// exports exactly what it should, with the right signatures: a small reader
// of the module's type, import, function and export sections.

var wantModules = map[string]struct {
	imports []string // every import that is not WASI's, sorted
	wasi    bool     // whether it imports from wasi_snapshot_preview1
	exports []string // every export, sorted
}{
	"transform_go.wasm": {
		imports: append(append([]string(nil), registryImports...), transformV2Imports...), // sorted
		wasi:    true,
		exports: []string{"_start func ()->()", "memory memory"},
	},
	// Rust's wasm32-wasi command also exports main (wasi-libc's entry,
	// called by _start) and the linker's two globals; hosts ignore them.
	"transform_rust.wasm": {
		imports: transformV2Imports,
		wasi:    true,
		exports: []string{
			"__data_end global", "__heap_base global", "_start func ()->()",
			"main func (i32,i32)->(i32)", "memory memory",
		},
	},
	"transform_identity.wasm": {
		imports: []string{
			"redpanda_transform.check_abi_version_1 func ()->()",
			"redpanda_transform.read_batch_header func (i32,i32,i32,i32,i32,i32,i32,i32,i32,i32)->(i32)",
			"redpanda_transform.read_next_record func (i32,i32,i32,i32,i32)->(i32)",
			"redpanda_transform.write_record func (i32,i32)->(i32)",
		},
		exports: []string{"_start func ()->()", "memory memory"},
	},
	"transform_upper.wasm": {
		imports: []string{
			"redpanda_transform.check_abi_version_2 func ()->()",
			"redpanda_transform.read_batch_header func (i32,i32,i32,i32,i32,i32,i32,i32,i32,i32)->(i32)",
			"redpanda_transform.read_next_record func (i32,i32,i32,i32,i32)->(i32)",
			"redpanda_transform.write_record func (i32,i32)->(i32)",
		},
		exports: []string{"_start func ()->()", "memory memory"},
	},
	"connect_malloc.wasm": {
		imports: connectImports,
		exports: []string{
			"_start func ()->()", "free func (i32)->()", "live_blocks func ()->(i32)",
			"live_bytes func ()->(i32)", "malloc func (i32)->(i32)", "memory memory",
			"passthru func ()->()", "process func ()->()", "set_meta func ()->()", "trap func ()->()", "trap_if func ()->()",
		},
	},
	"connect_allocate.wasm": {
		imports: connectImports,
		exports: []string{
			"allocate func (i32)->(i32)", "deallocate func (i32,i32)->()", "live_blocks func ()->(i32)",
			"live_bytes func ()->(i32)", "memory memory",
			"process func ()->()", "set_meta func ()->()", "trap func ()->()", "trap_if func ()->()",
		},
	},
	"connect_rust.wasm": {
		imports: connectImports,
		exports: []string{
			"__data_end global", "__heap_base global",
			"allocate func (i32)->(i32)", "deallocate func (i32,i32)->()", "live_blocks func ()->(i32)",
			"live_bytes func ()->(i32)", "memory memory",
			"process func ()->()", "set_meta func ()->()", "trap_if func ()->()",
		},
	},
	"connect_go.wasm": {
		imports: connectImports,
		wasi:    true,
		exports: []string{
			"_initialize func ()->()", "free func (i32)->()", "live_blocks func ()->(i32)",
			"live_bytes func ()->(i32)", "malloc func (i32)->(i32)", "memory memory",
			"process func ()->()", "set_meta func ()->()", "trap_if func ()->()",
		},
	},
}

// transformV2Imports are what Redpanda's Go and Rust SDKs import (ABI
// version 2).
var transformV2Imports = []string{
	"redpanda_transform.check_abi_version_2 func ()->()",
	"redpanda_transform.read_batch_header func (i32,i32,i32,i32,i32,i32,i32,i32,i32,i32)->(i32)",
	"redpanda_transform.read_next_record func (i32,i32,i32,i32,i32)->(i32)",
	"redpanda_transform.write_record func (i32,i32)->(i32)",
	"redpanda_transform.write_record_with_options func (i32,i32,i32,i32)->(i32)",
}

// registryImports are what Redpanda's Go SDK's sr package imports (schema
// registry ABI version 0).
var registryImports = []string{
	"redpanda_schema_registry.check_abi_version_0 func ()->()",
	"redpanda_schema_registry.create_subject_schema func (i32,i32,i32,i32,i32)->(i32)",
	"redpanda_schema_registry.get_schema_definition func (i32,i32,i32)->(i32)",
	"redpanda_schema_registry.get_schema_definition_len func (i32,i32)->(i32)",
	"redpanda_schema_registry.get_subject_schema func (i32,i32,i32,i32,i32)->(i32)",
	"redpanda_schema_registry.get_subject_schema_len func (i32,i32,i32,i32)->(i32)",
}

var connectImports = []string{
	"benthos_wasm.v0_msg_as_bytes func ()->(i64)",
	"benthos_wasm.v0_msg_get_meta func (i32,i32)->(i64)",
	"benthos_wasm.v0_msg_set_bytes func (i32,i32)->()",
	"benthos_wasm.v0_msg_set_meta func (i32,i32,i32,i32)->()",
}

func TestPeerABIModules(t *testing.T) {
	for name, want := range wantModules {
		b, err := os.ReadFile(filepath.Join("..", "..", "wasm", name))
		if err != nil {
			t.Fatal(err)
		}
		imports, exports, err := readModule(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var other []string
		wasi := false
		for _, imp := range imports {
			if strings.HasPrefix(imp, "wasi_snapshot_preview1.") {
				wasi = true
				continue
			}
			other = append(other, imp)
		}
		sort.Strings(other)
		sort.Strings(exports)
		if got, w := strings.Join(other, "\n"), strings.Join(want.imports, "\n"); got != w {
			t.Errorf("%s imports:\n%s\nwant:\n%s", name, got, w)
		}
		if wasi != want.wasi {
			t.Errorf("%s: imports from wasi_snapshot_preview1: %v, want %v", name, wasi, want.wasi)
		}
		if got, w := strings.Join(exports, "\n"), strings.Join(want.exports, "\n"); got != w {
			t.Errorf("%s exports:\n%s\nwant:\n%s", name, got, w)
		}
	}
}

// wasmReader reads the parts of the binary format this test needs.
type wasmReader struct {
	b   []byte
	err error
}

var errTruncated = errors.New("module truncated")

func (r *wasmReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errTruncated
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *wasmReader) u32() uint32 {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errors.New("LEB128 too long")
	return 0
}

func (r *wasmReader) bytes(n uint32) []byte {
	if r.err != nil || uint32(len(r.b)) < n {
		r.err = errTruncated
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *wasmReader) name() string { return string(r.bytes(r.u32())) }

func (r *wasmReader) limits() {
	if r.byte()&1 == 1 {
		r.u32()
	}
	r.u32()
}

var valTypes = map[byte]string{0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref"}

func (r *wasmReader) valTypes() string {
	n := r.u32()
	var ts []string
	for i := uint32(0); i < n; i++ {
		ts = append(ts, valTypes[r.byte()])
	}
	return "(" + strings.Join(ts, ",") + ")"
}

// readModule returns the imports as "module.name kind [signature]" and the
// exports as "name kind [signature]", signatures as "(params)->(results)".
func readModule(b []byte) (imports, exports []string, err error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, nil, errors.New("not a Wasm module")
	}
	r := &wasmReader{b: b[8:]}
	var types, funcs []string // signatures by type index, by function index
	for len(r.b) > 0 && r.err == nil {
		id := r.byte()
		sec := &wasmReader{b: r.bytes(r.u32())}
		switch id {
		case 1: // types
			for n := sec.u32(); n > 0; n-- {
				if sec.byte() != 0x60 {
					return nil, nil, errors.New("type is not a function type")
				}
				params := sec.valTypes()
				types = append(types, params+"->"+sec.valTypes())
			}
		case 2: // imports
			for n := sec.u32(); n > 0; n-- {
				name := sec.name() + "." + sec.name()
				switch kind := sec.byte(); kind {
				case 0:
					sig := types[sec.u32()]
					funcs = append(funcs, sig)
					imports = append(imports, name+" func "+sig)
				case 1:
					sec.byte()
					sec.limits()
					imports = append(imports, name+" table")
				case 2:
					sec.limits()
					imports = append(imports, name+" memory")
				case 3:
					sec.byte()
					sec.byte()
					imports = append(imports, name+" global")
				default:
					return nil, nil, fmt.Errorf("import kind %d", kind)
				}
			}
		case 3: // functions
			for n := sec.u32(); n > 0; n-- {
				funcs = append(funcs, types[sec.u32()])
			}
		case 7: // exports
			for n := sec.u32(); n > 0; n-- {
				name := sec.name()
				kind, idx := sec.byte(), sec.u32()
				switch kind {
				case 0:
					exports = append(exports, name+" func "+funcs[idx])
				case 1:
					exports = append(exports, name+" table")
				case 2:
					exports = append(exports, name+" memory")
				case 3:
					exports = append(exports, name+" global")
				}
			}
		}
		if sec.err != nil {
			return nil, nil, sec.err
		}
	}
	return imports, exports, r.err
}
