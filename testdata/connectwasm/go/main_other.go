//go:build !wasip1

// Command go is a Redpanda Connect `wasm` processor module (see main.go).
// Built natively it only runs its tests: the host functions exist only in Wasm.
package main

func main() { panic("build with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared") }
