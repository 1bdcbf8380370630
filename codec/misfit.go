package codec

import (
	"fmt"
	"strings"
)

// misfit is a guest's JSON value that does not fit the part's schema (Avro
// or Protobuf), with where it is. The converters make it a FitError, which
// names the field path and the schema.
type misfit struct {
	// segments is the path from the value up to the part's top, innermost
	// first: a field name, or an index or key in brackets ("[2]",
	// "[\"k\"]"), each added by within on the way out of the recursion.
	segments []string
	reason   string
}

func (m *misfit) Error() string {
	if p := m.path(); p != "" {
		return p + ": " + m.reason
	}
	return m.reason
}

// path is the field path from the part's top: names joined with dots,
// brackets after what they index (items[2].sku).
func (m *misfit) path() string {
	var b strings.Builder
	for i := len(m.segments) - 1; i >= 0; i-- {
		s := m.segments[i]
		if b.Len() > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func misfitf(format string, args ...any) error {
	return &misfit{reason: fmt.Sprintf(format, args...)}
}

// within puts err, when it is a misfit inside segment (a field name, or an
// index or key in brackets), under that segment.
func within(err error, segment string) error {
	if m, ok := err.(*misfit); ok {
		m.segments = append(m.segments, segment)
	}
	return err
}
