package migrate

import "fmt"

// flatten translates Flatten$Key/$Value without a schema: nested objects
// become top-level fields named by their path joined with delimiter; null
// fields stay (under their full name), arrays are kept as they are, an empty
// nested object leaves nothing, and a null part passes untouched. A part
// that is not an object fails, as Kafka Connect requires a Map.
func flatten(t *translator, prefix string, p part) (string, string, error) {
	if why := t.notJSONPart(p); why != "" {
		return "", "", errUntranslatable{fmt.Errorf("Flatten%s works on the %s as schemaless JSON, but %s: not translated (a noop stands in its place)", p.variant, p.name, why)}
	}
	delimiter := t.c.str(prefix+"delimiter", ".")
	// A named map can call itself, which nested objects of any depth need;
	// this is its path prefix (null at the top) and the object.
	join := fmt.Sprintf("if $p == null { kv.key } else { $p + %s + kv.key }", bloblangString(delimiter))
	define := "map kc_flatten {\n" +
		"  let p = this.p\n" +
		"  root = this.o.key_values().map_each(kv -> if kv.value.type() == \"object\" { {\"p\": " + join + ", \"o\": kv.value}.apply(\"kc_flatten\") } else { {(" + join + "): kv.value} }).fold({}, acc -> acc.tally.assign(acc.value))\n" +
		"}"
	body := onPart(p, true,
		p.requireObject("Flatten"+p.variant),
		fmt.Sprintf(`let %s = {"p": null, "o": %s}.apply("kc_flatten")`, p.name, p.ref()),
		p.write())
	return define + "\n" + body, fmt.Sprintf("Flattens nested objects of the %s into top-level fields named by their path joined with %q (arrays and nulls are kept).", p.name, delimiter), nil
}
