package processor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each hostile guest runs through a real pipeline of 10,000 messages on four
// threads: all 10,000 come out, the ones it misbehaved on flagged with a
// readable error and unchanged, the others transformed, and the process alive.
func TestPipelineSurvivesHostileGuests(t *testing.T) {
	const n = 10_000
	tests := []struct {
		function string
		config   string
		// faulty tells the messages the guest misbehaves on, by index.
		faulty  func(i int) bool
		wantErr string
	}{
		{"loop_if_bad", "timeout: 20ms", everyHundredth,
			"guest function loop_if_bad stopped: it ran longer than the timeout of 20ms"},
		{"bomb_if_bad", "max_memory_pages: 64", everyHundredth,
			"guest function bomb_if_bad trapped: wasm error: unreachable (its memory was 50 of at most 64 pages): if it ran out, raise max_memory_pages"},
		{"oob_if_bad", "", everyHundredth,
			"host function set_value failed: the guest passed 16 bytes at offset 2147418112, outside its memory"},
		{"huge_len_if_bad", "", everyHundredth,
			"guest function huge_len_if_bad stopped: it moved more than 67108864 bytes between host and guest (max_call_bytes)"},
		{"huge_len_if_bad", "max_call_bytes: 0", everyHundredth,
			"host function set_value failed: the guest passed 2147483647 bytes at offset 0, outside its memory"},
		{"flood_if_bad", "max_host_calls: 1000", everyHundredth,
			"guest function flood_if_bad stopped: it made more than 1000 host function calls (max_host_calls)"},
		{"garbage_alloc_if_bad", "", everyHundredth,
			"host function get_value failed: the guest's alloc(7) returned offset 2147483632, outside its memory"},
	}
	for _, tt := range tests {
		t.Run(tt.function+"/"+tt.config, func(t *testing.T) {
			values := make([]string, n)
			for i := range values {
				if tt.faulty(i) {
					values[i] = fmt.Sprintf("bad %03d", i%1000)
				} else {
					values[i] = fmt.Sprintf("good %d", i)
				}
			}
			results := runPipeline(t, fmt.Sprintf(`
wasm_smt:
  module_path: %s
  function: %s
  compilation_cache_dir: %s
  %s
`, modulePath("hostile.wasm"), tt.function, testCacheDir, tt.config), 4, values)

			require.Len(t, results, n, "every message comes out")
			failed := 0
			for i, in := range values {
				got := results[i]
				if tt.faulty(i) {
					failed++
					require.Error(t, got.err, "message %d", i)
					assert.Contains(t, got.err.Error(), tt.wantErr, "message %d", i)
					assert.Equal(t, in, got.value, "a failed message is unchanged")
				} else {
					require.NoError(t, got.err, "message %d", i)
					assert.Equal(t, strings.ToUpper(in), got.value)
				}
			}
			assert.Equal(t, n/100, failed)
		})
	}
}

func everyHundredth(i int) bool { return i%100 == 42 }

// A guest that traps on every 7th call of an instance: the instance is
// replaced each time, and every other message is transformed.
func TestPipelineSurvivesATrapOnEverySeventhCall(t *testing.T) {
	const n = 10_000
	values := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprintf("value %d", i)
	}
	results := runPipeline(t, fmt.Sprintf(`
wasm_smt:
  module_path: %s
  function: trap_every_7th
  compilation_cache_dir: %s
`, modulePath("hostile.wasm"), testCacheDir), 4, values)
	require.Len(t, results, n)
	trapped := 0
	for i, in := range values {
		if got := results[i]; got.err != nil {
			trapped++
			assert.Contains(t, got.err.Error(), "guest function trap_every_7th trapped: wasm error: unreachable")
			assert.Equal(t, in, got.value)
		} else {
			assert.Equal(t, strings.ToUpper(in), got.value)
		}
	}
	// A fresh instance traps on its 7th call, so one call in seven fails.
	assert.Equal(t, n/7, trapped)
}
