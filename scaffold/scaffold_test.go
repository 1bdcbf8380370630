package scaffold

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SDKs inside the binary are the repository's: a change to sdk/ without
// `go generate ./scaffold` fails here.
func TestTheEmbeddedSDKsAreTheRepositorys(t *testing.T) {
	packed, err := PackSDK("../sdk")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(packed, sdkTar), "scaffold/sdk.tar differs from sdk/: run go generate ./scaffold")
}

func TestInitWritesAProjectWithItsSDK(t *testing.T) {
	for _, lang := range LanguageNames() {
		dir := filepath.Join(t.TempDir(), "My Guest")
		files, err := Init(dir, lang)
		require.NoError(t, err, lang)
		assert.Contains(t, files, "pipeline.yaml")
		assert.Contains(t, files, "README.md")
		assert.Contains(t, files, ".gitignore")
		assert.Contains(t, files, languages[lang].marker)
		var sdk int
		for _, f := range files {
			if filepath.Dir(f) != "." && filepath.HasPrefix(f, "sdk/"+lang+"/") {
				sdk++
			}
			_, err := os.Stat(filepath.Join(dir, f))
			assert.NoError(t, err, f)
		}
		assert.Positive(t, sdk, "%s: the SDK is written into the project", lang)
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		require.NoError(t, err)
		assert.Contains(t, string(readme), "# my-guest", "the name is the directory's, made fit for the build tools")
		pipeline, err := os.ReadFile(filepath.Join(dir, "pipeline.yaml"))
		require.NoError(t, err)
		assert.Contains(t, string(pipeline), "processed-by: my-guest")
	}
}

func TestInitRefusesWhatItCannotDo(t *testing.T) {
	_, err := Init(t.TempDir(), "cobol")
	assert.EqualError(t, err, `unknown language "cobol": choose one of assemblyscript, c, go, rust`)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("mine"), 0o644))
	_, err = Init(dir, "go")
	require.Error(t, err)
	assert.Contains(t, err.Error(), dir+" is not empty (it holds main.go)")
	b, _ := os.ReadFile(filepath.Join(dir, "main.go"))
	assert.Equal(t, "mine", string(b), "nothing is overwritten")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "nothing is added either")

	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = Init(file, "c")
	require.Error(t, err)
	assert.Contains(t, err.Error(), file+" is a file, not a directory")
}

func TestProjectNameFitsEveryBuildTool(t *testing.T) {
	for in, want := range map[string]string{
		"upper": "upper", "My Guest": "my-guest", "9lives": "guest-9lives", "--": "guest", "a.b_c": "a-b_c",
	} {
		assert.Equal(t, want, projectName(in), in)
	}
}

func TestBuildSaysWhatIsMissing(t *testing.T) {
	_, err := Build(context.Background(), t.TempDir(), &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a project `benthos-wasm wasm init` made")

	t.Setenv("PATH", t.TempDir()) // no tool at all
	t.Setenv("RUSTC", "")
	for lang, want := range map[string]string{
		"go":             "go is not installed (not found on PATH): install Go 1.24 or later",
		"c":              "clang is not installed (not found on PATH): install clang and lld",
		"assemblyscript": "node is not installed (not found on PATH): install Node.js 20 or later",
	} {
		dir := filepath.Join(t.TempDir(), "p")
		_, err := Init(dir, lang)
		require.NoError(t, err)
		_, err = Build(context.Background(), dir, &bytes.Buffer{})
		var missing *MissingToolError
		require.True(t, errors.As(err, &missing), "%s: %v", lang, err)
		assert.Contains(t, err.Error(), want, lang)
	}

	dir := filepath.Join(t.TempDir(), "p")
	_, err = Init(dir, "rust")
	require.NoError(t, err)
	b := &builder{ctx: context.Background(), dir: dir, log: &bytes.Buffer{}, distRustc: filepath.Join(t.TempDir(), "rustc")}
	err = b.rustBuild()
	assert.EqualError(t, err, "a Rust compiler with the wasm32-unknown-unknown target is not installed (not found on PATH): "+
		"rustup target add wasm32-unknown-unknown (then cargo builds), or on Debian: apt-get install rustc libstd-rust-dev-wasm32 "+
		"(then rustc builds; Debian's own cargo is not needed)")
}

func TestCrateNameReadsThePackageName(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Cargo.toml")
	require.NoError(t, os.WriteFile(p, []byte("[lib]\nname = \"x\"\n[package]\nversion = \"1\"\nname = \"my-guest\"\n"), 0o644))
	name, err := crateName(p)
	require.NoError(t, err)
	assert.Equal(t, "my-guest", name)
}
