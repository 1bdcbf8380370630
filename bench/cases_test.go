package bench_test

import (
	"slices"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/bench"
)

// The Bloblang and native rows do what the guest functions do (checked here
// against the C guest; processor/conformance_test.go holds every guest
// language to the same results, and the benchmarks check each row again
// before timing it). Compiling the Go guest under the race detector would
// take most of a minute, so it is left to the benchmarks.
func TestBaselinesDoWhatTheGuestsDo(t *testing.T) {
	for _, c := range bench.Cases() {
		for _, impl := range []bench.Impl{bench.C, bench.WAT, bench.Bloblang, bench.Native} {
			if !slices.Contains(bench.PerMessageImpls(c), impl) {
				continue
			}
			t.Run(bench.Row{Case: c, Impl: impl}.Name(), func(t *testing.T) {
				if !setup.Has(c, impl) {
					t.Skipf("no module %s", setup.ModulePath(c, impl))
				}
				if err := bench.Check(setup, c, impl); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
