//go:build !unix

package bench

import "time"

// cpuTime is not measured on this platform: no cpu-ns metrics are reported.
func cpuTime() (time.Duration, bool) { return 0, false }
