package migrate

import (
	"fmt"
	"strings"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// wasmTransformerClass is the Kafka Connect Wasm transformer, whose host ABI
// the wasm_smt processor implements: its modules run unmodified.
const wasmTransformerClass = "com.github.lburgazzoli.kafka.transformer.wasm.WasmTransformer"

// wasmSMT translates a WasmTransformer into a wasm_smt processor.
func (t *translator) wasmSMT(prefix string) (*obj, string, error) {
	module, err := t.required(prefix + "module.path")
	if err != nil {
		return nil, "", err
	}
	function, err := t.required(prefix + "function.name")
	if err != nil {
		return nil, "", err
	}
	fields := newObj().
		set("module_path", str(module), "").
		set("function", str(function), "")
	var notes []string
	for _, conv := range []struct{ prop, field string }{
		{"key.converter", "key_converter"},
		{"value.converter", "value_converter"},
		{"header.converter", "header_converter"},
	} {
		class := normalizeClass(t.c.str(prefix+conv.prop, ""))
		if class == "" {
			continue
		}
		c, err := codec.Lookup(class)
		if err != nil {
			t.omit(prefix+conv.prop, "converter %s has no wasm_smt equivalent (bytes, string, json); the default, bytes, is used", class)
			continue
		}
		fields.set(conv.field, str(c.Name()), "")
		if c.Name() != class {
			notes = append(notes, fmt.Sprintf("%s %s is %s", conv.prop, class[strings.LastIndex(class, ".")+1:], c.Name()))
		}
	}
	comment := "The Wasm module runs unmodified: wasm_smt implements the WasmTransformer's host ABI."
	if len(notes) > 0 {
		comment += "\nConverters: " + strings.Join(notes, "; ") + "."
	}
	return fields, comment, nil
}
