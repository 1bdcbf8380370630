package bench

import (
	"testing"
	"time"
)

// The metrics the benchmarks report besides ns/op.
const (
	CPUPerOp  = "cpu-ns/op"  // process CPU time per op (per message for PerMessage)
	PerMsg    = "ns/msg"     // wall time per message of a pipeline run
	CPUPerMsg = "cpu-ns/msg" // process CPU time per message of a pipeline run
)

// cpuMeter adds up the process's CPU time over the timed parts of a
// benchmark, to report it per op (or per message) beside the wall time.
type cpuMeter struct {
	start time.Duration
	total time.Duration
	ok    bool
}

func (m *cpuMeter) begin() { m.start, m.ok = cpuTime() }

func (m *cpuMeter) end() {
	if now, ok := cpuTime(); ok && m.ok {
		m.total += now - m.start
	} else {
		m.ok = false
	}
}

// report reports the CPU time per unit under the given metric name, such as
// cpu-ns/op, when the platform measures it.
func (m *cpuMeter) report(b *testing.B, units float64, metric string) {
	if m.ok && units > 0 {
		b.ReportMetric(float64(m.total.Nanoseconds())/units, metric)
	}
}
