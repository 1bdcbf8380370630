package migrate

import (
	"fmt"
	"strings"
)

// javaPatternLetters are the letters java.text.SimpleDateFormat knows; any
// other unquoted letter makes the pattern invalid.
const javaPatternLetters = "GyYMLwWDdFEuaHkKhmsSzZX"

// timestampConverter translates TimestampConverter$Key/$Value without a
// schema. What JSON holds reads as JsonConverter reads it: an integer is a
// Long, a Unix time in unix.precision; a string is parsed with format. A
// java.util.Date (target.type Date, Time or Timestamp) has no JSON form: it
// is written as epoch milliseconds, which a later TimestampConverter reads
// back as a Long.
func timestampConverter(t *translator, prefix string, p part) (string, string, error) {
	if why := t.notJSONPart(p); why != "" {
		return "", "", errUntranslatable{fmt.Errorf("TimestampConverter%s works on the %s as schemaless JSON, but %s: not translated (a noop stands in its place)", p.variant, p.name, why)}
	}
	target, ok := t.c.get(prefix + "target.type")
	if !ok {
		return "", "", fmt.Errorf("target.type is required: string, unix, Date, Time or Timestamp")
	}
	switch target {
	case "string", "unix", "Date", "Time", "Timestamp":
	default:
		return "", "", fmt.Errorf("target.type must be string, unix, Date, Time or Timestamp, not %q", target)
	}
	precision := t.c.str(prefix+"unix.precision", "milliseconds")
	// Unix time n in the precision to milliseconds, and back from $ms; Java's
	// TimeUnit truncates toward zero, as Go's % does.
	fromUnix, known := map[string]string{
		"seconds":      "n * 1000",
		"milliseconds": "n",
		"microseconds": "((n - n % 1000) / 1000).int64()",
		"nanoseconds":  "((n - n % 1000000) / 1000000).int64()",
	}[precision]
	toUnix := map[string]string{
		"seconds":      "(($ms - $ms % 1000) / 1000).int64()",
		"milliseconds": "$ms",
		"microseconds": "$ms * 1000",
		"nanoseconds":  "$ms * 1000000",
	}[precision]
	if !known {
		return "", "", fmt.Errorf("unix.precision must be seconds, milliseconds, microseconds or nanoseconds, not %q", precision)
	}
	field, _ := t.c.get(prefix + "field")
	pattern, _ := t.c.get(prefix + "format")
	t.c.get(prefix + "replace.null.with.default")
	hasFormat := strings.TrimSpace(pattern) != ""
	if target == "string" && !hasFormat {
		return "", "", fmt.Errorf("format is required (a SimpleDateFormat pattern) when target.type is string")
	}
	who := "TimestampConverter" + p.variant

	// From the JSON value in this to epoch milliseconds.
	fromText := fmt.Sprintf("throw(%s)", bloblangString(who+": a string timestamp needs format, which is not set"))
	if hasFormat {
		if err := checkJavaPattern(pattern); err != nil {
			return "", "", err
		}
		parse, unsupported := simpleDateFormatWith(pattern, parseDirective)
		if len(unsupported) > 0 {
			t.omit(prefix+"format", "SimpleDateFormat letters %s have no strptime equivalent: a string timestamp fails here instead of being parsed", strings.Join(unsupported, " "))
		}
		fromText = fmt.Sprintf("this.ts_strptime(%s).catch(err -> throw(%s + this + %s)).ts_unix_milli()",
			bloblangString(parse), bloblangString(who+": could not parse timestamp: value ("), bloblangString(") does not match pattern ("+pattern+")"))
		t.omit(prefix+"format", "strings are parsed strictly: SimpleDateFormat's lenient parsing (text after the date ignored, out-of-range fields such as month 13 rolled over, fewer or more digits than the pattern's) is not reproduced, and such a record fails here")
	}
	longToMillis := "this.int64()"
	if fromUnix != "n" {
		longToMillis += ".(n -> " + fromUnix + ")"
	}
	toMillis := fmt.Sprintf(`let t = this.type()
  let ms = match {
    $t == "number" && %s => %s,
    $t == "string" => %s,
    _ => throw(%s + match { $t == "number" => "a floating-point number", $t == "object" => "an object", _ => $t })
  }`, javaLong(p), longToMillis, fromText, bloblangString(who+": a timestamp must be a Long (Unix time) or a string, not "))

	// From epoch milliseconds ($ms) to the target.
	var toTarget string
	const day = 86400000
	switch target {
	case "unix":
		toTarget = toUnix
	case "Timestamp":
		toTarget = "$ms"
	case "Date":
		toTarget = fmt.Sprintf("$ms - (($ms %% %d) + %d) %% %d", day, day, day)
	case "Time":
		toTarget = fmt.Sprintf("(($ms %% %d) + %d) %% %d", day, day, day)
	case "string":
		format, unsupported := simpleDateFormatWith(pattern, formatDirective)
		if len(unsupported) > 0 {
			t.omit(prefix+"format", "SimpleDateFormat letters %s have no strftime equivalent and are left out of the text written", strings.Join(unsupported, " "))
		}
		toTarget = formatMillis(format)
	}
	if target == "Date" || target == "Time" || target == "Timestamp" {
		t.omit(prefix+"target.type", "%s gives a java.util.Date, which JSON has no type for: it is written as epoch milliseconds (a sink connector would get a Date; a source's JsonConverter without schema cannot write one and fails the record); a later TimestampConverter reads it as a Long in its unix.precision", target)
	}
	define := fmt.Sprintf("map kc_timestamp {\n  %s\n  root = %s\n}", toMillis, toTarget)

	var body []string
	var comment string
	if field == "" {
		body = []string{fmt.Sprintf(`let %s = %s.apply("kc_timestamp")`, p.name, p.ref()), p.write()}
		comment = fmt.Sprintf("Converts the %s, a timestamp, to %s", p.name, target)
	} else {
		body = []string{
			p.requireObject(who),
			fmt.Sprintf(`let %s = %s.assign({%s: %s.(v -> if v == null { null } else { v.apply("kc_timestamp") })})`, p.name, p.ref(), bloblangString(field), p.field(field)),
			p.write(),
		}
		comment = fmt.Sprintf("Converts the %s's field %s, a timestamp, to %s", p.name, field, target)
	}
	switch target {
	case "string":
		comment += fmt.Sprintf(" (%q, in UTC)", pattern)
	case "unix":
		comment += " in " + precision
	default:
		comment += " (written as epoch milliseconds)"
	}
	comment += ". A Long input is Unix time in " + precision
	if hasFormat {
		comment += fmt.Sprintf(", a string is parsed with %q", pattern)
	}
	return define + "\n" + onPart(p, true, body...), comment + "; a null stays null.", nil
}

