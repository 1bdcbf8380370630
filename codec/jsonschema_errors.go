package codec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// How a JSON Schema validation error becomes a FitError: the field is the
// instance location of one violation, written as the other converters write
// paths (user.emails[2]), and the reason is the validator's own sentence.

var englishPrinter = message.NewPrinter(language.English)

// firstViolation picks one violation out of the validator's tree of errors
// and says where it is and why. The validator reports object properties in
// map order, so "first" is made stable: the leaf with the smallest instance
// location (then keyword location). A missing or unexpected property is
// named as a field of its object.
func firstViolation(verr *jsonschema.ValidationError, instance any) (field, reason string) {
	var leaves []*jsonschema.ValidationError
	collectLeaves(verr, &leaves)
	if len(leaves) == 0 { // cannot happen: a failed validation has a cause
		return "", verr.Error()
	}
	first := leaves[0]
	for _, l := range leaves[1:] {
		if violationLess(l, first) {
			first = l
		}
	}

	field = instancePath(instance, first.InstanceLocation)
	reason = first.ErrorKind.LocalizedString(englishPrinter)
	switch k := first.ErrorKind.(type) {
	case *kind.Required:
		if len(k.Missing) == 1 {
			field, reason = pathField(field, k.Missing[0]), "missing: the schema requires it"
		}
	case *kind.AdditionalProperties:
		if len(k.Properties) == 1 {
			field, reason = pathField(field, k.Properties[0]), "not allowed: the schema has no such property and allows no others"
		}
	}
	if more := len(leaves) - 1; more == 1 {
		reason += " (and 1 more violation)"
	} else if more > 1 {
		reason += fmt.Sprintf(" (and %d more violations)", more)
	}
	return field, reason
}

// collectLeaves gathers the errors with no causes: the specific ones, not
// the "anyOf failed" or "schema failed" that wrap them.
func collectLeaves(e *jsonschema.ValidationError, out *[]*jsonschema.ValidationError) {
	if len(e.Causes) == 0 {
		*out = append(*out, e)
		return
	}
	for _, c := range e.Causes {
		collectLeaves(c, out)
	}
}

func violationLess(a, b *jsonschema.ValidationError) bool {
	pa, pb := strings.Join(a.InstanceLocation, "\x00"), strings.Join(b.InstanceLocation, "\x00")
	if pa != pb {
		return pa < pb
	}
	return strings.Join(a.ErrorKind.KeywordPath(), "/") < strings.Join(b.ErrorKind.KeywordPath(), "/")
}

// instancePath writes a location (JSON pointer tokens) as a field path,
// looking at the instance to tell an array index from an object key that
// happens to be a number.
func instancePath(instance any, tokens []string) string {
	path, v := "", instance
	for _, tok := range tokens {
		switch t := v.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err == nil && i >= 0 && i < len(t) {
				path, v = fmt.Sprintf("%s[%d]", path, i), t[i]
				continue
			}
			path, v = pathField(path, tok), nil
		case map[string]any:
			path, v = pathField(path, tok), t[tok]
		default:
			path, v = pathField(path, tok), nil
		}
	}
	return path
}

// pathField appends an object key to a field path: .name, or ["a key"]
// quoted when it is not a plain name, so the path reads back unambiguously.
func pathField(path, key string) string {
	if !plainName(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r == '$' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
