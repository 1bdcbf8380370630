package processor

import "github.com/redpanda-data/benthos/v4/public/service"

func init() {
	err := service.RegisterBatchProcessor("wasm_smt", wasmSMTSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchProcessor, error) {
			return newWasmSMT(conf, mgr)
		})
	if err != nil {
		panic(err)
	}
}
