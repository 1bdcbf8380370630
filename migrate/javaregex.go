package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kafka Connect compiles RegexRouter's regex, TopicNameMatches' pattern and
// topics.regex with java.util.regex.Pattern; Bloblang and kafka_franz use
// Go's RE2. Some Java constructs compile in RE2 with another meaning
// (character-class intersection [a-z&&[^x]], nested classes [a[bc]], which
// make [[:alpha:]] a set of five characters in Java, \v, \s with \x0B), and
// some Java refuses where RE2 accepts ({ as a literal, x{,3}). So the
// pattern is read here with Java's grammar and written out again for RE2:
// character classes become the set Java computes, escapes the characters
// Java means. What RE2 cannot express (look-around, back-references,
// possessive quantifiers, atomic groups) is reported, never passed on.
//
// These patterns only ever match topic names, which Kafka restricts to
// ASCII letters, digits, '.', '_' and '-': where Java and RE2 differ only on
// line terminators or non-ASCII text ('.', '$', \b, \Z, case folding), the
// RE2 form is kept.

// javaRegex is a Java regular expression translated to RE2.
type javaRegex struct {
	java   string
	re2    string          // the same groups, in the same order
	groups int             // capturing groups, as Matcher.groupCount
	names  map[string]bool // named groups
}

// errJavaRejects is a pattern java.util.regex.Pattern refuses to compile:
// Kafka Connect refuses the configuration.
type errJavaRejects struct{ msg string }

func (e errJavaRejects) Error() string { return e.msg }

// errNoRE2 is a pattern Java accepts that RE2 cannot express.
type errNoRE2 struct{ msg string }

func (e errNoRE2) Error() string { return e.msg }

// translateJavaRegex reads a Java pattern and returns its RE2 form, or an
// errJavaRejects or errNoRE2.
func translateJavaRegex(pattern string) (*javaRegex, error) {
	p := &jparser{src: []rune(pattern), names: map[string]bool{}}
	if err := p.sequence(0); err != nil {
		return nil, err
	}
	re := &javaRegex{java: pattern, re2: p.out.String(), groups: p.groups, names: p.names}
	if _, err := regexp.Compile(wholeMatch(re.re2)); err != nil {
		return nil, errNoRE2{fmt.Sprintf("RE2 cannot compile it (%v)", err)}
	}
	return re, nil
}

// jparser reads a Java pattern (java.util.regex.Pattern's grammar, no
// flags given at compile time) and writes its RE2 form.
type jparser struct {
	src    []rune
	i      int
	out    strings.Builder
	groups int
	names  map[string]bool
}

func (p *jparser) eof() bool  { return p.i >= len(p.src) }
func (p *jparser) peek() rune { return p.src[p.i] }
func (p *jparser) next() rune { c := p.src[p.i]; p.i++; return c }
func (p *jparser) has(s string) bool {
	return strings.HasPrefix(string(p.src[p.i:]), s)
}

func (p *jparser) rejects(format string, args ...any) error {
	return errJavaRejects{fmt.Sprintf(format, args...)}
}

func errorNoRE2(format string, args ...any) error { return errNoRE2{fmt.Sprintf(format, args...)} }

// sequence reads alternatives up to the end, or to the ')' closing a group
// at depth > 0.
func (p *jparser) sequence(depth int) error {
	quantifiable := false
	for !p.eof() {
		c := p.peek()
		switch c {
		case ')':
			if depth == 0 {
				return p.rejects("unmatched closing ')'")
			}
			return nil
		case '|':
			p.next()
			p.out.WriteByte('|')
			quantifiable = false
			continue
		case '(':
			if err := p.group(depth); err != nil {
				return err
			}
		case '[':
			p.next()
			set, err := p.class()
			if err != nil {
				return err
			}
			p.out.WriteString(set.re2())
		case '\\':
			p.next()
			frag, err := p.escape()
			if err != nil {
				return err
			}
			if frag == "" {
				continue // an empty \Q\E
			}
			p.out.WriteString(frag)
		case '*', '+', '?', '{':
			if !quantifiable {
				if c == '{' {
					return p.rejects("illegal repetition")
				}
				return p.rejects("dangling meta character '%c'", c)
			}
			if err := p.quantifier(); err != nil {
				return err
			}
			quantifiable = false
			continue
		case '^', '$', '.':
			p.next()
			p.out.WriteRune(c)
		default:
			p.next()
			p.out.WriteString(literal(c))
		}
		quantifiable = true
	}
	if depth > 0 {
		return p.rejects("unclosed group")
	}
	return nil
}