// checkJavaPattern refuses a pattern SimpleDateFormat refuses: an unquoted
// letter that is not a pattern letter, or an unterminated quote.
func checkJavaPattern(pattern string) error {
	quoted := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case !quoted && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && !strings.ContainsRune(javaPatternLetters, rune(c)):
			return fmt.Errorf("format %q is not a SimpleDateFormat pattern: %q is not a pattern letter (quote literal text with ')", pattern, c)
		}
	}
	if quoted {
		return fmt.Errorf("format %q is not a SimpleDateFormat pattern: a quote is not closed", pattern)
	}
	return nil
}

// millisMark surrounds, in formatDirective's output, the number of S
// letters: strftime has no milliseconds, so formatMillis writes them.
const millisMark = "\x00"

// formatMillis is the expression writing epoch milliseconds ($ms) with a
// strftime format from formatDirective: the whole seconds (floored, as a
// calendar counts them) through ts_strftime in UTC, the milliseconds (S)
// as a number of at least that many digits.
func formatMillis(format string) string {
	const secs = "(($ms - (($ms % 1000) + 1000) % 1000) / 1000).int64()"
	const millis = "((($ms % 1000) + 1000) % 1000)"
	var parts []string
	for i, seg := range strings.Split(format, millisMark) {
		switch {
		case i%2 == 1:
			parts = append(parts, fmt.Sprintf(`"%%0%sd".format(%s)`, seg, millis))
		case seg != "":
			parts = append(parts, fmt.Sprintf("%s.ts_strftime(%s, \"UTC\")", secs, bloblangString(seg)))
		}
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}

// formatDirective writes a pattern letter run the way TimestampConverter's
// SimpleDateFormat (time zone UTC) does: S is the milliseconds (formatMillis
// writes them); z, Z and X are UTC's names.
func formatDirective(c byte, n int) (string, bool) {
	switch c {
	case 'S':
		return fmt.Sprintf("%s%d%s", millisMark, n, millisMark), true
	case 'z':
		if n >= 4 {
			return "Coordinated Universal Time", true
		}
		return "UTC", true
	case 'Z':
		return "+0000", true
	case 'X':
		return "Z", true
	}
	return strftimeFor(c, n)
}

// parseDirective reads a pattern letter run for strptime: S is a fraction
// of a second (milliseconds when written with three digits, as SSS does);
// z a zone name; Z and X an offset.
func parseDirective(c byte, n int) (string, bool) {
	switch c {
	case 'S':
		return "%f", true
	case 'z':
		return "%Z", true
	case 'Z', 'X':
		return "%z", true
	}
	return strftimeFor(c, n)
}
