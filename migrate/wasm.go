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
	registry := false
	for _, conv := range []struct{ part, prop, field string }{
		{"key", "key.converter", "key_converter"},
		{"value", "value.converter", "value_converter"},
		{"header", "header.converter", "header_converter"},
	} {
		class := canonicalConverter(normalizeClass(t.c.str(prefix+conv.prop, "")))
		if pc := t.conv[conv.part]; t.sink && pc.schemaAware() && pc.decoded {
			// The connector's converter decodes the part before the
			// transform sees it: wasm_smt's converter does both.
			fields.set(conv.field, str(pc.name), "")
			registry = registry || pc.reg != nil
			note := fmt.Sprintf("%s %s (the connector's) is %s: the guest reads the decoded %s as plain JSON (docs/SCHEMAS.md)", pc.prop, simpleName(pc.class), pc.name, conv.part)
			if pc.schemasDefault {
				note += fmt.Sprintf(" (%s.schemas.enable is not set: Kafka Connect's default is true, an envelope; the worker's settings do not apply to a converter the connector names)", pc.prop)
			}
			notes = append(notes, note)
			if class != jsonConverter {
				own := "ByteArrayConverter (not set: the WasmTransformer's default)"
				if class != "" {
					own = simpleName(class)
				}
				t.omit(prefix+conv.prop, "%s: Kafka Connect would hand the guest the decoded %s through it, and it cannot carry a decoded record (ByteArrayConverter fails on it, StringConverter gives its Java text); here the guest reads the %s as plain JSON (%s: %s)", own, conv.part, conv.part, conv.field, pc.name)
			}
			continue
		}
		if pc := t.conv[conv.part]; t.sink && pc.schemaAware() {
			// Not decoded (an omission says why): the guest gets the bytes.
			continue
		}
		if class == "" {
			continue
		}
		if codec.IsSchemaAware(class) {
			t.omit(prefix+conv.prop, "the WasmTransformer makes its converters without configuring them, so %s has no schema registry there; the connector's %s is what decodes the %s (the default, bytes, is used)", simpleName(class), conv.prop, conv.part)
			continue
		}
		c, err := codec.Lookup(class)
		if err != nil {
			t.omit(prefix+conv.prop, "converter %s has no wasm_smt equivalent (bytes, string, json); the default, bytes, is used", class)
			continue
		}
		fields.set(conv.field, str(c.Name()), "")
		if c.Name() != class {
			notes = append(notes, fmt.Sprintf("%s %s is %s", conv.prop, simpleName(class), c.Name()))
		}
	}
	if registry {
		fields.set("schema_registry", t.registry.node(), t.registry.comment())
	}
	comment := "The Wasm module runs unmodified: wasm_smt implements the WasmTransformer's host ABI."
	if len(notes) > 0 {
		comment += "\nConverters: " + strings.Join(notes, "; ") + "."
	}
	return fields, comment, nil
}
