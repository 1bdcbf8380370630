package hostabi

import (
	"bytes"
	"sync/atomic"
)

// maxLineBytes bounds one line of guest output, so a guest that never writes a
// newline cannot make the host buffer without limit.
const maxLineBytes = 4096

// lineWriter splits a guest's stdout or stderr into lines for the logger.
// Each instance has its own, used by one goroutine at a time.
type lineWriter struct {
	stream string
	emit   func(stream, line string)
	buf    []byte
	muted  atomic.Bool // set once what the guest writes is no longer wanted
}

func newLineWriter(stream string, emit func(stream, line string)) *lineWriter {
	return &lineWriter{stream: stream, emit: emit}
}

// Write implements io.Writer. A line longer than maxLineBytes is split.
func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.muted.Load() {
		return n, nil
	}
	for len(p) > 0 {
		room := maxLineBytes - len(w.buf)
		i := bytes.IndexByte(p, '\n')
		switch {
		case i >= 0 && i <= room:
			w.buf = append(w.buf, p[:i]...)
			w.Flush()
			p = p[i+1:]
		case len(p) >= room:
			w.buf = append(w.buf, p[:room]...)
			w.Flush()
			p = p[room:]
		default:
			w.buf = append(w.buf, p...)
			p = nil
		}
	}
	return n, nil
}

// Flush emits what is buffered as a line.
func (w *lineWriter) Flush() {
	if len(w.buf) == 0 {
		return
	}
	w.emit(w.stream, string(w.buf))
	w.buf = w.buf[:0]
}
