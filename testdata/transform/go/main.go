//go:build wasip1

// Command go is the Data Transforms conformance guest: a WASI command that
// calls the redpanda_transform host functions exactly as Redpanda's Go
// transform SDK does (see abi.go and loop.go), with its own small copy of
// the payload codec (codec.go). What it does to each record is chosen by
// the environment variable BW_CASE; testdata/FUNCTIONS-peer-abis.md lists
// the cases. Build it with build.sh into testdata/wasm/transform_go.wasm.
package main

func main() {
	t, err := envTransformer()
	if err != nil {
		// Before check_abi_version_2 and the first batch: the program
		// ends with proc_exit(2), as a Go SDK transform failing in main.
		panic(err)
	}
	if usesRegistry(t.name) {
		t.registry = newABIRegistry()
	}
	run(t)
}
