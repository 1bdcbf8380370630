package scaffold

import (
	"fmt"
	"sort"
	"strings"
)

// Language is a guest language a project can be made in.
type Language struct {
	// Name is what --lang takes: go, rust, c or assemblyscript.
	Name string
	// Title is how the docs name it.
	Title string
	// marker is the file that tells a project of this language.
	marker string
	// files say what each of the language's own files is, for the README.
	files []fileNote
	// buildLine is the command `wasm build` runs, as the README shows it.
	buildLine string
	// toolchain is the README's note on the tools the build needs.
	toolchain string
}

type fileNote struct{ Path, About string }

// languages are the four SDK languages, by name.
var languages = map[string]Language{
	"go": {
		Name: "go", Title: "Go", marker: "go.mod",
		files: []fileNote{
			{"main.go", "the guest: one exported function"},
			{"go.mod", "the module; the SDK is replaced by `./sdk/go`"},
		},
		buildLine: "GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o guest.wasm .",
		toolchain: "\nIt needs Go 1.24 or later. `-buildmode=c-shared` matters: without it the module runs `main`\nand exits, and the host refuses it.\n",
	},
	"rust": {
		Name: "rust", Title: "Rust", marker: "Cargo.toml",
		files: []fileNote{
			{"src/lib.rs", "the guest: one exported function"},
			{"Cargo.toml", "the crate (a cdylib); the SDK is a path dependency, `sdk/rust`"},
		},
		buildLine: "cargo build --release --target wasm32-unknown-unknown, or rustc",
		toolchain: "\nWhere `cargo` has the `wasm32-unknown-unknown` target (`rustup target add wasm32-unknown-unknown`),\n" +
			"`wasm build` runs `cargo build --release --target wasm32-unknown-unknown` and copies the module to\n" +
			"`guest.wasm`. Where it has not, it builds with a `rustc` that has the target, such as Debian's\n" +
			"(`apt-get install rustc libstd-rust-dev-wasm32`): the SDK as an rlib, then `src/lib.rs` as a cdylib.\n",
	},
	"c": {
		Name: "c", Title: "C", marker: "guest.c",
		files: []fileNote{
			{"guest.c", "the guest: one exported function"},
		},
		buildLine: "clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o guest.wasm guest.c",
		toolchain: "\nIt needs clang and wasm-ld (Debian: `apt-get install clang lld`). No libc: the SDK header has\neverything the guest needs.\n",
	},
	"assemblyscript": {
		Name: "assemblyscript", Title: "AssemblyScript", marker: "package.json",
		files: []fileNote{
			{"assembly/index.ts", "the guest: one exported function, and the SDK's allocator"},
			{"package.json", "the AssemblyScript compiler, as a dev dependency"},
		},
		buildLine: "asc assembly/index.ts -O3 --runtime incremental --use abort=... -o guest.wasm",
		toolchain: "\nIt needs the AssemblyScript compiler: `npm install` here (Node.js 20 or later). `--use abort=`\n" +
			"routes AssemblyScript's aborts to the SDK, which logs the message and traps, instead of importing\n" +
			"`env.abort`, which the host does not provide.\n",
	},
}

// LanguageNames lists the languages init takes, in order.
func LanguageNames() []string {
	names := make([]string, 0, len(languages))
	for n := range languages {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lookupLanguage finds a language by name (any case).
func lookupLanguage(name string) (Language, error) {
	l, ok := languages[strings.ToLower(name)]
	if !ok {
		return Language{}, fmt.Errorf("unknown language %q: choose one of %s", name, strings.Join(LanguageNames(), ", "))
	}
	return l, nil
}
