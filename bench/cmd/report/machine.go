package main

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// machine describes where the report was measured.
type machine struct {
	cpu        string
	cores      int
	gomaxprocs int
	goVersion  string
	platform   string
	date       string
	deps       string // versions of Benthos and wazero
	loadBefore string
	loadAfter  string
}

func describeMachine() machine {
	return machine{
		cpu:        cpuModel(),
		cores:      runtime.NumCPU(),
		gomaxprocs: runtime.GOMAXPROCS(0),
		goVersion:  runtime.Version(),
		platform:   runtime.GOOS + "/" + runtime.GOARCH,
		date:       time.Now().UTC().Format("2006-01-02 15:04 MST"),
		deps:       dependencyVersions(),
		loadBefore: loadAverage(),
	}
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the 1, 5 and 15 minute load of /proc/loadavg: other work
// on the machine shows up in every figure.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func dependencyVersions() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var vs []string
	for _, d := range info.Deps {
		switch d.Path {
		case "github.com/redpanda-data/benthos/v4", "github.com/tetratelabs/wazero":
			vs = append(vs, d.Path+" "+d.Version)
		}
	}
	return strings.Join(vs, ", ")
}
