package scaffold

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const wasmTarget = "wasm32-unknown-unknown"

// rustBuild builds with cargo where its rustc has the wasm32 target, else
// with a plain rustc that has it (Debian's rustc with
// libstd-rust-dev-wasm32 has no cargo to go with it).
func (b *builder) rustBuild() error {
	if cargo, err := exec.LookPath("cargo"); err == nil {
		rustc := os.Getenv("RUSTC")
		if rustc == "" {
			rustc, _ = exec.LookPath("rustc")
		}
		if rustc != "" && b.hasWasmTarget(rustc) {
			return b.cargoBuild(cargo)
		}
	}
	for _, rustc := range rustcCandidates(b.distRustc) {
		if b.hasWasmTarget(rustc) {
			return b.rustcBuild(rustc)
		}
	}
	return &MissingToolError{
		Tool: "a Rust compiler with the " + wasmTarget + " target",
		Install: "rustup target add " + wasmTarget + " (then cargo builds), or on Debian: apt-get install rustc libstd-rust-dev-wasm32 " +
			"(then rustc builds; Debian's own cargo is not needed)",
	}
}

// distRustc is where Debian's rustc is, which has the wasm32 target with
// libstd-rust-dev-wasm32 installed.
const distRustc = "/usr/bin/rustc"

// rustcCandidates are the rustc binaries to try, in order: $RUSTC, the
// distribution's, the one on PATH.
func rustcCandidates(dist string) []string {
	var out []string
	if r := os.Getenv("RUSTC"); r != "" {
		out = append(out, r)
	}
	out = append(out, dist)
	if r, err := exec.LookPath("rustc"); err == nil {
		out = append(out, r)
	}
	return out
}

// hasWasmTarget reports whether rustc has the standard library of the
// wasm32 target installed.
func (b *builder) hasWasmTarget(rustc string) bool {
	out, err := exec.CommandContext(b.ctx, rustc, "--print", "target-libdir", "--target", wasmTarget).Output()
	if err != nil {
		return false
	}
	entries, err := os.ReadDir(strings.TrimSpace(string(out)))
	return err == nil && len(entries) > 0
}

func (b *builder) cargoBuild(cargo string) error {
	// --offline: the SDK is a path dependency; nothing is to be fetched.
	if err := b.run(nil, cargo, "build", "--release", "--offline", "--target", wasmTarget); err != nil {
		return err
	}
	name, err := crateName(filepath.Join(b.dir, "Cargo.toml"))
	if err != nil {
		return err
	}
	built := filepath.Join(b.dir, "target", wasmTarget, "release", strings.ReplaceAll(name, "-", "_")+".wasm")
	body, err := os.ReadFile(built)
	if err != nil {
		return fmt.Errorf("cargo built no %s: %w", built, err)
	}
	return os.WriteFile(filepath.Join(b.dir, Module), body, 0o644)
}

// rustcBuild is the build without cargo: the SDK as an rlib, then the
// crate as a cdylib linked against it, as sdk/rust's README shows.
func (b *builder) rustcBuild(rustc string) error {
	tmp, err := os.MkdirTemp("", "benthos-wasm-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rlib := filepath.Join(tmp, "libbenthos_wasm_sdk.rlib")
	if err := b.run(nil, rustc, "--edition", "2021", "--target", wasmTarget, "-O", "--crate-type=rlib",
		"--crate-name", "benthos_wasm_sdk", "-o", rlib, "sdk/rust/src/lib.rs"); err != nil {
		return err
	}
	return b.run(nil, rustc, "--edition", "2021", "--target", wasmTarget, "-O", "-C", "strip=debuginfo",
		"--crate-type=cdylib", "--crate-name", "guest", "-L", "dependency="+tmp,
		"--extern", "benthos_wasm_sdk="+rlib, "-o", Module, "src/lib.rs")
}

// crateName reads [package] name from a Cargo.toml, enough TOML for the one
// init writes and hand edits of it.
func crateName(cargoToml string) (string, error) {
	b, err := os.ReadFile(cargoToml)
	if err != nil {
		return "", err
	}
	inPackage := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inPackage = line == "[package]"
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && inPackage && strings.TrimSpace(k) == "name" {
			return strings.Trim(strings.TrimSpace(v), `"'`), nil
		}
	}
	return "", fmt.Errorf("%s has no [package] name", cargoToml)
}
