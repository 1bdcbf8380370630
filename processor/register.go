package processor

import "github.com/redpanda-data/benthos/v4/public/service"

// The benthos-wasm binary, and any build that imports this package, gets
// wasm_smt in Benthos's global environment.
func init() {
	if err := Register(service.GlobalEnvironment()); err != nil {
		panic(err)
	}
}

// Register adds the wasm_smt processor to env, for programs that build
// streams from an environment of their own (service.NewEnvironment or
// service.NewEmptyEnvironment) rather than the global one.
func Register(env *service.Environment) error {
	return env.RegisterBatchProcessor("wasm_smt", wasmSMTSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchProcessor, error) {
			return newWasmSMT(conf, mgr)
		})
}
