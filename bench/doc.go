// Package bench measures what wasm_smt costs a Benthos pipeline, next to the
// same work done by a Bloblang mapping and by a native Go processor: per
// message through Benthos's processor wrapper, in a real stream (throughput,
// threads, batch sizes), with and without a timeout, and at start-up with a
// cold and a warm compilation cache.
//
// The measurements are plain functions of a *testing.B, so the benchmarks in
// bench_test.go (go test ./bench -bench . -benchmem) and the report program
// in cmd/report (bench/run.sh) run exactly the same code. Times depend on the
// machine; the ratios between rows measured in the same run are the claim.
//
// bench/roundtrip.sh measures outside Go's benchmark harness: whole
// benthos-wasm processes (generate -> processor -> drop, a million messages
// of 1 KiB in batches of 64), each timed by its CPU time, to give what a
// value round trip through a guest adds to a real process, the garbage
// collector and Benthos's own per-processor work included. With BEFORE=<rev>
// it measures another revision's binary in the same interleaved rounds.
package bench
