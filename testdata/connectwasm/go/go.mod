module github.com/benthos-wasm/benthos-wasm/testdata/connectwasm/go

go 1.24
