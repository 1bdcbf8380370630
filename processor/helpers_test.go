package processor

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

// modulePath is the path of a built test module.
func modulePath(name string) string {
	return filepath.Join("..", "testdata", "wasm", name)
}

// newTestProcessor builds a wasm_smt processor from YAML, as Benthos would,
// logging into the returned buffer.
func newTestProcessor(t testing.TB, yaml string) (*wasmSMT, *testutil.SyncBuffer) {
	t.Helper()
	conf, err := wasmSMTSpec().ParseYAML(yaml, nil)
	require.NoError(t, err)
	logs := &testutil.SyncBuffer{}
	logger := service.NewLoggerFromSlog(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	p, err := newWasmSMT(conf, service.MockResources(service.MockResourcesOptUseLogger(logger)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p, logs
}

func processorFor(t testing.TB, module, function, extra string) *wasmSMT {
	p, _ := processorWithLogs(t, module, function, extra)
	return p
}

func processorWithLogs(t testing.TB, module, function, extra string) (*wasmSMT, *testutil.SyncBuffer) {
	return newTestProcessor(t, fmt.Sprintf("module_path: %s\nfunction: %s\ncompilation_cache_dir: %s\n%s",
		modulePath(module), function, testCacheDir, extra))
}

// testCacheDir is a compilation cache shared by the tests of this package,
// so each module is compiled once rather than once per test.
var testCacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasm-smt-cache")
	if err != nil {
		panic(err)
	}
	testCacheDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// process runs one batch and returns the single batch that comes out.
func process(t testing.TB, p *wasmSMT, msgs ...*service.Message) service.MessageBatch {
	t.Helper()
	out, err := p.ProcessBatch(context.Background(), msgs)
	require.NoError(t, err)
	require.Len(t, out, 1)
	return out[0]
}

// messagesOut runs one batch and returns the messages that come out: those
// of the one batch out, or none when no batch comes out, as when every
// record was dropped. An empty batch out fails the test: Benthos's own
// processors return no batch for nothing.
func messagesOut(t testing.TB, p *wasmSMT, msgs ...*service.Message) service.MessageBatch {
	t.Helper()
	out, err := p.ProcessBatch(context.Background(), msgs)
	require.NoError(t, err)
	require.LessOrEqual(t, len(out), 1, "batches out")
	if len(out) == 0 {
		return nil
	}
	require.NotEmpty(t, out[0], "an empty batch out")
	return out[0]
}

// metadata returns every metadata field of msg.
func metadata(msg *service.Message) map[string]any {
	m := map[string]any{}
	_ = msg.MetaWalkMut(func(k string, v any) error {
		m[k] = v
		return nil
	})
	return m
}

// message makes a message with payload and metadata.
func message(payload string, meta map[string]any) *service.Message {
	msg := service.NewMessage([]byte(payload))
	for k, v := range meta {
		msg.MetaSetMut(k, v)
	}
	return msg
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
