//go:build !wasip1

// Command go is the Data Transforms conformance guest (see main.go). Built
// natively it only runs its tests: the host functions exist only in Wasm.
package main

func main() { panic("build with GOOS=wasip1 GOARCH=wasm") }
