package migrate

import (
	"fmt"
	"strings"
)

// javaReplacement turns a java.util.regex replacement string ($1, ${name},
// \$ for a literal dollar) into Go's regexp.Expand template, which
// Bloblang's re_replace_all uses.
func javaReplacement(repl string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '\\':
			if i+1 == len(repl) {
				return "", fmt.Errorf("replacement %q ends with a lone backslash", repl)
			}
			i++
			if repl[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(repl[i])
			}
		case c == '$':
			if i+1 < len(repl) && repl[i+1] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return "", fmt.Errorf("replacement %q has an unterminated ${", repl)
				}
				b.WriteString("${" + repl[i+2:i+end] + "}")
				i += end
				continue
			}
			j := i + 1
			for j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			if j == i+1 {
				return "", fmt.Errorf("replacement %q: '$' must be followed by a group number or {name}, or be escaped as \\$", repl)
			}
			group := repl[i+1 : j]
			// Go reads $1x as the group named "1x"; braces keep it group 1.
			if j < len(repl) && isWordByte(repl[j]) {
				b.WriteString("${" + group + "}")
			} else {
				b.WriteString("$" + group)
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// simpleDateFormat turns a java.text.SimpleDateFormat pattern into a
// strftime format for Bloblang's ts_strftime. unsupported lists the pattern
// letters that have no strftime equivalent (their text is left out).
func simpleDateFormat(pattern string) (format string, unsupported []string) {
	return simpleDateFormatWith(pattern, strftimeFor)
}

// simpleDateFormatWith is simpleDateFormat with the directive of each run
// of a pattern letter given by directive: formatting and parsing may need
// different ones (TimestampConverter's).
func simpleDateFormatWith(pattern string, directive func(c byte, n int) (string, bool)) (format string, unsupported []string) {
	var b strings.Builder
	literal := func(s string) { b.WriteString(strings.ReplaceAll(s, "%", "%%")) }
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			// 'text' is literal; '' is a single quote, inside or outside.
			if i+1 < len(pattern) && pattern[i+1] == '\'' {
				literal("'")
				i += 2
				continue
			}
			j := i + 1
			for j < len(pattern) {
				if pattern[j] == '\'' {
					if j+1 < len(pattern) && pattern[j+1] == '\'' {
						literal("'")
						j += 2
						continue
					}
					break
				}
				literal(string(pattern[j]))
				j++
			}
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			literal(string(c))
			i++
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		run := pattern[i : i+n]
		if f, ok := directive(c, n); ok {
			b.WriteString(f)
		} else {
			unsupported = append(unsupported, run)
		}
		i += n
	}
	return b.String(), unsupported
}

// strftimeFor is the strftime directive of n repetitions of a
// SimpleDateFormat letter (timefmt-go's directives; %- drops the padding).
func strftimeFor(c byte, n int) (string, bool) {
	pad := func(unpadded, padded string) (string, bool) {
		switch n {
		case 1:
			return unpadded, true
		case 2:
			return padded, true
		}
		return "", false
	}
	switch c {
	case 'y':
		if n == 2 {
			return "%y", true
		}
		if n <= 4 {
			return "%Y", true
		}
	case 'M':
		switch {
		case n <= 2:
			return pad("%-m", "%m")
		case n == 3:
			return "%b", true
		default:
			return "%B", true
		}
	case 'd':
		return pad("%-d", "%d")
	case 'H':
		return pad("%-H", "%H")
	case 'h':
		return pad("%-I", "%I")
	case 'm':
		return pad("%-M", "%M")
	case 's':
		return pad("%-S", "%S")
	case 'E':
		if n <= 3 {
			return "%a", true
		}
		return "%A", true
	case 'a':
		return "%p", true
	case 'D':
		if n == 1 {
			return "%-j", true
		}
		if n == 3 {
			return "%j", true
		}
	case 'Z':
		return "%z", true
	}
	return "", false
}
