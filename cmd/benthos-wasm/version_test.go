package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionAndDateComeFromTheBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{
		Main: debug.Module{Version: "v0.0.0-20261128100000-55a906ad1e8d+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "55a906ad1e8d8ead2bc18e9cea889cb54f40d0f6"},
			{Key: "vcs.time", Value: "2026-11-28T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	v, d := versionAndDate(stamped, true)
	assert.Equal(t, "v0.0.0-20261128100000-55a906ad1e8d+dirty (revision 55a906ad1e8d8ead2bc18e9cea889cb54f40d0f6, with uncommitted changes)", v)
	assert.Equal(t, "2026-11-28T10:00:00Z", d)

	stamped.Settings[3].Value = "false"
	v, _ = versionAndDate(stamped, true)
	assert.Equal(t, "v0.0.0-20261128100000-55a906ad1e8d+dirty (revision 55a906ad1e8d8ead2bc18e9cea889cb54f40d0f6)", v)

	// go install ...@v1.2.3: a module version and no VCS information.
	v, d = versionAndDate(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true)
	assert.Equal(t, "v1.2.3", v)
	assert.Equal(t, "unknown", d)

	v, d = versionAndDate(nil, false)
	assert.Equal(t, "unknown", v)
	assert.Equal(t, "unknown", d)
}

func TestVersionAndDateSetAtLinkTimeWin(t *testing.T) {
	Version, Date = "v9.9.9", "2031-01-01"
	t.Cleanup(func() { Version, Date = "", "" })
	v, d := versionAndDate(&debug.BuildInfo{
		Main:     debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.time", Value: "2026-11-28T10:00:00Z"}},
	}, true)
	assert.Equal(t, "v9.9.9", v)
	assert.Equal(t, "2031-01-01", d)
}

// buildBinary links benthos-wasm with extra go build flags; the packages
// are cached from TestMain's build, so this is a link of a few seconds.
func buildBinary(t *testing.T, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "benthos-wasm")
	build := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, ".")...)
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func git(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "TZ=UTC") // for format-local dates, in Go's vcs.time zone
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// Built from a git checkout, --version names the commit it was built from
// and that commit's time.
func TestVersionFlagPrintsTheRevisionBuiltFrom(t *testing.T) {
	revision, err := git(t, "rev-parse", "HEAD")
	if err != nil {
		t.Skip("not built from a git checkout")
	}
	gitDir, _ := git(t, "rev-parse", "--absolute-git-dir")
	commonDir, _ := git(t, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if filepath.Clean(gitDir) != filepath.Clean(commonDir) {
		t.Skip("a linked git worktree: Go stamps no VCS information there (golang/go#58218)")
	}
	commitTime, err := git(t, "-c", "log.showsignature=false", "log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ")
	require.NoError(t, err)

	// -buildvcs=true, not the default auto: in a checkout, a build that
	// cannot stamp fails here instead of printing "unknown". It also
	// overrides a GOFLAGS=-buildvcs=false in the environment.
	bin := buildBinary(t, "-buildvcs=true")
	out, err := exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2, string(out))
	assert.Contains(t, lines[0], "(revision "+revision)
	assert.NotContains(t, lines[0], "0.1.0-dev")
	assert.Equal(t, "Date: "+commitTime, lines[1])
}

func TestVersionFlagPrintsWhatLdflagsSet(t *testing.T) {
	bin := buildBinary(t, "-ldflags", "-X main.Version=v9.9.9-test -X main.Date=2031-01-01")
	out, err := exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "Version: v9.9.9-test\nDate: 2031-01-01\n", string(out))
}

// printedVersion is the version the test binary prints with --version,
// which is also the engine version Benthos hands to tracers and exporters.
func printedVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(binary, "--version").Output()
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(out), "\n")
	version, ok := strings.CutPrefix(first, "Version: ")
	require.True(t, ok, string(out))
	return version
}
