package migrate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// property is one key and value of a .properties file, with the line its
// logical line starts on (for error messages).
type property struct {
	key, value string
	line       int
}

// parseProperties reads the java.util.Properties text format: key and value
// separated by '=', ':' or whitespace; '#' and '!' comment lines; a line
// ending in an odd number of backslashes continues on the next one (whose
// leading whitespace is dropped); \t \n \r \f \uXXXX escapes, and a backslash
// before any other character stands for that character.
//
// Java reads a properties stream as ISO-8859-1; text that is valid UTF-8 is
// read as UTF-8 here instead, since that is how such files are written today.
func parseProperties(data []byte) ([]property, error) {
	text := string(data)
	if !utf8.ValidString(text) {
		runes := make([]rune, len(data))
		for i, b := range data {
			runes[i] = rune(b) // ISO-8859-1 is the first 256 code points
		}
		text = string(runes)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	lines := splitNaturalLines(text)

	var props []property
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		// Join continuation lines: an odd number of trailing backslashes.
		for endsWithContinuation(line) && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		if endsWithContinuation(line) {
			line = line[:len(line)-1] // continuation at end of file
		}
		rawKey, rawValue := splitKeyValue(line)
		key, err := unescapeProperty(rawKey)
		if err != nil {
			return nil, fmt.Errorf("line %d: key: %w", start, err)
		}
		value, err := unescapeProperty(rawValue)
		if err != nil {
			return nil, fmt.Errorf("line %d: value of %s: %w", start, key, err)
		}
		props = append(props, property{key: key, value: value, line: start})
	}
	return props, nil
}

// splitNaturalLines splits on \n, \r and \r\n, as Java's LineReader does.
func splitNaturalLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

func endsWithContinuation(line string) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitKeyValue cuts a logical line at the first unescaped '=', ':' or
// whitespace; whitespace around the separator, and one '=' or ':' after
// whitespace, belong to neither side.
func splitKeyValue(line string) (key, value string) {
	end := len(line)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '\\' {
			i++ // the escaped character is part of the key
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			end = i
			break
		}
	}
	key = line[:end]
	rest := line[end:]
	rest = strings.TrimLeft(rest, " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return key, rest
}

// unescapeProperty resolves the escapes of a key or value.
func unescapeProperty(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			if c != '\\' {
				b.WriteByte(c)
			}
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf(`malformed \uxxxx escape %s (four hex digits expected)`, s[i-1:])
			}
			code, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf(`malformed \uxxxx escape %s (four hex digits expected)`, s[i-1:i+5])
			}
			i += 4
			r := rune(code)
			// A UTF-16 surrogate pair, written as two escapes.
			if r >= 0xD800 && r < 0xDC00 && i+7 <= len(s) && strings.HasPrefix(s[i+1:], `\u`) {
				if low, err := strconv.ParseUint(s[i+3:i+7], 16, 16); err == nil && low >= 0xDC00 && low < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (rune(low) - 0xDC00)
					i += 6
				}
			}
			b.WriteRune(r)
		default:
			// Java drops the backslash before any other character, so a
			// multi-byte UTF-8 character after it stays whole.
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
