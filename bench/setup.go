package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Impl is what does a case's work: a guest language, Bloblang or native Go.
type Impl string

// The implementations. A guest language's module is testdata/wasm/<impl>.wasm.
const (
	Rust           Impl = "rust"
	Go             Impl = "go"
	C              Impl = "c"
	AssemblyScript Impl = "assemblyscript"
	WAT            Impl = "wat" // noop.wasm, for the case that has only that module
	Bloblang       Impl = "bloblang"
	Native         Impl = "native"
)

// Languages returns the guest languages, in report order.
func Languages() []Impl { return []Impl{Rust, Go, C, AssemblyScript} }

// Wasm reports whether the impl is a guest language.
func (i Impl) Wasm() bool { return i != Bloblang && i != Native }

// ErrNoModule is returned for a case whose module file is missing.
var ErrNoModule = errors.New("module file is missing")

// Setup says where the guest modules are and where compiled code is cached.
type Setup struct {
	WasmDir  string // testdata/wasm
	CacheDir string // a private compilation_cache_dir
}

// NewSetup finds testdata/wasm from the working directory or one of its
// parents, and makes a private compilation cache under a new temporary
// directory; call the returned func to remove it.
func NewSetup() (Setup, func(), error) {
	dir, err := findWasmDir()
	if err != nil {
		return Setup{}, nil, err
	}
	cache, err := os.MkdirTemp("", "bench-wasm-cache")
	if err != nil {
		return Setup{}, nil, err
	}
	return Setup{WasmDir: dir, CacheDir: cache}, func() { _ = os.RemoveAll(cache) }, nil
}

func findWasmDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "testdata", "wasm")
		if _, err := os.Stat(filepath.Join(candidate, "noop.wasm")); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no testdata/wasm/noop.wasm in the working directory or its parents")
		}
		dir = parent
	}
}

// ModulePath returns the module file that holds c's function for impl.
func (s Setup) ModulePath(c Case, impl Impl) string {
	name := string(impl) + ".wasm"
	if c.Module != "" {
		name = c.Module
	}
	return filepath.Join(s.WasmDir, name)
}

// Has reports whether impl can do case c: Bloblang and native always can, a
// guest language when its module file exists.
func (s Setup) Has(c Case, impl Impl) bool {
	if !impl.Wasm() {
		return true
	}
	_, err := os.Stat(s.ModulePath(c, impl))
	return err == nil
}

// ProcessorYAML returns the config of the processor that does c's work the
// impl's way. extra is added to a wasm_smt's fields (such as "timeout: 1s").
func (s Setup) ProcessorYAML(c Case, impl Impl, extra string) (string, error) {
	switch impl {
	case Bloblang:
		return "mapping: " + strconv.Quote(c.Bloblang), nil
	case Native:
		return c.Native + ": {}", nil
	}
	if !s.Has(c, impl) {
		return "", fmt.Errorf("%s %s: %w", impl, s.ModulePath(c, impl), ErrNoModule)
	}
	return WasmYAML(s.ModulePath(c, impl), c.Name, s.CacheDir, extra), nil
}

// WasmYAML returns the config of a wasm_smt processor.
func WasmYAML(module, function, cacheDir, extra string) string {
	y := fmt.Sprintf("wasm_smt:\n  module_path: %s\n  function: %s\n  compilation_cache_dir: %s\n",
		strconv.Quote(module), strconv.Quote(function), strconv.Quote(cacheDir))
	if extra != "" {
		y += "  " + extra + "\n"
	}
	return y
}
