package migrate

import (
	"fmt"
	"sort"
	"strings"
)

// castTypes are the types Cast casts to (Kafka Connect's schema types, in
// lower case as the spec may write them in any case).
var castTypes = map[string]bool{"int8": true, "int16": true, "int32": true, "int64": true, "float32": true, "float64": true, "boolean": true, "string": true}

// cast translates Cast$Key/$Value without a schema. JSON reads as Kafka's
// JsonConverter reads it: an integer is a Java Long, any other number a
// Double, then each cast is Java's: numbers narrow as Java's casts do
// (truncation toward zero, saturation to int, then two's complement
// wrap-around), strings parse as Byte/Short/Integer/Long/Float/Double.parse*
// and Boolean.parseBoolean, and a Double becomes text as Double.toString.
func cast(t *translator, prefix string, p part) (string, string, error) {
	if why := t.notJSONPart(p); why != "" {
		return "", "", errUntranslatable{fmt.Errorf("Cast%s works on the %s as schemaless JSON, but %s: not translated (a noop stands in its place)", p.variant, p.name, why)}
	}
	spec := t.c.list(prefix + "spec")
	t.c.get(prefix + "replace.null.with.default")
	if len(spec) == 0 {
		return "", "", fmt.Errorf("spec must name at least one field to cast (field:type) or a type for the whole %s", p.name)
	}
	whole := ""
	var fields []string
	casts := map[string]string{}
	for _, s := range spec {
		pieces := strings.Split(s, ":")
		for len(pieces) > 1 && pieces[len(pieces)-1] == "" {
			pieces = pieces[:len(pieces)-1] // Java's split drops trailing empty strings
		}
		if len(pieces) > 2 {
			return "", "", fmt.Errorf("spec: %q is not field:type", s)
		}
		typ := strings.ToLower(strings.TrimSpace(pieces[len(pieces)-1]))
		if !castTypes[typ] {
			return "", "", fmt.Errorf("spec: %q: cannot cast to %q; the types are int8, int16, int32, int64, float32, float64, boolean and string", s, strings.TrimSpace(pieces[len(pieces)-1]))
		}
		if len(pieces) == 1 {
			whole = typ
			continue
		}
		f := strings.TrimSpace(pieces[0])
		if _, seen := casts[f]; !seen {
			fields = append(fields, f)
		}
		casts[f] = typ
	}
	if whole != "" && len(spec) > 1 {
		return "", "", fmt.Errorf("spec: a type for the whole %s (%s) must be the only entry", p.name, whole)
	}
	who := "Cast" + p.variant
	used := map[string]bool{}
	if whole != "" {
		used[whole] = true
	}
	for _, typ := range casts {
		used[typ] = true
	}
	defs := castMaps(used, who, javaLong(p))

	if whole != "" {
		body := onPart(p, true, fmt.Sprintf("let %s = %s.apply(%q)", p.name, p.ref(), "kc_cast_"+whole), p.write())
		return defs + "\n" + body, fmt.Sprintf("Casts the whole %s to %s, as Kafka Connect's Cast does without a schema (a null %s stays null).", p.name, whole, p.name), nil
	}
	pairs := make([]string, len(fields))
	notes := make([]string, len(fields))
	for i, f := range fields {
		pairs[i] = fmt.Sprintf("%s: %s.apply(%q)", bloblangString(f), p.field(f), "kc_cast_"+casts[f])
		notes[i] = f + " to " + casts[f]
	}
	body := onPart(p, true,
		p.requireObject(who),
		fmt.Sprintf("let %s = %s.assign({%s})", p.name, p.ref(), strings.Join(pairs, ", ")),
		p.write())
	return defs + "\n" + body, fmt.Sprintf("Casts fields of the %s: %s (as Kafka Connect's Cast does without a schema; a missing field becomes null).", p.name, strings.Join(notes, ", ")), nil
}

