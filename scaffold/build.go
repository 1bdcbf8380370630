package scaffold

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// MissingToolError is a build tool that is not installed, with how to
// install it.
type MissingToolError struct {
	Tool    string // what is missing, as a user would name it
	Install string // how to get it
}

func (e *MissingToolError) Error() string {
	return e.Tool + " is not installed (not found on PATH): " + e.Install
}

// Detect tells the language of the project in dir by its marker file.
func Detect(dir string) (Language, error) {
	for _, name := range []string{"rust", "go", "assemblyscript", "c"} {
		l := languages[name]
		if _, err := os.Stat(filepath.Join(dir, l.marker)); err == nil {
			return l, nil
		}
	}
	return Language{}, fmt.Errorf("%s is not a project `benthos-wasm wasm init` made: it has no Cargo.toml, go.mod, package.json or guest.c", dir)
}

// Build builds the project in dir into dir/guest.wasm with its language's
// toolchain, writing the commands it runs and their output to log. It
// returns the module's path.
func Build(ctx context.Context, dir string, log io.Writer) (string, error) {
	l, err := Detect(dir)
	if err != nil {
		return "", err
	}
	b := &builder{ctx: ctx, dir: dir, log: log, distRustc: distRustc}
	switch l.Name {
	case "go":
		err = b.goBuild()
	case "rust":
		err = b.rustBuild()
	case "c":
		err = b.cBuild()
	case "assemblyscript":
		err = b.ascBuild()
	}
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, Module)
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("the %s build ran but left no %s: %w", l.Title, out, err)
	}
	return out, nil
}

// builder runs one project's build commands.
type builder struct {
	ctx       context.Context
	dir       string
	log       io.Writer
	distRustc string // the distribution's rustc (tests hide it)
}

// run runs a command in the project directory, showing it and its output.
func (b *builder) run(env []string, name string, args ...string) error {
	shown := append(append(append([]string{}, env...), name), args...)
	fmt.Fprintf(b.log, "$ %s\n", strings.Join(shown, " "))
	cmd := exec.CommandContext(b.ctx, name, args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = b.log, b.log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s failed: %w (its output is above)", filepath.Base(name), err)
	}
	return nil
}

// lookPath finds a tool or says how to install it.
func lookPath(tool, install string) (string, error) {
	p, err := exec.LookPath(tool)
	if err != nil {
		return "", &MissingToolError{Tool: tool, Install: install}
	}
	return p, nil
}

func (b *builder) goBuild() error {
	goTool, err := lookPath("go", "install Go 1.24 or later (https://go.dev/dl/, or your package manager)")
	if err != nil {
		return err
	}
	// GOWORK=off: a go.work above the project must not pull it into
	// another workspace.
	return b.run([]string{"GOOS=wasip1", "GOARCH=wasm", "GOWORK=off"}, goTool, "build", "-buildmode=c-shared", "-o", Module, ".")
}

func (b *builder) cBuild() error {
	clang, err := lookPath("clang", "install clang and lld (Debian: apt-get install clang lld)")
	if err != nil {
		return err
	}
	if _, err := lookPath("wasm-ld", "install lld, which clang links WebAssembly with (Debian: apt-get install lld)"); err != nil {
		return err
	}
	sources, err := filepath.Glob(filepath.Join(b.dir, "*.c"))
	if err != nil {
		return err
	}
	args := []string{"--target=wasm32", "-O2", "-nostdlib", "-Wall", "-Wl,--no-entry", "-o", Module}
	for _, s := range sources {
		args = append(args, filepath.Base(s))
	}
	return b.run(nil, clang, args...)
}

func (b *builder) ascBuild() error {
	if _, err := lookPath("node", "install Node.js 20 or later (https://nodejs.org/, or your package manager)"); err != nil {
		return err
	}
	asc := filepath.Join(b.dir, "node_modules", ".bin", "asc")
	if _, err := os.Stat(asc); err != nil {
		if asc, err = exec.LookPath("asc"); err != nil {
			return &MissingToolError{Tool: "asc (the AssemblyScript compiler)", Install: "run `npm install` in " + b.dir + " (package.json lists it)"}
		}
	}
	return b.run(nil, asc, "assembly/index.ts", "--baseDir", ".", "-O3", "--runtime", "incremental",
		"--use", "abort=sdk/assemblyscript/assembly/memory/abortLog", "-o", Module)
}
