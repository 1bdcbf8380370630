package migrate

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// javaReplacement turns a replacement string into the template of Go's
// regexp.Expand (Bloblang's re_replace_all), reading it as Java's
// Matcher.appendReplacement does for re: '\' quotes the next character;
// '$' and digits is a group, the first digit always, each further digit
// only while the number stays within re's groups ($10 with one group is
// group 1 then "0"); ${name} is a named group. fails is the message of the
// exception Java throws, on every topic the regex matches, for a reference
// it cannot resolve ("" when there is none).
func javaReplacement(repl string, re *javaRegex) (template, fails string) {
	var b strings.Builder
	r := []rune(repl)
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '\\':
			i++
			if i == len(r) {
				return "", "java.lang.IllegalArgumentException: character to be escaped is missing"
			}
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteRune(r[i])
			}
		case '$':
			i++
			if i == len(r) {
				return "", "java.lang.IllegalArgumentException: Illegal group reference: group index is missing"
			}
			if r[i] == '{' {
				j := i + 1
				for j < len(r) && (isASCIILetter(r[j]) || r[j] >= '0' && r[j] <= '9') {
					j++
				}
				name := string(r[i+1 : j])
				switch {
				case name == "":
					return "", "java.lang.IllegalArgumentException: named capturing group has 0 length name"
				case j == len(r) || r[j] != '}':
					return "", "java.lang.IllegalArgumentException: named capturing group is missing trailing '}'"
				case name[0] >= '0' && name[0] <= '9':
					return "", "java.lang.IllegalArgumentException: capturing group name {" + name + "} starts with digit character"
				case !re.names[name]:
					return "", "java.lang.IllegalArgumentException: No group with name {" + name + "}"
				}
				b.WriteString("${" + name + "}")
				i = j
				continue
			}
			if r[i] < '0' || r[i] > '9' {
				return "", "java.lang.IllegalArgumentException: Illegal group reference"
			}
			group := int(r[i] - '0')
			for i+1 < len(r) && r[i+1] >= '0' && r[i+1] <= '9' {
				more := group*10 + int(r[i+1]-'0')
				if more > re.groups {
					break
				}
				group = more
				i++
			}
			if group > re.groups {
				return "", fmt.Sprintf("java.lang.IndexOutOfBoundsException: No group %d", group)
			}
			// Braces when a word character follows: Go would read $1x as a
			// group named "1x".
			if i+1 < len(r) && (r[i+1] == '_' || isASCIILetter(r[i+1]) || r[i+1] >= '0' && r[i+1] <= '9') {
				fmt.Fprintf(&b, "${%d}", group)
			} else {
				fmt.Fprintf(&b, "$%d", group)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), ""
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

// javaDecimal is the text java.math.BigDecimal(String) accepts (ASCII
// digits).
var javaDecimal = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// errHugeExponent is a BigDecimal whose exponent is not computed here.
var errHugeExponent = errors.New("an exponent beyond 4 digits is not computed")

// javaBigDecimal converts text as Kafka's Values.convertToLong and
// convertToDouble do a String: new BigDecimal(text), then longValue (the
// fraction dropped; the low 64 bits of a larger integer) or doubleValue.
// ok is false for text BigDecimal refuses.
func javaBigDecimal(text string) (long int64, double float64, ok bool, err error) {
	m := javaDecimal.FindStringSubmatch(text)
	if m == nil {
		return 0, 0, false, nil
	}
	if exp := strings.TrimLeft(m[3], "eE+-"); len(strings.TrimLeft(exp, "0")) > 4 {
		return 0, 0, true, errHugeExponent
	}
	r, good := new(big.Rat).SetString(strings.TrimPrefix(text, "+"))
	if !good {
		return 0, 0, false, nil
	}
	whole := new(big.Int).Quo(r.Num(), r.Denom())
	low := new(big.Int).Mod(whole, new(big.Int).Lsh(big.NewInt(1), 64))
	double, _ = r.Float64()
	return int64(low.Uint64()), double, true, nil
}
