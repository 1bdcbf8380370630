package kafka

import (
	"fmt"
	"strings"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kgoLogger sends franz-go's log lines to the Benthos log of the component.
// franz-go's info lines (connections, group joins) go to debug: they are
// routine for a long-running pipeline. With conns, the warnings of each
// failed connection attempt go to debug too: conns says once that a broker
// is down and once that it is back.
type kgoLogger struct {
	log   *service.Logger
	conns *connWatch
}

// Level implements kgo.Logger.
func (l kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelInfo }

// Log implements kgo.Logger.
func (l kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	if l.log == nil {
		return
	}
	var b strings.Builder
	b.WriteString(msg)
	for i := 0; i+1 < len(keyvals); i += 2 {
		fmt.Fprintf(&b, " %v=%v", keyvals[i], keyvals[i+1])
	}
	line := b.String()
	if level <= kgo.LogLevelWarn && l.conns.quiets(msg) {
		level = kgo.LogLevelInfo
	}
	switch level {
	case kgo.LogLevelError:
		l.log.Error(line)
	case kgo.LogLevelWarn:
		l.log.Warn(line)
	case kgo.LogLevelInfo:
		l.log.Debug(line)
	default:
		l.log.Trace(line)
	}
}
