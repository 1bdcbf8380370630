package processor

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t *testing.T, yaml string) (*config, error) {
	t.Helper()
	conf, err := wasmSMTSpec().ParseYAML(yaml, nil)
	require.NoError(t, err)
	return parseConfig(conf)
}

// Every field lands in the config; defaults and 0 for max_instances resolve.
func TestParseConfigReadsEveryField(t *testing.T) {
	c, err := parse(t, `
module_path: ./f.wasm
function: to_upper
check: 'content() != ""'
value_converter: org.apache.kafka.connect.json.JsonConverter
key_metadata: my_key
params: { suffix: "-x" }
max_memory_pages: 10
timeout: 2s
max_host_calls: 7
max_call_bytes: 1024
watch: true
compilation_cache_dir: /tmp/c
`)
	require.NoError(t, err)
	assert.Equal(t, "./f.wasm", c.modulePath)
	assert.Equal(t, "to_upper", c.function)
	assert.NotNil(t, c.check)
	assert.Equal(t, "json", c.fields.valueConv.Name())
	assert.Equal(t, "bytes", c.fields.keyConv.Name())
	assert.Equal(t, "my_key", c.fields.keyMeta)
	assert.Equal(t, map[string]string{"suffix": "-x"}, c.params)
	assert.Equal(t, uint32(10), c.limits.MemoryPages)
	assert.Equal(t, 2*time.Second, c.limits.Timeout)
	assert.Equal(t, 7, c.limits.HostCalls)
	assert.Equal(t, int64(1024), c.limits.CallBytes)
	assert.Equal(t, runtime.GOMAXPROCS(0), c.maxInstances, "0 is the number of CPUs")
	assert.True(t, c.watch)
	dir, err := c.compilationCacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/tmp/c", dir)

	c, err = parse(t, "module_path: ./f.wasm\nfunction: f")
	require.NoError(t, err)
	assert.Nil(t, c.check, "no check: every message runs")
	assert.Equal(t, uint32(defaultMaxMemoryPages), c.limits.MemoryPages)
	assert.False(t, c.watch)
}

// Values out of range are refused naming the field and what it takes: the
// lint rules say the same, but ParseYAML and embedders do not run them.
func TestParseConfigRefusesValuesOutOfRangeNamingTheField(t *testing.T) {
	for extra, want := range map[string]string{
		"max_instances: -1":                   "field max_instances: must be 0 or more, got -1",
		"max_memory_pages: 0":                 "field max_memory_pages: must be from 1 to 65536 pages, got 0",
		"max_memory_pages: 70000":             "field max_memory_pages: must be from 1 to 65536 pages, got 70000",
		"timeout: -1s":                        "field timeout: must be 0s (off) or more, got -1s",
		"max_host_calls: -1":                  "field max_host_calls: must be 0 or more, got -1",
		"max_call_bytes: -1":                  "field max_call_bytes: must be 0 or more, got -1",
		"value_converter: xml":                `field value_converter: unknown converter "xml"`,
		"topic_metadata: ''":                  "field topic_metadata: must name a metadata field, got an empty string",
		"timestamp_metadata: kafka_partition": `fields partition_metadata and timestamp_metadata both name metadata field "kafka_partition"`,
	} {
		_, err := parse(t, "module_path: ./f.wasm\nfunction: f\n"+extra)
		require.Error(t, err, extra)
		assert.Contains(t, err.Error(), want)
	}
	_, err := parse(t, "module_path: ''\nfunction: f")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field module_path: no module path given")
}

func TestCompilationCacheDirDefaultsUnderTheUserCache(t *testing.T) {
	c, err := parse(t, "module_path: ./f.wasm\nfunction: f\ncompilation_cache: false\ncompilation_cache_dir: /tmp/c")
	require.NoError(t, err)
	dir, err := c.compilationCacheDir()
	require.NoError(t, err)
	assert.Empty(t, dir, "off means no cache, even with a directory set")

	c, err = parse(t, "module_path: ./f.wasm\nfunction: f")
	require.NoError(t, err)
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	dir, err = c.compilationCacheDir()
	require.NoError(t, err)
	if runtime.GOOS == "linux" {
		assert.Equal(t, filepath.Join("/xdg", "benthos-wasm"), dir)
	}

	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if runtime.GOOS == "linux" {
		dir, err = c.compilationCacheDir()
		require.Error(t, err, "no user cache directory")
		assert.Empty(t, dir)
		assert.Contains(t, err.Error(), "no compilation cache (set compilation_cache_dir to enable it)")
	}
}
