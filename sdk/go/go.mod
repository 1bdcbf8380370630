module github.com/benthos-wasm/benthos-wasm/sdk/go

go 1.24
