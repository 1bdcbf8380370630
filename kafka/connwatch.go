package kafka

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// connWatch logs when a broker stops answering and when it answers again,
// once each, instead of franz-go's line per failed connection attempt (a
// few a second per client while a broker is down). It is a franz-go hook,
// shared by every client a component makes.
type connWatch struct {
	log *service.Logger
	now func() time.Time

	mu   sync.Mutex
	down map[string]*outage // by broker host:port
}

// outage is a broker that could not be reached, since when and how often.
type outage struct {
	since    time.Time
	failures int
}

func newConnWatch(log *service.Logger) *connWatch {
	return &connWatch{log: log, now: time.Now, down: map[string]*outage{}}
}

// OnBrokerConnect implements kgo.HookBrokerConnect: it runs after every
// attempt to connect to a broker (dial, TLS, API versions, SASL).
func (w *connWatch) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	if w == nil || w.log == nil {
		return
	}
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed)) {
		return // the client is closing, not the broker failing
	}
	addr := net.JoinHostPort(meta.Host, strconv.Itoa(int(meta.Port)))
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.down[addr]
	switch {
	case err != nil && o != nil:
		o.failures++
	case err != nil:
		w.down[addr] = &outage{since: w.now(), failures: 1}
		w.log.Warnf("Cannot connect to broker %s: %v; retrying in the background "+
			"(each failed attempt is logged at debug level)", addr, err)
	case o != nil:
		delete(w.down, addr)
		w.log.Infof("Connected to broker %s again after %v (%d failed connection attempts)",
			addr, w.now().Sub(o.since).Round(100*time.Millisecond), o.failures)
	}
}

// quiets says whether franz-go's line msg repeats what the watch logs:
// then it goes to debug. Those are the warning of every failed connection
// attempt, and, while a broker is known to be down, the error of every
// retry of the consumer group loop (a few a minute for as long as the
// broker is down; the first one after it is back is logged).
func (w *connWatch) quiets(msg string) bool {
	if w == nil {
		return false
	}
	if strings.HasPrefix(msg, "unable to open connection to broker") {
		return true
	}
	if msg != "group manage loop errored" {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.down) > 0
}

// repeatLog logs a warning when it differs from the last one it logged,
// and at debug level while it repeats (a commit failing every
// commit_period while a broker is down).
type repeatLog struct {
	mu   sync.Mutex
	last string
}

// warn logs msg at warning level unless it repeats the last one.
func (r *repeatLog) warn(log *service.Logger, msg string) {
	r.mu.Lock()
	repeat := msg == r.last
	r.last = msg
	r.mu.Unlock()
	if repeat {
		log.Debug(msg)
	} else {
		log.Warn(msg)
	}
}

// reset says that things work again: the next warning is news.
func (r *repeatLog) reset() {
	r.mu.Lock()
	r.last = ""
	r.mu.Unlock()
}
