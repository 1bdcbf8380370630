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
package bench