// quantifier reads *, +, ?, {n}, {n,} or {n,m}, then a lazy '?' (which RE2
// has) or a possessive '+' (which it has not).
func (p *jparser) quantifier() error {
	c := p.next()
	if c == '{' {
		start := p.i
		for !p.eof() && p.peek() != '}' {
			p.next()
		}
		if p.eof() {
			return p.rejects("unclosed counted closure")
		}
		body := string(p.src[start:p.i])
		p.next()
		lo, hi, comma := strings.Cut(body, ",")
		n, err := strconv.Atoi(lo)
		if err != nil || lo == "" || strings.ContainsAny(lo, "+-") {
			return p.rejects("illegal repetition {%s}", body)
		}
		if comma && hi != "" {
			m, err := strconv.Atoi(hi)
			if err != nil || strings.ContainsAny(hi, "+-") {
				return p.rejects("illegal repetition {%s}", body)
			}
			if m < n {
				return p.rejects("illegal repetition range {%s}", body)
			}
		}
		p.out.WriteString("{" + body + "}")
	} else {
		p.out.WriteRune(c)
	}
	if !p.eof() && p.peek() == '?' {
		p.out.WriteRune(p.next())
	} else if !p.eof() && p.peek() == '+' {
		return errorNoRE2("possessive quantifiers (a quantifier then '+') have no RE2 equivalent")
	}
	return nil
}

// group reads a group after its '(' and up to its ')'.
func (p *jparser) group(depth int) error {
	p.next()
	switch {
	case p.has("?:"):
		p.i += 2
		p.out.WriteString("(?:")
	case p.has("?="), p.has("?!"), p.has("?<="), p.has("?<!"):
		return errorNoRE2("look-around groups have no RE2 equivalent")
	case p.has("?>"):
		return errorNoRE2("atomic groups (?>...) have no RE2 equivalent")
	case p.has("?<"):
		p.i += 2
		start := p.i
		for !p.eof() && (isASCIILetter(p.peek()) || p.i > start && p.peek() >= '0' && p.peek() <= '9') {
			p.next()
		}
		name := string(p.src[start:p.i])
		if name == "" || p.eof() || p.peek() != '>' {
			return p.rejects("named capturing group is missing trailing '>'")
		}
		p.next()
		if p.names[name] {
			return p.rejects("named capturing group <%s> is already defined", name)
		}
		p.names[name] = true
		p.groups++
		p.out.WriteString("(?P<" + name + ">")
	case p.has("?"):
		p.next()
		return p.flags(depth)
	default:
		p.groups++
		p.out.WriteByte('(')
	}
	if err := p.sequence(depth + 1); err != nil {
		return err
	}
	p.next() // ')'
	p.out.WriteByte(')')
	return nil
}

// flags reads inline flags, (?idmsuxU-idmsuxU) or (?flags:...). i, m and s
// mean the same to RE2 on topic names; d (UNIX_LINES) and u (UNICODE_CASE)
// change only line terminators and non-ASCII text; U
// (UNICODE_CHARACTER_CLASS) likewise, and is RE2's ungreedy flag, so it is
// not written; x (COMMENTS) changes how the pattern reads.
func (p *jparser) flags(depth int) error {
	var kept strings.Builder
	off := false
	for !p.eof() {
		c := p.next()
		switch c {
		case 'i', 'm', 's':
			kept.WriteRune(c)
		case '-':
			off = true
			kept.WriteRune(c)
		case 'd', 'u', 'U':
		case 'x':
			if !off {
				return errorNoRE2("the COMMENTS flag (?x) is not translated")
			}
		case ')':
			if f := strings.TrimSuffix(kept.String(), "-"); f != "" {
				p.out.WriteString("(?" + f + ")")
			}
			return nil
		case ':':
			f := strings.TrimSuffix(kept.String(), "-")
			p.out.WriteString("(?" + f + ":")
			if err := p.sequence(depth + 1); err != nil {
				return err
			}
			p.next()
			p.out.WriteByte(')')
			return nil
		default:
			return p.rejects("unknown inline modifier '%c'", c)
		}
	}
	return p.rejects("unclosed group")
}

// javaSpace is Java's \s without UNICODE_CHARACTER_CLASS: RE2's \s lacks
// \x0B.
var (
	javaSpace      = runeSet{{'\t', '\r'}, {' ', ' '}}
	javaVertical   = runeSet{{'\n', '\r'}, {0x85, 0x85}, {0x2028, 0x2029}}
	javaHorizontal = runeSet{{'\t', '\t'}, {' ', ' '}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200A}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}}
	javaDigit      = runeSet{{'0', '9'}}
	javaWord       = runeSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
)

