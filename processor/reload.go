package processor

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// reloadSettle is how long a module file must stay unchanged before it is
// reloaded, so a file being written is read once it is whole.
const reloadSettle = 200 * time.Millisecond

// moduleWatcher reloads a processor's module when its file changes.
type moduleWatcher struct {
	p        *wasmSMT
	fs       *service.FS
	path     string
	current  []byte // the bytes of the module in use
	fsw      *fsnotify.Watcher
	done     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// watchModule watches the module's directory (editors and deploy tools
// replace files by renaming, which a watch on the file itself would miss).
func watchModule(p *wasmSMT, fs *service.FS, path string, current []byte) (*moduleWatcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	if err := fsw.Add(filepath.Dir(path)); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	w := &moduleWatcher{p: p, fs: fs, path: filepath.Clean(path), current: current, fsw: fsw,
		done: make(chan struct{}), stopped: make(chan struct{})}
	go w.run()
	return w, nil
}

func (w *moduleWatcher) run() {
	defer close(w.stopped)
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	for {
		select {
		case <-w.done:
			settle.Stop()
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) == w.path && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				settle.Reset(reloadSettle)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.p.log.Errorf("watching module: %v", err)
		case <-settle.C:
			w.reload()
		}
	}
}

// reload compiles the file's module next to the one in use and swaps it in;
// a module that fails keeps the old one serving.
func (w *moduleWatcher) reload() {
	wasm, err := w.read()
	if err != nil {
		w.p.log.Errorf("module changed but cannot be read, keeping the current one: %v", err)
		w.p.metrics.reloaded(false)
		return
	}
	if bytes.Equal(wasm, w.current) {
		return
	}
	pl, err := w.p.newPool(context.Background(), wasm)
	if err != nil {
		w.p.log.Errorf("module changed but the new one is refused, keeping the current one: %v", err)
		w.p.metrics.reloaded(false)
		return
	}
	if !w.p.swapPool(pl) {
		pl.close()
		return
	}
	w.current = wasm
	w.p.metrics.reloaded(true)
	w.p.log.Infof("module reloaded (%d bytes)", len(wasm))
}

func (w *moduleWatcher) read() ([]byte, error) {
	f, err := w.fs.Open(w.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// stop ends the watch, once however often it is called, and waits for a
// reload in progress to finish.
func (w *moduleWatcher) stop() {
	w.stopOnce.Do(func() {
		close(w.done)
		_ = w.fsw.Close()
	})
	<-w.stopped
}
