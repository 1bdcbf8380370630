package main

import "runtime/debug"

// Version and Date are what --version prints. Release builds may set them
// with -ldflags "-X main.Version=v1.2.3 -X main.Date=2026-11-28"; left
// empty, they come from the build information Go stamps into the binary.
var (
	Version string
	Date    string
)

// versionAndDate returns what --version prints: Version and Date when set
// at link time, else the module version with the VCS revision it was built
// from (and whether the tree had uncommitted changes), and the commit time.
//
// Go stamps the revision only when it builds inside a git checkout with
// -buildvcs on (the default, auto): not from a module download, not with
// -buildvcs=false, and not in a linked git worktree (golang/go#58218).
// Then the version is the module's, "(devel)" for a local build, and the
// date "unknown".
func versionAndDate(info *debug.BuildInfo, ok bool) (version, date string) {
	version, date = Version, Date
	if !ok {
		return orUnknown(version), orUnknown(date)
	}
	var revision, modified, vcsTime string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			vcsTime = s.Value
		}
	}
	if version == "" {
		version = info.Main.Version
		if revision != "" {
			changes := ""
			if modified == "true" {
				changes = ", with uncommitted changes"
			}
			version += " (revision " + revision + changes + ")"
		}
	}
	if date == "" {
		date = vcsTime
	}
	return orUnknown(version), orUnknown(date)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
