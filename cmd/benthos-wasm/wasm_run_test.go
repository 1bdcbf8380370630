package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wasmRun runs `benthos-wasm wasm run args...` from the repository root
// with stdin, and returns its output lines decoded, its standard error and
// its exit status.
func wasmRun(t *testing.T, stdin string, args ...string) ([]map[string]any, string, int) {
	t.Helper()
	stdout, stderr, status := runBinary(t, repoRoot, nil, stdin, append([]string{"wasm", "run"}, args...)...)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "every output line is a JSON object: %q", l)
		lines = append(lines, m)
	}
	return lines, stderr, status
}

func TestWasmRunPrintsTheRecordsTheFunctionGivesBack(t *testing.T) {
	in := `{"key":"k1","value":"hello","headers":{"trace":"t-1"},"topic":"orders","partition":2,"timestamp":1700000000000}
{"value_base64":"aGk="}

{"value":"at","timestamp":"2023-11-14T22:13:20Z"}
`
	lines, stderr, status := wasmRun(t, in, "testdata/wasm/go.wasm", "--function", "to_upper")
	require.Equal(t, 0, status, stderr)
	require.Len(t, lines, 3)
	assert.Equal(t, map[string]any{"input": 1.0, "key": "k1", "value": "HELLO", "headers": map[string]any{"trace": "t-1"},
		"topic": "orders", "partition": 2.0, "timestamp": 1700000000000.0}, lines[0])
	assert.Equal(t, map[string]any{"input": 2.0, "value": "HI"}, lines[1], "base64 in, text out; the blank line is skipped")
	assert.Equal(t, 1700000000000.0, lines[2]["timestamp"], "RFC 3339 timestamps are read as ms")

	// No value: a tombstone, and it stays one.
	lines, stderr, status = wasmRun(t, `{"key":"gone","headers":{"the-header-in":"h"}}`, "testdata/wasm/go.wasm", "--function", "copy_header")
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, []map[string]any{{"input": 1.0, "key": "gone", "value": nil,
		"headers": map[string]any{"the-header-in": "h", "the-header-out": "h"}}}, lines)
}

func TestWasmRunShowsADropAFanOutAndTheGuestsLogLines(t *testing.T) {
	lines, _, status := wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "filter", "--value", "please drop me")
	assert.Equal(t, 0, status)
	assert.Equal(t, []map[string]any{{"input": 1.0, "dropped": true}}, lines)

	lines, _, status = wasmRun(t, "", "--function=fan_out", "testdata/wasm/go.wasm", "--value", "a,b,,c")
	assert.Equal(t, 0, status)
	var values []any
	for _, l := range lines {
		assert.Equal(t, 1.0, l["input"])
		values = append(values, l["value"])
	}
	assert.Equal(t, []any{"a", "b", "", "c"}, values, "one line per emitted record, in order")

	lines, _, status = wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "log", "--value", "x")
	assert.Equal(t, 0, status)
	assert.Equal(t, []map[string]any{{"input": 1.0, "value": "x", "logs": []any{"log: x"}}}, lines)
}

func TestWasmRunShowsGuestErrorsTrapsAndTimeoutsAndExitsNonZero(t *testing.T) {
	lines, stderr, status := wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "reject", "--value", "nope")
	assert.Equal(t, 1, status)
	assert.Equal(t, []map[string]any{{"input": 1.0, "error": "wasm_smt: guest function reject returned an error: rejected: nope"}}, lines)
	assert.Contains(t, stderr, "wasm run: 1 of 1 records failed")

	lines, _, status = wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "trap", "--value", "x")
	assert.Equal(t, 1, status)
	require.Len(t, lines, 1)
	assert.Equal(t, "wasm_smt: guest function trap trapped: wasm error: unreachable", lines[0]["error"])
	assert.Contains(t, lines[0]["logs"], "guest stderr: panic: trap", "the guest's own stderr is shown with its error")

	in := `{"value":"good"}` + "\n" + `{"value":"bad"}` + "\n" + `{"value":"good again"}` + "\n"
	lines, stderr, status = wasmRun(t, in, "testdata/wasm/hostile.wasm", "--function", "loop_if_bad", "--timeout", "200ms")
	assert.Equal(t, 1, status)
	require.Len(t, lines, 3)
	assert.Equal(t, "GOOD", lines[0]["value"])
	assert.Equal(t, "wasm_smt: guest function loop_if_bad stopped: it ran longer than the timeout of 200ms", lines[1]["error"])
	assert.Equal(t, "GOOD AGAIN", lines[2]["value"], "the next record runs on a fresh instance")
	assert.Contains(t, stderr, "wasm run: 1 of 3 records failed")
}

