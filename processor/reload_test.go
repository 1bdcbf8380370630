package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replaceFile swaps in new contents by rename, as deploy tools do.
func replaceFile(t *testing.T, path string, contents []byte) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, contents, 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

// Reloading while batches are in flight loses and repeats no message: every
// message comes out exactly once, served by the old module or the new one.
// A broken file later keeps the last good module serving.
func TestWatchReloadsBetweenMessagesWithoutLosingAny(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.wasm")
	replaceFile(t, path, []byte(readFile(t, modulePath("c.wasm"))))
	p, logs := newTestProcessor(t, fmt.Sprintf("module_path: %s\nfunction: to_upper\nwatch: true\ncompilation_cache_dir: %s", path, testCacheDir))

	var sent, received, reloadedSeen atomic.Int64
	var unexpected sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for th := 0; th < 4; th++ {
		wg.Add(1)
		go func(th int) {
			defer wg.Done()
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				batch := service.MessageBatch{}
				for i := 0; i < 10; i++ {
					batch = append(batch, service.NewMessage([]byte(fmt.Sprintf("t%d-b%d-m%d", th, b, i))))
				}
				sent.Add(int64(len(batch)))
				out, err := p.ProcessBatch(context.Background(), batch)
				if err != nil {
					unexpected.Store(err.Error(), true)
					continue
				}
				for i, msg := range out[0] {
					received.Add(1)
					got, _ := msg.AsBytes()
					in, _ := batch[i].AsBytes()
					switch {
					case msg.GetError() != nil:
						unexpected.Store(msg.GetError().Error(), true)
					case string(got) == "reloaded":
						reloadedSeen.Add(1)
					case string(got) != strings.ToUpper(string(in)):
						unexpected.Store("wrong output "+string(got), true)
					}
				}
			}
		}(th)
	}

	time.Sleep(100 * time.Millisecond)
	replaceFile(t, path, []byte(readFile(t, modulePath("reloaded.wasm"))))
	require.Eventually(t, func() bool { return reloadedSeen.Load() > 100 }, 10*time.Second, 10*time.Millisecond,
		"the new module serves messages")

	replaceFile(t, path, []byte("this is not wasm"))
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "module changed but the new one is refused, keeping the current one")
	}, 10*time.Second, 10*time.Millisecond)
	before := reloadedSeen.Load()
	require.Eventually(t, func() bool { return reloadedSeen.Load() > before+100 }, 10*time.Second, 10*time.Millisecond,
		"the last good module keeps serving")

	close(stop)
	wg.Wait()
	assert.Equal(t, sent.Load(), received.Load(), "every message comes out exactly once")
	unexpected.Range(func(k, _ any) bool {
		t.Errorf("unexpected: %v", k)
		return true
	})
	assert.Contains(t, logs.String(), "module reloaded")
}

// Close while batches are in flight and a reload is under way: the reload
// must not swap its pool in after Close, the watcher must not outlive Close,
// every instance (the refused reload's too) is closed, and every message
// comes out, from the old module, in order and transformed.
func TestCloseWhileInFlightWithWatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.wasm")
	replaceFile(t, path, []byte(readFile(t, modulePath("c.wasm"))))
	p, logs := newTestProcessor(t, fmt.Sprintf("module_path: %s\nfunction: to_upper\nwatch: true\ncompilation_cache_dir: %s", path, testCacheDir))
	reloading := make(chan struct{})
	p.beforeSwap = func() {
		close(reloading)
		// Hold the loaded pool until Close has begun.
		for {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}

	var wg sync.WaitGroup
	var served, refused atomic.Int64
	for th := 0; th < 4; th++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < 200; b++ {
				batch := service.MessageBatch{service.NewMessage([]byte("a")), service.NewMessage([]byte("b"))}
				out, err := p.ProcessBatch(context.Background(), batch)
				if err != nil {
					assert.ErrorIs(t, err, errPoolClosed) // Benthos flags the whole batch with err
					refused.Add(2)
					continue
				}
				require.Len(t, out, 1)
				assert.Equal(t, []string{"A", "B"}, payloads(t, out[0]), "the old module serves until the swap, which never happens")
				served.Add(2)
			}
		}()
	}
	replaceFile(t, path, []byte(readFile(t, modulePath("reloaded.wasm"))))
	<-reloading
	var closers sync.WaitGroup
	for i := 0; i < 4; i++ {
		closers.Add(1)
		go func() { defer closers.Done(); _ = p.Close(context.Background()) }()
	}
	closers.Wait()
	select {
	case <-p.watcher.stopped:
	default:
		t.Fatal("the watcher outlived Close")
	}
	assert.True(t, p.pool.Load().closed.Load(), "the pool in use after Close is closed: the reload did not swap in a new one")
	wg.Wait()
	require.NoError(t, p.Close(context.Background()))
	assert.Equal(t, int64(4*200*2), served.Load()+refused.Load(), "every message came out or was refused")
	assert.Equal(t, int64(0), p.metrics.liveInstances.Load(), "no instance outlives Close, the refused reload's included")
	assert.NotContains(t, logs.String(), "module reloaded")
}