// posixClasses are Java's \p{Name} POSIX classes, US-ASCII only.
var posixClasses = map[string]runeSet{
	"Lower":  {{'a', 'z'}},
	"Upper":  {{'A', 'Z'}},
	"ASCII":  {{0, 0x7F}},
	"Alpha":  {{'A', 'Z'}, {'a', 'z'}},
	"Digit":  {{'0', '9'}},
	"Alnum":  {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}},
	"Punct":  {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}},
	"Graph":  {{'!', '~'}},
	"Print":  {{' ', '~'}},
	"Blank":  {{'\t', '\t'}, {' ', ' '}},
	"Cntrl":  {{0, 0x1F}, {0x7F, 0x7F}},
	"XDigit": {{'0', '9'}, {'A', 'F'}, {'a', 'f'}},
	"Space":  {{'\t', '\r'}, {' ', ' '}},
}

// escape reads an escape after its '\' outside a character class and
// returns its RE2 form.
func (p *jparser) escape() (string, error) {
	if p.eof() {
		return "", p.rejects("unexpected internal error: trailing backslash")
	}
	c := p.peek()
	switch {
	case c == 'Q':
		p.next()
		var b strings.Builder
		for _, r := range p.quoted() {
			b.WriteString(literal(r))
		}
		return b.String(), nil
	case c >= '1' && c <= '9', c == 'k':
		return "", errorNoRE2("back-references have no RE2 equivalent")
	case c == 'G':
		return "", errorNoRE2(`\G has no RE2 equivalent`)
	case c == 'X':
		return "", errorNoRE2(`\X (grapheme clusters) has no RE2 equivalent`)
	case c == 'R':
		p.next()
		return `(?:\r\n|[\n-\r\x{85}\x{2028}\x{2029}])`, nil
	case c == 'b' || c == 'B' || c == 'A' || c == 'z' || c == 'd' || c == 'D' || c == 'w' || c == 'W':
		p.next()
		return `\` + string(c), nil
	case c == 'Z':
		p.next()
		return `\z`, nil
	}
	set, r, err := p.escapeValue()
	if err != nil {
		return "", err
	}
	if set != nil {
		return set.re2(), nil
	}
	return literal(r), nil
}

// escapeValue reads an escape that stands for a set (\s, \v, \p{..}) or a
// single character, inside a class or out.
func (p *jparser) escapeValue() (runeSet, rune, error) {
	c := p.next()
	switch c {
	case 'd':
		return javaDigit, 0, nil
	case 'D':
		return javaDigit.complement(), 0, nil
	case 'w':
		return javaWord, 0, nil
	case 'W':
		return javaWord.complement(), 0, nil
	case 's':
		return javaSpace, 0, nil
	case 'S':
		return javaSpace.complement(), 0, nil
	case 'v':
		return javaVertical, 0, nil
	case 'V':
		return javaVertical.complement(), 0, nil
	case 'h':
		return javaHorizontal, 0, nil
	case 'H':
		return javaHorizontal.complement(), 0, nil
	case 'p', 'P':
		set, err := p.property()
		if err != nil {
			return nil, 0, err
		}
		if c == 'P' {
			set = set.complement()
		}
		return set, 0, nil
	case 't':
		return nil, '\t', nil
	case 'n':
		return nil, '\n', nil
	case 'r':
		return nil, '\r', nil
	case 'f':
		return nil, '\f', nil
	case 'a':
		return nil, 0x07, nil
	case 'e':
		return nil, 0x1B, nil
	case 'c':
		if p.eof() {
			return nil, 0, p.rejects("illegal control escape sequence")
		}
		return nil, p.next() ^ 64, nil
	case '0':
		n, digits := 0, 0
		for digits < 3 && !p.eof() && p.peek() >= '0' && p.peek() <= '7' && (digits < 2 || n <= 037) {
			n = n*8 + int(p.next()-'0')
			digits++
		}
		if digits == 0 {
			return nil, 0, p.rejects("illegal octal escape sequence")
		}
		return nil, rune(n), nil
	case 'x':
		if !p.eof() && p.peek() == '{' {
			p.next()
			start := p.i
			for !p.eof() && p.peek() != '}' {
				p.next()
			}
			v, err := strconv.ParseUint(string(p.src[start:p.i]), 16, 32)
			if p.eof() || err != nil || v > unicode.MaxRune {
				return nil, 0, p.rejects("illegal hexadecimal escape sequence")
			}
			p.next()
			return nil, rune(v), nil
		}
		return p.hex(2)
	case 'u':
		return p.hex(4)
	}
	if c < utf8.RuneSelf && (isASCIILetter(c) || c >= '0' && c <= '9') {
		return nil, 0, p.rejects(`illegal/unsupported escape sequence \%c`, c)
	}
	return nil, c, nil // a quoted non-alphabetic character
}

func (p *jparser) hex(n int) (runeSet, rune, error) {
	if p.i+n > len(p.src) {
		return nil, 0, p.rejects("illegal hexadecimal escape sequence")
	}
	v, err := strconv.ParseUint(string(p.src[p.i:p.i+n]), 16, 32)
	if err != nil {
		return nil, 0, p.rejects("illegal hexadecimal escape sequence")
	}
	p.i += n
	return nil, rune(v), nil
}

// property reads the name of \p or \P: a POSIX class, or a Unicode general
// category or script RE2 has too.
func (p *jparser) property() (runeSet, error) {
	var name string
	switch {
	case p.eof():
		return nil, p.rejects("illegal character property")
	case p.peek() == '{':
		p.next()
		start := p.i
		for !p.eof() && p.peek() != '}' {
			p.next()
		}
		if p.eof() {
			return nil, p.rejects("unclosed character family")
		}
		name = string(p.src[start:p.i])
		p.next()
	default:
		name = string(p.next())
	}
	if set, ok := posixClasses[name]; ok {
		return set, nil
	}
	bare := strings.TrimPrefix(name, "Is")
	if t, ok := unicode.Categories[bare]; ok {
		return tableSet(t), nil
	}
	if t, ok := unicode.Scripts[bare]; ok && bare != name {
		return tableSet(t), nil
	}
	return nil, errorNoRE2(`the character property \p{%s} is not translated`, name)
}

// quoted reads the text of \Q...\E (to the end when \E is missing).
func (p *jparser) quoted() []rune {
	start := p.i
	for !p.eof() && !p.has(`\E`) {
		p.next()
	}
	text := p.src[start:p.i]
	if !p.eof() {
		p.i += 2
	}
	return text
}

// class reads a character class after its '[' and returns the set Java
// computes: items are a union, "&&" intersects the operands around it (an
// empty operand is ignored), a nested [...] is a union member, and a
// leading '^' complements the whole class.
func (p *jparser) class() (runeSet, error) {
	negate := false
	if !p.eof() && p.peek() == '^' {
		p.next()
		negate = true
	}
	var operands []runeSet
	var cur runeSet
	items := 0
	first := true
	for {
		if p.eof() {
			return nil, p.rejects("unclosed character class")
		}
		c := p.peek()
		switch {
		case c == ']' && !first:
			p.next()
			if items > 0 {
				operands = append(operands, cur)
			}
			set := runeSet{}
			for i, o := range operands {
				if i == 0 {
					set = o
				} else {
					set = set.intersect(o)
				}
			}
			if negate {
				set = set.complement()
			}
			return set, nil
		case c == '[':
			p.next()
			nested, err := p.class()
			if err != nil {
				return nil, err
			}
			cur, items = cur.union(nested), items+1
		case p.has("&&"):
			p.i += 2
			if !p.eof() && (p.peek() == '&' || p.peek() == ']') {
				// Java's "&&" with no right operand changes nothing (a
				// third '&' is then a literal), unless there is no left
				// one either.
				if items == 0 && len(operands) == 0 {
					return nil, p.rejects("bad class syntax")
				}
				continue
			}
			if items > 0 {
				operands = append(operands, cur)
			}
			cur, items = nil, 0
		default:
			set, lo, err := p.classAtom()
			if err != nil {
				return nil, err
			}
			if set == nil && p.has("-") && !p.has("-]") && !p.has("-[") && !p.has("-&&") {
				p.next()
				var hiSet runeSet
				var hi rune
				hiSet, hi, err = p.classAtom()
				if err != nil {
					return nil, err
				}
				if hiSet != nil || hi < lo {
					return nil, p.rejects("illegal character range")
				}
				set = runeSet{{lo, hi}}
			} else if set == nil {
				set = runeSet{{lo, lo}}
			}
			cur, items = cur.union(set), items+1
		}
		first = false
	}
}

// classAtom reads a character or an escape inside a class.
func (p *jparser) classAtom() (runeSet, rune, error) {
	c := p.next()
	if c != '\\' {
		return nil, c, nil
	}
	if p.eof() {
		return nil, 0, p.rejects("unclosed character class")
	}
	switch p.peek() {
	case 'Q':
		p.next()
		var set runeSet
		for _, r := range p.quoted() {
			set = set.union(runeSet{{r, r}})
		}
		return set, 0, nil
	case 'b', 'B', 'A', 'z', 'Z', 'G', 'R', 'X', 'k':
		return nil, 0, errorNoRE2(`\%c inside a character class is not translated`, p.peek())
	}
	if d := p.peek(); d >= '1' && d <= '9' {
		return nil, 0, errorNoRE2("back-references have no RE2 equivalent")
	}
	return p.escapeValue()
}

// literal is the RE2 form of one character matched as itself.
func literal(r rune) string {
	switch {
	case strings.ContainsRune(`\.+*?()|[]{}^$`, r):
		return `\` + string(r)
	case r < ' ' || r == 0x7F || !unicode.IsPrint(r):
		return fmt.Sprintf(`\x{%X}`, r)
	}
	return string(r)
}

func isASCIILetter(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
