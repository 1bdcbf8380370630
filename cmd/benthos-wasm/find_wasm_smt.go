package main

import (
	"fmt"
	"os"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// wasmSMTUse is one wasm_smt processor found in a config.
type wasmSMTUse struct {
	location   string // the component's path in the config, and its line
	modulePath string
	function   string
	abi        string
}

// findWasmSMT walks a config with Benthos's own config walker, so it finds
// wasm_smt wherever Benthos would build one: pipelines, resources, and
// processors nested in switch, catch, branch and the like.
func findWasmSMT(path string) ([]wasmSMTUse, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	walker := service.GlobalEnvironment().FullConfigSchema("", "").NewStreamConfigWalker()
	var uses []wasmSMTUse
	err = walker.WalkComponentsYAML(raw, func(w *service.WalkedComponent) error {
		if w.ComponentType != "processor" || w.Name != "wasm_smt" {
			return nil
		}
		conf, err := w.ConfigAny()
		if err != nil {
			return err
		}
		fields, _ := conf.(map[string]any)
		if inner, ok := fields["wasm_smt"].(map[string]any); ok {
			fields = inner
		}
		modulePath, _ := fields["module_path"].(string)
		function, _ := fields["function"].(string)
		abiName, ok := fields["abi"].(string)
		if !ok {
			abiName = "auto"
		}
		uses = append(uses, wasmSMTUse{
			abi:        abiName,
			location:   fmt.Sprintf("%s (line %d)", w.Path, w.LineStart),
			modulePath: modulePath,
			function:   function,
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return uses, nil
}
