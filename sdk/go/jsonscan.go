package smt

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonscan.go: the syntax checker and path finder under the JSON helpers of
// json.go. It works on the document's bytes and reports byte offsets, so a
// write can splice the new value in and leave every other byte as it was.

// jsonMaxDepth bounds nesting, so that a hostile value cannot exhaust the
// guest's stack (the same bound in every SDK).
const jsonMaxDepth = 512

type jsonScanner struct {
	doc []byte
	i   int
}

func (s *jsonScanner) invalid() error {
	return &JSONError{Kind: JSONInvalid, msg: "invalid JSON at byte " + strconv.Itoa(s.i)}
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.doc) {
		switch s.doc[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// at reports whether the next byte is c, and consumes it if so.
func (s *jsonScanner) at(c byte) bool {
	if s.i < len(s.doc) && s.doc[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value checks the syntax of the value at s.i (after any space) and moves
// past it.
func (s *jsonScanner) value(depth int) error {
	s.skipSpace()
	if s.i >= len(s.doc) || depth > jsonMaxDepth {
		return s.invalid()
	}
	switch c := s.doc[s.i]; c {
	case '{', '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		s.i++
		s.skipSpace()
		if s.at(closing) {
			return nil
		}
		for {
			if c == '{' {
				s.skipSpace()
				if err := s.str(); err != nil {
					return err
				}
				s.skipSpace()
				if !s.at(':') {
					return s.invalid()
				}
			}
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.skipSpace()
			if s.at(closing) {
				return nil
			}
			if !s.at(',') {
				return s.invalid()
			}
		}
	case '"':
		return s.str()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

func (s *jsonScanner) literal(word string) error {
	if !strings.HasPrefix(string(s.doc[s.i:]), word) {
		return s.invalid()
	}
	s.i += len(word)
	return nil
}

// number checks -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() error {
	s.at('-')
	if s.at('0') {
		// no more integer digits after a leading zero
	} else if !s.digits() {
		return s.invalid()
	}
	if s.at('.') && !s.digits() {
		return s.invalid()
	}
	if s.at('e') || s.at('E') {
		if !s.at('+') {
			s.at('-')
		}
		if !s.digits() {
			return s.invalid()
		}
	}
	return nil
}

func (s *jsonScanner) digits() bool {
	start := s.i
	for s.i < len(s.doc) && '0' <= s.doc[s.i] && s.doc[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// str checks a string literal, quotes included, and moves past it.
func (s *jsonScanner) str() error {
	if !s.at('"') {
		return s.invalid()
	}
	for s.i < len(s.doc) {
		c := s.doc[s.i]
		switch {
		case c == '"':
			s.i++
			return nil
		case c < 0x20:
			return s.invalid()
		case c == '\\':
			s.i++
			if s.i >= len(s.doc) {
				return s.invalid()
			}
			switch s.doc[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if _, ok := hex4(s.doc[s.i+1:]); !ok {
					return s.invalid()
				}
				s.i += 5
			default:
				return s.invalid()
			}
		default:
			s.i++
		}
	}
	return s.invalid()
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// jsonUnquote decodes a checked string literal. A \u escape of a lone
// surrogate becomes U+FFFD, as in encoding/json; raw bytes are kept as they
// are, valid UTF-8 or not.
func jsonUnquote(lit []byte) string {
	body := lit[1 : len(lit)-1]
	if !strings.Contains(string(body), `\`) {
		return string(body)
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		if body[i] != '\\' {
			out = append(out, body[i])
			i++
			continue
		}
		e := body[i+1]
		i += 2
		switch e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := hex4(body[i:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+6 <= len(body) && body[i] == '\\' && body[i+1] == 'u' {
					r2, ok = hex4(body[i+2:])
				}
				if pair := utf16.DecodeRune(r, r2); ok && pair != utf8.RuneError {
					r = pair
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, e)
		}
	}
	return string(out)
}

// jsonKeyIs reports whether the checked string literal lit spells key,
// without allocating when lit has no escapes (the usual case).
func jsonKeyIs(lit []byte, key string) bool {
	body := lit[1 : len(lit)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body) == key
	}
	return jsonUnquote(lit) == key
}

// appendJSONString appends s as a string literal: quotes, backslashes and
// control characters escaped, everything else (UTF-8 included) as it is.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// jsonPlace is where a path leads in a document: the value's bytes when it
// is there; else the object that lacks key path[missing], whose closing
// brace is at close.
type jsonPlace struct {
	found      bool
	start, end int
	missing    int
	close      int
	empty      bool // the object lacking the key has no members
}

// jsonFind checks that doc is one JSON value and follows path through it.
// With duplicate keys the last one counts, as in encoding/json and
// JavaScript's JSON.parse.
func jsonFind(doc []byte, path []string) (jsonPlace, error) {
	s := &jsonScanner{doc: doc}
	if err := s.value(0); err != nil {
		return jsonPlace{}, err
	}
	if s.skipSpace(); s.i != len(doc) {
		return jsonPlace{}, s.invalid()
	}
	s.i = 0
	s.skipSpace()
	for k, key := range path {
		if doc[s.i] != '{' {
			return jsonPlace{}, notObjectError(path, k, doc[s.i])
		}
		s.i++
		s.skipSpace()
		members, valueAt := 0, -1
		for doc[s.i] != '}' {
			keyStart := s.i
			_ = s.str() // checked above, as is all that follows
			matches := jsonKeyIs(doc[keyStart:s.i], key)
			s.skipSpace()
			s.i++ // ':'
			s.skipSpace()
			if matches {
				valueAt = s.i
			}
			_ = s.value(0)
			s.skipSpace()
			s.at(',')
			s.skipSpace()
			members++
		}
		if valueAt < 0 {
			return jsonPlace{missing: k, close: s.i, empty: members == 0}, nil
		}
		s.i = valueAt
	}
	start := s.i
	_ = s.value(0)
	return jsonPlace{found: true, start: start, end: s.i}, nil
}
