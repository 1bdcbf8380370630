package migrate

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden files from the current output:
// go test ./migrate -run TestGolden -update
var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// goldenCase is one directory of testdata/: the connector config
// (connector.properties or connector.json) and what migrating it gives:
// want.yaml (stdout), want.stderr and want.status (the exit status).
type goldenCase struct {
	Name  string // the directory's name
	Dir   string // the directory
	Input string // the config file's name in Dir
}

// goldenCases lists testdata/'s cases; cmd/benthos-wasm's tests run the
// binary over the same files.
func goldenCases(t *testing.T, testdata string) []goldenCase {
	t.Helper()
	dirs, err := os.ReadDir(testdata)
	require.NoError(t, err)
	var cases []goldenCase
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(testdata, d.Name())
		input := "connector.properties"
		if _, err := os.Stat(filepath.Join(dir, "connector.json")); err == nil {
			input = "connector.json"
		}
		cases = append(cases, goldenCase{Name: d.Name(), Dir: dir, Input: input})
	}
	require.GreaterOrEqual(t, len(cases), 10)
	return cases
}

// outcome is what `benthos-wasm migrate kafka-connect INPUT` prints and
// returns, run in the case's directory.
func outcome(input string) (stdout, stderr string, status int) {
	res, err := Run(input)
	if err != nil {
		return "", err.Error() + "\n", 1
	}
	if len(res.Omissions) > 0 {
		return string(res.YAML), res.Report(input), 3
	}
	return string(res.YAML), "", 0
}

func TestGoldenMigrations(t *testing.T) {
	for _, c := range goldenCases(t, "testdata") {
		t.Run(c.Name, func(t *testing.T) {
			t.Chdir(c.Dir)
			stdout, stderr, status := outcome(c.Input)
			if *update {
				writeGolden(t, "want.yaml", stdout)
				writeGolden(t, "want.stderr", stderr)
				writeGolden(t, "want.status", strconv.Itoa(status)+"\n")
			}
			assert.Equal(t, readGolden(t, "want.yaml"), stdout, "stdout")
			assert.Equal(t, readGolden(t, "want.stderr"), stderr, "stderr")
			assert.Equal(t, strings.TrimSpace(readGolden(t, "want.status")), strconv.Itoa(status), "exit status")
			// Omissions are listed in the YAML too, and only when there are some.
			if status == 3 {
				assert.Contains(t, stdout, "NOT TRANSLATED")
			} else {
				assert.NotContains(t, stdout, "NOT TRANSLATED")
			}
		})
	}
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return string(b)
}

// writeGolden writes a golden file, or removes it when it would be empty.
func writeGolden(t *testing.T, name, content string) {
	t.Helper()
	if content == "" {
		if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
			require.NoError(t, err)
		}
		return
	}
	require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
}
