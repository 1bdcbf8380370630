// Command report measures wasm_smt against Bloblang and native Go processors
// (the measurements of package bench, through testing.Benchmark) and prints
// one Markdown report: the machine, per-message cost, pipeline throughput,
// the cost of the timeout, start-up, and the performance targets. Progress
// goes to stderr. Run it from the repository (bench/run.sh does).
package main

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

func main() {
	testing.Init() // registers -test.benchtime, which each task sets
	quick := flag.Bool("quick", false, "tiny counts and one round: checks that everything runs, judges nothing")
	rounds := flag.Int("rounds", 3, "samples per measurement; the report shows the median")
	out := flag.String("out", "", "also write the report to this file")
	flag.Parse()
	if err := run(*quick, *rounds, *out); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(quick bool, rounds int, out string) error {
	if rounds < 1 {
		return fmt.Errorf("-rounds must be 1 or more, got %d", rounds)
	}
	s, cleanup, err := bench.NewSetup()
	if err != nil {
		return err
	}
	defer cleanup()
	st := newSettings(quick, rounds)
	m := describeMachine()
	res := measureAll(tasks(s, st), st.rounds)
	m.loadAfter = loadAverage()
	r := &report{s: s, st: st, m: m, res: res}
	doc := r.render()
	fmt.Print(doc)
	if out != "" {
		if err := os.WriteFile(out, []byte(doc), 0o644); err != nil {
			return err
		}
	}
	for key, res := range res {
		if res.err != nil && !res.skipped {
			return fmt.Errorf("%s failed: %w", key, res.err)
		}
	}
	return nil
}
