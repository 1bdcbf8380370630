package processor

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// Hot reload (watch: true): a fileWatcher tells when the module file has
// changed and settled, and the processor's reload swaps in the new module.

// reloadSettle is how long a module file must stay unchanged before it is
// reloaded, so a file being written is read once it is whole.
const reloadSettle = 200 * time.Millisecond

// fileWatcher calls reload once a file has changed and then stayed
// unchanged for reloadSettle. It knows nothing of modules or pools.
type fileWatcher struct {
	path     string
	reload   func()
	log      *service.Logger
	fsw      *fsnotify.Watcher
	done     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// watchFile watches the file's directory (editors and deploy tools replace
// files by renaming, which a watch on the file itself would miss). reload
// runs on the watcher's goroutine, never two at once; errors of the watch
// itself go to log.
func watchFile(path string, reload func(), log *service.Logger) (*fileWatcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	if err := fsw.Add(filepath.Dir(path)); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	w := &fileWatcher{path: filepath.Clean(path), reload: reload, log: log, fsw: fsw,
		done: make(chan struct{}), stopped: make(chan struct{})}
	go w.run()
	return w, nil
}

func (w *fileWatcher) run() {
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
			w.log.Errorf("watching module: %v", err)
		case <-settle.C:
			w.reload()
		}
	}
}

// stop ends the watch, once however often it is called, and waits for a
// reload in progress to finish.
func (w *fileWatcher) stop() {
	w.stopOnce.Do(func() {
		close(w.done)
		_ = w.fsw.Close()
	})
	<-w.stopped
}

// reload compiles the module file next to the module in use and swaps it
// in; a file that cannot be read, compiled, checked or started keeps the
// old module serving. The watcher calls it.
func (p *wasmSMT) reload() {
	wasm, err := readModule(p.fs, p.cfg.modulePath)
	if err != nil {
		p.log.Errorf("module changed but cannot be read, keeping the current one: %v", err)
		p.metrics.reloaded(false)
		return
	}
	if bytes.Equal(wasm, p.loaded) {
		return
	}
	pl, err := p.load(context.Background(), wasm)
	if err != nil {
		p.log.Errorf("module changed but the new one is refused, keeping the current one: %v", err)
		p.metrics.reloaded(false)
		return
	}
	if p.beforeSwap != nil {
		p.beforeSwap()
	}
	if !p.swapPool(pl) {
		pl.close()
		return
	}
	p.loaded = wasm
	p.metrics.reloaded(true)
	p.log.Infof("module reloaded (%d bytes)", len(wasm))
}
