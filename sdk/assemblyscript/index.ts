// Package entry: asc resolves `import ... from "@benthos-wasm/sdk"` to this file.
export * from "./assembly/index";
