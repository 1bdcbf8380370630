package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every wasm_smt field with a wrong type or value is caught, by lint or at
// start-up, with a message that names the field (Benthos's lint names only
// the line for a wrong YAML type; start-up then names the field).
func TestEveryBadFieldIsNamed(t *testing.T) {
	cases := []struct{ field, value string }{
		{"module_path", "[1]"},
		{"module_path", "./nowhere.wasm"},
		{"function", "{a: 1}"},
		{"function", "not_exported"},
		{"key_converter", "avrox"},
		{"value_converter", "5"},
		{"header_converter", "[]"},
		{"key_metadata", "[k]"},
		{"topic_metadata", "kafka_key"},
		{"partition_metadata", "{}"},
		{"timestamp_metadata", `""`},
		{"params", "[x]"},
		{"max_memory_pages", "lots"},
		{"max_memory_pages", "70000"},
		{"max_memory_pages", "1"}, // below the module's declared minimum
		{"timeout", "forever"},
		{"timeout", "-1s"},
		{"max_host_calls", "-5"},
		{"max_host_calls", "many"},
		{"max_call_bytes", "-1"},
		{"max_call_bytes", "1e99x"},
		{"watch", "maybe"},
		{"compilation_cache", "3x"},
		{"compilation_cache_dir", "[x]"},
		{"max_instances", "x"},
		{"max_instances", "-2"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.field+"="+c.value, func(t *testing.T) {
			conf := filepath.Join(dir, fmt.Sprintf("case%d.yaml", i))
			fields := map[string]string{
				"module_path": "./testdata/wasm/go.wasm", "function": "to_upper",
				"compilation_cache": "false",
			}
			fields[c.field] = c.value
			var b strings.Builder
			b.WriteString("input:\n  generate: { count: 1, interval: \"\", mapping: 'root = \"x\"' }\npipeline:\n  processors:\n    - wasm_smt:\n")
			for k, v := range fields {
				fmt.Fprintf(&b, "        %s: %s\n", k, v)
			}
			b.WriteString("output:\n  drop: {}\n")
			if err := os.WriteFile(conf, []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}

			lintOut, lintErr := benthosWasm(t, "lint", conf)
			if lintErr != nil && strings.Contains(lintOut, c.field) {
				return // lint caught it, naming the field
			}
			runOut, runErr := benthosWasm(t, "run", "--chilled", conf)
			assert.Error(t, runErr, "a bad %s must stop the pipeline", c.field)
			assert.True(t, strings.Contains(runOut, c.field),
				"neither lint nor start-up names %s:\nlint: %s\nrun: %s", c.field, lintOut, runOut)
		})
	}
}
