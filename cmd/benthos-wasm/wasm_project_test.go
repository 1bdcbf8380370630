package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runIn runs the binary in dir with env added; it returns stdout and
// stderr together, and the exit status.
func runIn(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	stdout, stderr, status := runBinary(t, dir, env, "", args...)
	return stdout + stderr, status
}

// A guest author's first minutes, in each language, from a clean directory:
// init, build, run three records, and the generated pipeline's tests.
func TestWasmInitBuildRunAndTestInEveryLanguage(t *testing.T) {
	// asc comes from npm: the repository's copy stands in for the
	// project's `npm install` (scripts/install-deps.sh and testdata/build.sh
	// install it).
	asc, err := filepath.Abs(filepath.Join(repoRoot, "sdk", "assemblyscript", "node_modules", ".bin"))
	require.NoError(t, err)
	env := []string{"PATH=" + asc + string(os.PathListSeparator) + os.Getenv("PATH")}
	for _, lang := range []string{"go", "rust", "c", "assemblyscript"} {
		t.Run(lang, func(t *testing.T) {
			work := t.TempDir()
			out, status := runIn(t, work, env, "wasm", "init", "--lang", lang, "upper")
			require.Equal(t, 0, status, out)
			assert.Contains(t, out, "wrote ")
			assert.Contains(t, out, "benthos-wasm wasm build")
			project := filepath.Join(work, "upper")

			out, status = runIn(t, project, env, "wasm", "build")
			require.Equal(t, 0, status, out)
			assert.Contains(t, out, "built guest.wasm (")

			in := `{"value":"hello","topic":"orders"}` + "\n" + `{"key":"k","value":"Mixed Case 1"}` + "\n" + `{"value":""}` + "\n"
			lines, stderr, status := wasmRunIn(t, project, in, "guest.wasm", "--function", "to_upper")
			require.Equal(t, 0, status, stderr)
			require.Len(t, lines, 3)
			header := map[string]any{"processed-by": "upper"}
			assert.Equal(t, map[string]any{"input": 1.0, "value": "HELLO", "topic": "orders", "headers": header}, lines[0])
			assert.Equal(t, map[string]any{"input": 2.0, "key": "k", "value": "MIXED CASE 1", "headers": header}, lines[1])
			assert.Equal(t, map[string]any{"input": 3.0, "value": "", "headers": header}, lines[2])

			out, status = runIn(t, project, env, "test", "pipeline.yaml")
			require.Equal(t, 0, status, out)
			assert.Contains(t, out, "Test 'pipeline.yaml' succeeded")
		})
	}
}

// wasmRunIn is wasmRun on a module of dir (wasmRun runs from the
// repository root, so the module is given by its absolute path).
func wasmRunIn(t *testing.T, dir, stdin string, args ...string) ([]map[string]any, string, int) {
	t.Helper()
	abs := append([]string{filepath.Join(dir, args[0])}, args[1:]...)
	return wasmRun(t, stdin, abs...)
}

func TestWasmInitAndBuildRefuseBadInput(t *testing.T) {
	work := t.TempDir()
	out, status := runIn(t, work, nil, "wasm", "init", "--lang", "cobol", "p")
	assert.Equal(t, 1, status)
	assert.Contains(t, out, `wasm init: unknown language "cobol": choose one of assemblyscript, c, go, rust`)
	_, err := os.Stat(filepath.Join(work, "p"))
	assert.True(t, os.IsNotExist(err), "nothing is written for an unknown language")

	require.NoError(t, os.MkdirAll(filepath.Join(work, "mine"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "mine", "notes.txt"), []byte("keep"), 0o644))
	out, status = runIn(t, work, nil, "wasm", "init", "--lang", "go", "mine")
	assert.Equal(t, 1, status)
	assert.Contains(t, out, "wasm init: mine is not empty (it holds notes.txt)")
	b, err := os.ReadFile(filepath.Join(work, "mine", "notes.txt"))
	require.NoError(t, err)
	assert.Equal(t, "keep", string(b))

	out, status = runIn(t, work, nil, "wasm", "init", "p")
	assert.NotEqual(t, 0, status)
	assert.Contains(t, out, `"lang"`)

	out, status = runIn(t, work, nil, "wasm", "build", "mine")
	assert.Equal(t, 1, status)
	assert.Contains(t, out, "wasm build: mine is not a project `benthos-wasm wasm init` made")

	out, status = runIn(t, work, []string{"PATH=" + t.TempDir()}, "wasm", "init", "--lang", "c", "cproj")
	require.Equal(t, 0, status, out)
	out, status = runIn(t, filepath.Join(work, "cproj"), []string{"PATH=" + t.TempDir()}, "wasm", "build")
	assert.Equal(t, 1, status)
	assert.Contains(t, out, "wasm build: clang is not installed (not found on PATH): install clang and lld (Debian: apt-get install clang lld)")
}

// firstTransformBlock is the shell block of the README's "Your first
// transform in five minutes", marked by the comment before it.
func firstTransformBlock(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "<!-- first-transform")
	require.True(t, ok, "README.md has the first-transform block")
	_, rest, ok = strings.Cut(rest, "```sh\n")
	require.True(t, ok)
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	require.Contains(t, block, "--lang go ")
	return block
}

// The README's first steps, run as written for each language, so that the
// page cannot go stale.
func TestTheFirstTransformSectionRuns(t *testing.T) {
	block := firstTransformBlock(t)
	asc, err := filepath.Abs(filepath.Join(repoRoot, "sdk", "assemblyscript", "node_modules", ".bin"))
	require.NoError(t, err)
	path := filepath.Dir(binary) + string(os.PathListSeparator) + asc + string(os.PathListSeparator) + os.Getenv("PATH")
	for _, lang := range []string{"go", "rust", "c", "assemblyscript"} {
		t.Run(lang, func(t *testing.T) {
			script := "set -euo pipefail\n" + strings.Replace(block, "--lang go ", "--lang "+lang+" ", 1)
			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "PATH="+path)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "the README's block fails for %s:\n%s", lang, out)
			text := string(out)
			assert.Contains(t, text, `{"input":1,"key":"k1","value":"HELLO","headers":{"processed-by":"upper"},"topic":"orders"}`)
			assert.Contains(t, text, "Test 'pipeline.yaml' succeeded")
			_, afterTests, _ := strings.Cut(text, "Test 'pipeline.yaml' succeeded")
			assert.Contains(t, afterTests, "HELLO", "the pipeline upper-cases standard input")
		})
	}
}
