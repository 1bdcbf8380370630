package migrate

import (
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// javaResult is what java.util.regex does with a pattern and a topic
// (Pattern.compile, then Matcher.matches), checked with JDK 17.
type javaResult int

const (
	match   javaResult = iota
	noMatch            // compiles, does not match
	rejects            // PatternSyntaxException: Kafka Connect refuses the config
	noRE2              // Java accepts it; RE2 cannot express it: reported
)

// Each row was run through Pattern.compile(p).matcher(topic).matches() on
// JDK 17; the translation must give the same answer, or say why it cannot.
func TestJavaRegexMatchesAsJavaDoes(t *testing.T) {
	for _, c := range []struct {
		pattern, topic string
		java           javaResult
	}{
		{`[a-z&&[^x]]+`, `abc`, match},
		{`[a-z&&[^x]]+`, `abx`, noMatch},
		{`[a[bc]]`, `c`, match},
		{`[a[bc]]`, `[`, noMatch},
		{`[a[bc]]`, `]`, noMatch},
		{`[[:alpha:]]`, `b`, noMatch},
		{`[[:alpha:]]`, `:`, match},
		{`[[:alpha:]]+`, `alpha`, match},
		{`[^a[bc]]`, `b`, noMatch},
		{`[^a[bc]]`, `d`, match},
		{`[]a]`, `]`, match},
		{`[a-]`, `-`, match},
		{`[&&a]`, `a`, match},
		{`[a&&]`, `a`, match},
		{`[^a&&b]`, `c`, match},
		{`[^a&&b]`, `a`, match},
		{`[a-c[x-z]&&[b-y]]`, `x`, match},
		{`[a-c[x-z]&&[b-y]]`, `z`, noMatch},
		{`[\Qa]\E]`, `]`, match},
		{`\v`, "\u000b", match},
		{`\v`, "\u000a", match},
		{`\v`, `v`, noMatch},
		{`\h`, ` `, match},
		{`\h`, `h`, noMatch},
		{`\s`, "\u000b", match},
		{`[\s]`, "\u000b", match},
		{`\S`, "\u000b", noMatch},
		{`\e`, "\u001b", match},
		{`\cA`, "\u0001", match},
		{`\0101`, `A`, match},
		{`\x{41}`, `A`, match},
		{`\u0041`, `A`, match},
		{`\p{Alpha}+`, `abC`, match},
		{`\p{Lower}`, `A`, noMatch},
		{`\p{L}+`, `abc`, match},
		{`\pL`, `a`, match},
		{`\p{IsL}`, `a`, match},
		{`\P{Digit}`, `a`, match},
		{`[\p{Punct}&&[^.]]`, `.`, noMatch},
		{`[\p{Punct}&&[^.]]`, `-`, match},
		{`orders-.*`, `orders-7`, match},
		{`orders`, `orders-7`, noMatch},
		{`(?i)ORDERS-\d+`, `orders-7`, match},
		{`a{,3}`, `a`, rejects},
		{`a{`, `a{`, rejects},
		{`{a}`, `{a}`, rejects},
		{`[`, `[`, rejects},
		{`*`, `x`, rejects},
		{`a{2,1}`, `aa`, rejects},
		{`x{2}`, `xx`, match},
		{`a**`, `aa`, rejects},
		{`(a`, `a`, rejects},
		{`a)`, `a`, rejects},
		{`\y`, `y`, rejects},
		{`(?<n>a)(?<n>b)`, `ab`, rejects},
		{`(?=a)a`, `a`, noRE2},
		{`(a)\1`, `aa`, noRE2},
		{`a++`, `aa`, noRE2},
		{`(?>a)`, `a`, noRE2},
		{`\Qa.b\E`, `a.b`, match},
		{`\Qa.b\E`, `axb`, noMatch},
		{`a.b`, `a-b`, match},
		{`[a-z&&[^aeiou]]+`, `xyz`, match},
		{`[a-z&&[^aeiou]]+`, `xaz`, noMatch},
		{`(?x)a b`, `ab`, noRE2},
		{`a|b|`, ``, match},
		{`\w+\.\w+`, `db.orders`, match},
		{`[\w&&\D]+`, `ab_c`, match},
		{`[\w&&\D]+`, `ab1`, noMatch},
		{`\Z`, ``, match},
		{`[z-a]`, `a`, rejects},
		{`[a-c&&b]`, `b`, match},
		{`[a-c&&b]`, `a`, noMatch},
		{`[\d&&[^5]]`, `5`, noMatch},
		{`[\d&&[^5]]`, `4`, match},
		{`[^\d]`, `a`, match},
		{`[\\]`, `\`, match},
		{`[\[]`, `[`, match},
		{`a{2}+`, `aa`, noRE2},
		{`(?i)[^x]`, `X`, noMatch},
		{`(?i)[a-z&&[^x]]`, `X`, noMatch},
		{`(?i)[a-z&&[^x]]`, `A`, match},
		{`[-a]`, `-`, match},
		{`[\w-]`, `-`, match},
		{`[\w-.]`, `.`, match},
		{`[.-]`, `-`, match},
		{`[]]`, `]`, match},
		{`[]`, `]`, rejects},
		{`[^]a]`, `b`, match},
		{`[^]a]`, `]`, noMatch},
		{`a{1,2}?b`, `ab`, match},
		{`(?:a|b)+`, `abab`, match},
		{`x*`, ``, match},
		{`[a-c-e]`, `d`, noMatch},
		{`[a-c-e]`, `-`, match},
		{`[a&&b&&]`, `a`, noMatch},
		{`[&&]`, `a`, rejects},
		{`[a&]`, `&`, match},
		{`[a&&&b]`, `a`, match},
		{`[\Q-\E]`, `-`, match},
		{`\Qab`, `ab`, match},
		{`[a-\d]`, `a`, rejects},
		{`\x41`, `A`, match},
		{`\0`, `x`, rejects},
		{`\u004`, `x`, rejects},
		{`(?<a1>x)`, `x`, match},
		{`(?<1a>x)`, `x`, rejects},
		{`(?idmsuxU-idmsuxU:a)`, `A`, noRE2},
		{`(?q)a`, `a`, rejects},
		{`a{99999}`, `a`, noRE2},
		{`a{1000}`, `a`, noMatch},
		{`.+`, `a.b`, match},
		{`[\p{L}&&[^a]]`, `b`, match},
		{`\p{Lu}`, `A`, match},
		{`\p{IsLatin}`, `a`, match},
		{`\p{InGreek}`, `a`, noRE2},
		{`\P{L}`, `1`, match},
		{`\pN`, `1`, match},
		{`a{2,}`, `aaa`, match},
		{`^a$`, `a`, match},
		{`\Aa\z`, `a`, match},
		{`\ba\b`, `a`, match},
		{`(a)|b`, `b`, match},
		{`a||b`, ``, match},
		{`()`, ``, match},
		{`(?:)`, ``, match},
		{`\R`, "\u000a", match},
		{`[\s&&[^ ]]`, ` `, noMatch},
	} {
		re, err := translateJavaRegex(c.pattern)
		var rej errJavaRejects
		var none errNoRE2
		switch c.java {
		case rejects:
			assert.True(t, errors.As(err, &rej), "%q: Java rejects it, got %v", c.pattern, err)
		case noRE2:
			assert.True(t, errors.As(err, &none), "%q: no RE2 equivalent, got %v", c.pattern, err)
		default:
			if !assert.NoError(t, err, c.pattern) {
				continue
			}
			got := regexp.MustCompile(wholeMatch(re.re2)).MatchString(c.topic)
			assert.Equal(t, c.java == match, got, "%q (RE2 %q) on %q", c.pattern, re.re2, c.topic)
		}
	}
}

// The RE2 form keeps a pattern that means the same as it is, and writes a
// class Java computes as the set it is.
func TestJavaRegexRE2Form(t *testing.T) {
	for java, want := range map[string]string{
		`([^.]+)\.([^.]+)\.([^.]+)`: `([^.]+)\.([^.]+)\.([^.]+)`,
		`orders-.*`:                 `orders-.*`,
		`[a-z&&[^x]]+`:              `[a-wyz]+`,
		`[[:alpha:]]`:               `[:ahlp]`,
		`(?<name>\w+)-\d{2,3}?`:     `(?P<name>\w+)-\d{2,3}?`,
		`\s`:                        `[\x{9}-\x{D} ]`,
	} {
		re, err := translateJavaRegex(java)
		require.NoError(t, err, java)
		assert.Equal(t, want, re.re2, java)
	}
	re, err := translateJavaRegex(`(a)(?:b)(?<n>c)(d)`)
	require.NoError(t, err)
	assert.Equal(t, 3, re.groups)
	assert.True(t, re.names["n"])
}

// Replacements, each checked with Matcher.replaceFirst on JDK 17 after
// Matcher.matches.
func TestJavaReplacementReadsGroupsAsJava(t *testing.T) {
	for _, c := range []struct {
		regex, replacement, topic, want, fails string
	}{
		{`([a-z]+)\.b`, `$10\$x`, "a.b", "a0$x", ""},
		{`(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)`, `$11-$12-$1a`, "abcdefghijk", "k-a2-aa", ""},
		{`(?<nm>a)b`, `${nm}`, "ab", "a", ""},
		{`(a)?b`, `[$1]`, "b", "[]", ""},
		{`(a)b`, `$0$1`, "ab", "aba", ""},
		{`(a)b`, `\q\\`, "ab", `q\`, ""},
		{`(\w+)-(\d+)`, `$2x_$1`, "orders-7", "7x_orders", ""},
		{`([a-z]+)\.b`, `$2`, "a.b", "", "java.lang.IndexOutOfBoundsException: No group 2"},
		{`(?<nm>a)b`, `${nm}-${x}`, "ab", "", "java.lang.IllegalArgumentException: No group with name {x}"},
		{`(a)b`, `$`, "ab", "", "java.lang.IllegalArgumentException: Illegal group reference: group index is missing"},
		{`(a)b`, `$x`, "ab", "", "java.lang.IllegalArgumentException: Illegal group reference"},
		{`(a)b`, `x\`, "ab", "", "java.lang.IllegalArgumentException: character to be escaped is missing"},
		{`(a)b`, `${}`, "ab", "", "java.lang.IllegalArgumentException: named capturing group has 0 length name"},
		{`(a)b`, `${nm`, "ab", "", "java.lang.IllegalArgumentException: named capturing group is missing trailing '}'"},
		{`(a)b`, `${1}`, "ab", "", "java.lang.IllegalArgumentException: capturing group name {1} starts with digit character"},
	} {
		re, err := translateJavaRegex(c.regex)
		require.NoError(t, err, c.regex)
		template, fails := javaReplacement(c.replacement, re)
		assert.Equal(t, c.fails, fails, c.replacement)
		if fails == "" {
			got := regexp.MustCompile(wholeMatch(re.re2)).ReplaceAllString(c.topic, template)
			assert.Equal(t, c.want, got, "%q with %q (template %q)", c.regex, c.replacement, template)
		}
	}
}