// castMaps defines a named map per target type used, kc_cast_<type>, from
// any JSON value to the cast one; errors name who.
func castMaps(used map[string]bool, who, isJavaLong string) string {
	types := make([]string, 0, len(used))
	for typ := range used {
		types = append(types, typ)
	}
	sort.Strings(types)
	var b strings.Builder
	if used["string"] {
		b.WriteString(javaDoubleMap + "\n")
	}
	unsupported := fmt.Sprintf(`throw(%s + match this.type() { "object" => "MAP (a JSON object)", "array" => "ARRAY", _ => this.type() })`,
		bloblangString(who+": cannot cast from "))
	outOfRange := fmt.Sprintf(`throw(%s + this + %s)`, bloblangString(who+": value ("), bloblangString(") was out of range for the requested type"))
	for _, typ := range types {
		var number, text, boolean string
		switch typ {
		case "int8", "int16", "int32", "int64":
			bits := map[string]int{"int8": 8, "int16": 16, "int32": 32, "int64": 64}[typ]
			long, double := "this.int64()", javaDoubleToLong
			if bits < 64 {
				long = wrapBits("this.int64()", bits)
				double = wrapBits(javaDoubleToInt, bits)
			}
			number = fmt.Sprintf("if %s { %s } else { %s }", isJavaLong, long, double)
			lo, hi := -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1
			if bits == 64 {
				// Long.parseLong: int64 parsing does the range check.
				text = fmt.Sprintf(`if this.re_match("^[+-]?[0-9]+$") { this.int64().catch(null).or(%s) } else { %s }`, outOfRange, outOfRange)
			} else {
				text = fmt.Sprintf(`if this.re_match("^[+-]?[0-9]+$") { this.int64().catch(null).(n -> if n != null && n >= %d && n <= %d { n } else { %s }) } else { %s }`, lo, hi, outOfRange, outOfRange)
			}
			boolean = "if this { 1 } else { 0 }"
		case "float32", "float64":
			conv := ".float64()"
			if typ == "float32" {
				conv = ".float32()"
			}
			number = "this.float64()" + conv
			// Float/Double.parse*: trims, takes an f/F/d/D suffix; NaN and
			// Infinity have no JSON number, so they fail here.
			text = fmt.Sprintf(`this.trim().(s -> if s.re_match("^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?[fFdD]?$") { s.re_replace_all("[fFdD]$", "").float64()%s.catch(null).or(%s) } else { %s })`, conv, outOfRange, outOfRange)
			boolean = "if this { 1.0 } else { 0.0 }"
		case "boolean":
			number = fmt.Sprintf("if %s { this.int64() != 0 } else { this <= -1 || this >= 1 }", isJavaLong)
			text = `this.lowercase() == "true"`
			boolean = "this"
		case "string":
			number = fmt.Sprintf(`if %s { this.int64().string() } else { this.float64().apply("kc_java_double") }`, isJavaLong)
			text = "this"
			boolean = "this.string()"
		}
		// A match without a subject: one with this.type() as subject would
		// rebind this to the type's name.
		fmt.Fprintf(&b, "map kc_cast_%s {\n  let t = this.type()\n  root = match {\n    $t == \"null\" => null,\n    $t == \"bool\" => %s,\n    $t == \"number\" => %s,\n    $t == \"string\" => %s,\n    _ => %s\n  }\n}\n",
			typ, boolean, number, text, unsupported)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// javaLong is true when the JSON number in this is one JsonConverter
// reads as a Long (others are Doubles): in the value, an integer literal.
// The key is parsed from kafka_key's text into a float, which keeps no
// literal: there, a number without a fraction counts as a Long (42.0 too).
func javaLong(p part) string {
	if p.name == "key" {
		return "this == this.floor()"
	}
	return `!this.string().re_match("[.eE]")`
}

// javaDoubleToInt is Java's (int) of a double: truncation toward zero,
// saturating at the int range.
const javaDoubleToInt = `this.float64().(d -> if d >= 2147483647.0 { 2147483647 } else if d <= -2147483648.0 { -2147483648 } else if d < 0 { d.ceil().int64() } else { d.floor().int64() })`

// javaDoubleToLong is Java's (long) of a double: truncation toward zero,
// saturating at the long range.
const javaDoubleToLong = `this.float64().(d -> if d >= 9223372036854775807.0 { 9223372036854775807 } else if d <= -9223372036854775808.0 { -9223372036854775807 - 1 } else if d < 0 { d.ceil().int64() } else { d.floor().int64() })`

// wrapBits keeps the low bits of an integer as a signed value: Java's
// narrowing of an int or long to byte, short or int.
func wrapBits(expr string, bits int) string {
	m := int64(1) << bits
	return fmt.Sprintf("(%s).(n -> ((n %% %d) + %d) %% %d).(n -> if n >= %d { n - %d } else { n })", expr, m, m, m, m/2, m)
}

// javaDoubleMap is kc_java_double: a float64 as Java's Double.toString
// writes it (shortest digits; plain from 10^-3 to 10^7, else d.dddE±n).
const javaDoubleMap = `map kc_java_double {
  let g = "%v".format(this)
  let neg = $g.has_prefix("-")
  let a = $g.trim_prefix("-")
  let mant = $a.split("e").index(0)
  let exp = if $a.contains("e") { $a.split("e").index(1).int64() } else { 0 }
  let ip = $mant.split(".").index(0)
  let fp = if $mant.contains(".") { $mant.split(".").index(1) } else { "" }
  let all = $ip + $fp
  let trimmed = $all.re_replace_all("^0+", "")
  let d = $trimmed.re_replace_all("0+$", "")
  let e = $ip.length() + $exp - ($all.length() - $trimmed.length()) - 1
  let text = if $d == "" { "0.0" } else if $e >= 0 && $e < 7 {
    if $d.length() > $e + 1 { $d.slice(0, $e + 1) + "." + $d.slice($e + 1) } else { $d + "0".repeat($e + 1 - $d.length()) + ".0" }
  } else if $e < 0 && $e >= -3 {
    "0." + "0".repeat(0 - $e - 1) + $d
  } else {
    $d.slice(0, 1) + "." + (if $d.length() > 1 { $d.slice(1) } else { "0" }) + "E" + $e.string()
  }
  root = if $neg { "-" + $text } else { $text }
}`

// notJSONPart says why the part does not reach an SMT as schemaless JSON
// in Kafka Connect, "" when it does: a sink's StringConverter or
// ByteArrayConverter part, and FileStreamSource's value, are a Connect
// string or bytes with a schema, which these SMTs treat otherwise (Cast,
// TimestampConverter and Flatten work on its schema) while a mapping would
// parse the text as JSON.
func (t *translator) notJSONPart(p part) string {
	if !t.sink {
		if t.class == fileSourceClass && p.name == "value" {
			return "FileStreamSource's value is a Connect string with a schema"
		}
		return ""
	}
	if c := t.conv[p.name]; c != nil && (c.class == stringConverter || c.class == byteArrayConverter) {
		return fmt.Sprintf("the %s is a Connect %s with a schema here (%s %s)", p.name, map[string]string{stringConverter: "string", byteArrayConverter: "bytes"}[c.class], c.prop, simpleName(c.class))
	}
	return ""
}
