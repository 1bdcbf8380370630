package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// migrateRun runs `benthos-wasm migrate kafka-connect args...` in dir and
// returns stdout, stderr and the exit status.
func migrateRun(t *testing.T, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	return runBinary(t, dir, nil, "", append([]string{"migrate", "kafka-connect"}, args...)...)
}

// runBinary runs the binary in dir with env added and stdin, and returns
// its stdout, its stderr and its exit status.
func runBinary(t *testing.T, dir string, env []string, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		require.NoError(t, err)
	}
	return out.String(), errOut.String(), status
}

func readFileOrEmpty(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return string(b)
}

// requiredEnv matches an environment variable reference without a default.
var requiredEnv = regexp.MustCompile(`\$\{([0-9A-Za-z_.]+)\}`)

// converterField matches a wasm_smt converter field and its value.
var converterField = regexp.MustCompile(`(?m)^\s*(?:key|value|header)_converter: (\S+)$`)

// Every golden case of migrate/testdata, through the binary: the same
// stdout, stderr and exit status, and YAML that passes lint.
func TestMigrateGoldenCasesThroughTheBinary(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "migrate", "testdata", "*"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(dirs), 10)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input := "connector.properties"
			if _, err := os.Stat(filepath.Join(dir, "connector.json")); err == nil {
				input = "connector.json"
			}
			stdout, stderr, status := migrateRun(t, dir, input)
			assert.Equal(t, readFileOrEmpty(t, filepath.Join(dir, "want.yaml")), stdout, "stdout")
			assert.Equal(t, readFileOrEmpty(t, filepath.Join(dir, "want.stderr")), stderr, "stderr")
			assert.Equal(t, strings.TrimSpace(readFileOrEmpty(t, filepath.Join(dir, "want.status"))), strconv.Itoa(status), "exit status")
			if status == 1 {
				assert.Empty(t, stdout, "nothing printed for invalid input")
				assert.True(t, strings.HasPrefix(stderr, input+": "), "the error names the file: %s", stderr)
				return
			}
			// A converter another change adds to wasm_smt: lint refuses it
			// until that change is in this build.
			for _, m := range converterField.FindAllStringSubmatch(stdout, -1) {
				if !slices.Contains(codec.Names(), m[1]) {
					t.Skipf("lint skipped: converter %s is not in this build yet", m[1])
				}
			}
			// Secrets (and config provider ${env:X} references) are
			// environment variables without a default, which lint requires
			// to be set.
			for _, m := range requiredEnv.FindAllStringSubmatch(stdout, -1) {
				t.Setenv(m[1], "set-by-the-test")
			}
			conf := filepath.Join(t.TempDir(), "migrated.yaml")
			require.NoError(t, os.WriteFile(conf, []byte(stdout), 0o600))
			out, err := benthosWasm(t, "lint", conf)
			assert.NoError(t, err, "lint:\n%s\n%s", out, stdout)
		})
	}
}

func TestMigrateUsageAndExitCodes(t *testing.T) {
	_, stderr, status := migrateRun(t, repoRoot)
	assert.Equal(t, 2, status)
	assert.Contains(t, stderr, "usage: benthos-wasm migrate kafka-connect FILE.properties|FILE.json")

	_, _, status = migrateRun(t, repoRoot, "a.properties", "b.properties")
	assert.Equal(t, 2, status)

	_, stderr, status = migrateRun(t, repoRoot, "does/not/exist.properties")
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "does/not/exist.properties")

	help, err := benthosWasm(t, "migrate", "kafka-connect", "--help")
	require.NoError(t, err, help)
	for _, line := range []string{"0  everything was translated", "3  translated with omissions", "1  the file cannot be read", "2  usage error"} {
		assert.Contains(t, help, line)
	}
}

// The example's pipeline is the migrate output of its .properties file, so
// the two cannot drift apart: only the hand-written tests: block is added.
func TestMigratedExampleMatchesTheMigrateOutput(t *testing.T) {
	stdout, stderr, status := migrateRun(t, repoRoot, "config/examples/migrated-kafka-connect.properties")
	require.Equal(t, 0, status, stderr)
	example := readFileOrEmpty(t, filepath.Join(repoRoot, "config", "examples", "migrated-kafka-connect.yaml"))
	generated, tests, found := strings.Cut(example, "\ntests:\n")
	require.True(t, found, "the example ends with a tests: block")
	assert.NotEmpty(t, strings.TrimSpace(tests))
	assert.Equal(t, stdout, generated, "regenerate with: benthos-wasm migrate kafka-connect config/examples/migrated-kafka-connect.properties")
	guide := readFileOrEmpty(t, filepath.Join(repoRoot, "docs", "MIGRATION.md"))
	assert.Contains(t, guide, stdout, "docs/MIGRATION.md's worked example shows the current output")
}
