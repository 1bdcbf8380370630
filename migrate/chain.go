package migrate

import (
	"strings"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// Between two mappings a record part is its bytes: a string the pipeline
// writes is its text, which the next mapping would read back as JSON when
// it looks like JSON. Schemaless, ExtractField can make the value (or key)
// a String, and an SMT after it must see that String (and fail, where it
// needs a Map, as Kafka Connect does). So ExtractField keeps a string as
// JSON ("...") when a later built-in SMT reads the part; when none does,
// it writes the text as before, and when one reads it under a predicate,
// the records the predicate passes over get their text back after the
// chain (or before a wasm_smt, which reads the bytes as Kafka holds them).

// pendingQuote is an ExtractField, schemaless, of the chain so far.
type pendingQuote struct {
	idx     int // its step
	p       part
	field   string
	prefix  string // its properties' prefix, transforms.X.
	read    bool   // a later built-in SMT reads the part
	partial bool   // ...under a predicate
}

// quoteCandidate is the part and field of a schemaless ExtractField about
// to be translated, before it runs; ok is false for any other transform.
func (t *translator) quoteCandidate(class, prefix string) (p part, field string, ok bool) {
	if !strings.HasPrefix(strings.TrimPrefix(class, transformsPackage), "ExtractField$") {
		return part{}, "", false
	}
	_, p, _ = builtinFor(class)
	p = t.partNow(p)
	field = t.c.str(prefix+"field", "")
	return p, field, !p.hasSchema() && !t.keepsJSON(p, field)
}

// keepsJSON reports whether ExtractField's result stays JSON to the end:
// a FileStreamSource value that JsonConverter writes as JSON, unless it is
// the String the lines were (the last step quotes it: serialize.go).
func (t *translator) keepsJSON(p part, field string) bool {
	if t.sink || t.class != fileSourceClass || p.name != "value" || t.conv["value"] == nil || t.conv["value"].name != codec.JSONName {
		return false
	}
	h, hoisted := t.hoisted[p.name]
	return !(hoisted && p.shape == shapeStruct && h.field == field && h.from != shapeJSON)
}

// trackQuotes notes what the step just added to steps does to the parts
// ExtractField left: candidate is its quoteCandidate, taken before it.
func (t *translator) trackQuotes(steps []step, class string, candidate *pendingQuote) {
	s := steps[len(steps)-1]
	if s.proc == nil || len(s.proc.Content) == 0 || s.proc.Content[0].Value != "mapping" {
		return // a noop (not translated) reads nothing; wasm_smt flushed before
	}
	for _, name := range partsOf(class) {
		if q := t.quoted[name]; q != nil {
			q.read = true
			q.partial = q.partial || s.cond != ""
		}
	}
	if candidate != nil {
		candidate.idx = len(steps) - 1
		t.quoted[candidate.p.name] = candidate
	}
}

// flushQuotes settles the pending ExtractFields: one whose part nothing
// read writes its text after all; one read under a predicate is followed
// by a step giving the records passed over their text.
func (t *translator) flushQuotes(steps []step) []step {
	var lines, parts []string
	for _, name := range []string{"key", "value"} {
		q := t.quoted[name]
		switch {
		case q == nil:
			continue
		case !q.read:
			path, _ := t.fieldPath(q.prefix, q.field) // checked when the step was made
			quoted, _ := extractFieldMapping(q.p, q.field, path, true)
			plain, plainComment := extractFieldMapping(q.p, q.field, path, false)
			if s := &steps[q.idx]; s.proc.Content[1].Value == bloblang(quoted).Value {
				_, quotedComment := extractFieldMapping(q.p, q.field, path, true)
				s.proc = component("mapping", bloblang(plain), "")
				s.comment = strings.Replace(s.comment, quotedComment, plainComment, 1)
			}
		case q.partial && name == "value":
			lines = append(lines, "if !("+tombstoneCondition+") && this.type() == \"string\" {\n  root = this\n}")
			parts = append(parts, "value")
		case q.partial:
			lines = append(lines, "if @kafka_key != null {\n  let key = @kafka_key.parse_json()\n  meta kafka_key = if $key.type() == \"string\" { $key } else { @kafka_key }\n}")
			parts = append(parts, "key")
		}
	}
	t.quoted = map[string]*pendingQuote{}
	if len(lines) == 0 {
		return steps
	}
	return append(steps, step{
		comment: "ExtractField's string " + strings.Join(parts, " and ") + ", kept as JSON for the transforms after it, becomes its text.",
		proc:    component("mapping", bloblang(strings.Join(lines, "\n")), ""),
	})
}
