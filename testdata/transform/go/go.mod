module github.com/benthos-wasm/benthos-wasm/testdata/transform/go

go 1.24