func TestWasmRunNamesBadInputLinesAndGoesOn(t *testing.T) {
	in := "not json\n" + `{"value":"a","colour":"blue"}` + "\n" + `{"value":"a","value_base64":"YQ=="}` + "\n" + `{"value":"ok"}` + "\n"
	lines, stderr, status := wasmRun(t, in, "testdata/wasm/go.wasm", "--function", "to_upper")
	assert.Equal(t, 1, status)
	require.Len(t, lines, 4)
	assert.Contains(t, lines[0]["error"], "input line 1: not a JSON record object")
	assert.Contains(t, lines[1]["error"], `input line 2: not a JSON record object`)
	assert.Contains(t, lines[1]["error"], `unknown field "colour"`)
	assert.Equal(t, "input line 3: value and value_base64 are both set", lines[2]["error"])
	assert.Equal(t, "OK", lines[3]["value"])
	assert.Contains(t, stderr, "wasm run: 3 of 4 records failed")
}

func TestWasmRunRunsEveryABIAndPassesParams(t *testing.T) {
	in := `{"key":"k","value":"hi"}` + "\n"
	for _, module := range []string{"testdata/wasm/transform_upper.wasm", "testdata/wasm/connect_go.wasm --function process"} {
		args := strings.Fields(module)
		lines, stderr, status := wasmRun(t, in, args...)
		require.Equal(t, 0, status, "%s: %s", module, stderr)
		assert.Equal(t, []map[string]any{{"input": 1.0, "key": "k", "value": "HI"}}, lines, module)
	}
	for _, flag := range []string{"--param", "--params"} {
		lines, _, status := wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "params", flag, "suffix=!", "--value", "hey")
		assert.Equal(t, 0, status, flag)
		assert.Equal(t, "hey!", lines[0]["value"], flag)
	}
}

func TestWasmRunTakesTheProcessorsConverters(t *testing.T) {
	in := `{"value":"{\"a\":\"b\"}"}` + "\n" + `{"value":"not json"}` + "\n"
	lines, _, status := wasmRun(t, in, "testdata/wasm/go.wasm", "--function", "to_upper", "--value-converter", "json")
	assert.Equal(t, 1, status)
	require.Len(t, lines, 2)
	assert.Equal(t, `{"A":"B"}`, lines[0]["value"])
	assert.Equal(t, "wasm_smt: guest function to_upper: host function get_value failed: value: not valid JSON (json converter)", lines[1]["error"])
}

func TestWasmRunUsageAndModuleErrors(t *testing.T) {
	_, stderr, status := wasmRun(t, "", "--function", "to_upper")
	assert.Equal(t, 2, status)
	assert.Contains(t, stderr, "MODULE is missing")
	assert.Contains(t, stderr, "usage: benthos-wasm wasm run MODULE")

	_, stderr, status = wasmRun(t, "", "testdata/wasm/go.wasm", "--param", "nokey", "--value", "x")
	assert.Equal(t, 2, status)
	assert.Contains(t, stderr, `--param "nokey" is not KEY=VALUE`)

	_, stderr, status = wasmRun(t, "", "testdata/wasm/go.wasm", "--function", "no_such_function", "--value", "x")
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "export no_such_function is missing")
	assert.NotContains(t, stderr, "path root.", "the error speaks of the module, not of a config path")

	_, stderr, status = wasmRun(t, "", "testdata/wasm/missing.wasm", "--function", "f", "--value", "x")
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "testdata/wasm/missing.wasm")
}
