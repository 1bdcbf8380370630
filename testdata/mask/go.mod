module github.com/benthos-wasm/benthos-wasm/testdata/mask

go 1.24

require github.com/benthos-wasm/benthos-wasm/sdk/go v0.0.0

replace github.com/benthos-wasm/benthos-wasm/sdk/go => ../../sdk/go
