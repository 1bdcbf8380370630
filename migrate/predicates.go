package migrate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The Bloblang conditions of Kafka Connect's built-in predicates, on the
// metadata the kafka_franz input sets. docs/MIGRATION.md lists the same.
const (
	// tombstoneCondition is RecordIsTombstone: the input marks a record with
	// a null value with kafka_tombstone_message, a boolean (or the text
	// "true" once it has been through a mapping or a header).
	tombstoneCondition = `@kafka_tombstone_message == true || @kafka_tombstone_message == "true"`
)

// topicMatchesCondition is TopicNameMatches: Java's Pattern.matches, a
// whole-string match, so the pattern (in its RE2 form) is anchored.
func topicMatchesCondition(pattern string) string {
	return `@kafka_topic.or("").re_match(` + bloblangString(wholeMatch(pattern)) + `)`
}

// hasHeaderCondition is HasHeaderKey: headers are the message's metadata.
func hasHeaderCondition(name string) string {
	return `@.keys().contains(` + bloblangString(name) + `)`
}

// negated is a predicate with negate=true.
func negated(cond string) string { return "!(" + cond + ")" }

// wholeMatch anchors a regular expression so that it must match the whole
// text, as Java's Matcher.matches does; the non-capturing group keeps the
// numbering of the pattern's own groups.
func wholeMatch(pattern string) string { return "^(?:" + pattern + ")$" }

// bloblangString quotes text as a Bloblang string literal (Go's quoting
// rules, which Bloblang's parser follows).
func bloblangString(s string) string { return strconv.Quote(s) }

// javaPattern translates the Java regular expression of property key: one
// Java refuses makes the configuration invalid, as in Kafka Connect; one
// RE2 cannot express is an errUntranslatable.
func (t *translator) javaPattern(key, pattern string) (*javaRegex, error) {
	re, err := translateJavaRegex(pattern)
	var rejects errJavaRejects
	switch {
	case errors.As(err, &rejects):
		return nil, errConfig{t.c.invalidf(key, "%q is not a valid Java regular expression (%v): Kafka Connect refuses it", pattern, rejects)}
	case err != nil:
		return nil, errUntranslatable{propertyError{key, fmt.Errorf("the Java regular expression %q has no RE2 (Bloblang) equivalent: %w", pattern, err)}}
	}
	return re, nil
}

// predicateCondition returns the Bloblang condition of the predicate a
// transform names, and a one-line description of it. ok is false when the
// predicate could not be translated (it is then listed as an omission).
func (t *translator) predicateCondition(transform, alias string) (cond, desc string, ok bool, err error) {
	if !contains(t.c.list("predicates"), alias) {
		return "", "", false, t.c.invalidf("transforms."+transform+".predicate",
			"predicate %q is not declared in predicates", alias)
	}
	prefix := "predicates." + alias + "."
	class := normalizeClass(t.c.str(prefix+"type", ""))
	if class == "" {
		return "", "", false, t.c.invalidf("predicates", "predicate %q has no %stype", alias, prefix)
	}
	defer t.reportUnusedUnder(prefix, "predicate "+alias)
	switch strings.TrimPrefix(class, "org.apache.kafka.connect.transforms.predicates.") {
	case "TopicNameMatches":
		pattern, set := t.c.get(prefix + "pattern")
		if !set || pattern == "" {
			return "", "", false, t.c.invalidf(prefix+"type", "TopicNameMatches needs %spattern", prefix)
		}
		re, err := t.javaPattern(prefix+"pattern", pattern)
		var untranslatable errUntranslatable
		switch {
		case errors.As(err, &untranslatable):
			t.omit(prefix+"pattern", "%v; transform %s is left out", untranslatable, transform)
			return "", "", false, nil
		case err != nil:
			return "", "", false, err
		}
		return topicMatchesCondition(re.re2), fmt.Sprintf(`the topic matches "%s"`, pattern), true, nil
	case "HasHeaderKey":
		name, set := t.c.get(prefix + "name")
		if !set || name == "" {
			return "", "", false, t.c.invalidf(prefix+"type", "HasHeaderKey needs %sname", prefix)
		}
		return hasHeaderCondition(name), fmt.Sprintf(`the record has a header "%s"`, name), true, nil
	case "RecordIsTombstone":
		return tombstoneCondition, "the record is a tombstone (null value)", true, nil
	}
	t.omit(prefix+"type", "predicate class %s is not translated; transform %s is left out", class, transform)
	return "", "", false, nil
}

// checkDeclaredPredicates refuses a TopicNameMatches pattern Java refuses
// in any declared predicate: Kafka Connect validates every one (its
// ConnectorConfig enriches the config with each predicate's definition),
// used or not.
func (t *translator) checkDeclaredPredicates() error {
	for _, alias := range t.c.list("predicates") {
		prefix := "predicates." + alias + "."
		if !strings.HasSuffix(normalizeClass(t.c.str(prefix+"type", "")), "TopicNameMatches") {
			continue
		}
		if pattern := t.c.str(prefix+"pattern", ""); pattern != "" {
			if _, err := t.javaPattern(prefix+"pattern", pattern); err != nil && errors.As(err, new(errConfig)) {
				return err
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// normalizeClass trims a class name, and the "class " prefix Java's
// Class.toString() gives and some properties files carry.
func normalizeClass(v string) string {
	v = strings.TrimSpace(v)
	return strings.TrimSpace(strings.TrimPrefix(v, "class "))
}

// propertyError is an error about one property: an omission made of it
// names that property.
type propertyError struct {
	key string
	err error
}

func (e propertyError) Error() string { return e.err.Error() }
func (e propertyError) Unwrap() error { return e.err }
