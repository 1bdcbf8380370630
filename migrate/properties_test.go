package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPropertiesSyntax(t *testing.T) {
	text := "# comment\n" +
		"! also a comment\n" +
		"   \n" +
		"a=1\n" +
		"b : 2\n" +
		"c 3\n" +
		"d\t=\t  four  \n" +
		"e=one, \\\n" +
		"    two, \\\n" +
		"    three\n" +
		"f=caf\\u00e9 \\t\\n\\\\ \\# \\x\n" +
		"g\\ h\\:i=key with escapes\n" +
		"j=even\\\\\n" +
		"k=\r\n" +
		"l\n" +
		"  # not a comment when continued? no: a new line starting with # is a comment\n" +
		"m=\\uD83D\\uDE00\n" +
		"a=last wins\n"
	props, err := parseProperties([]byte(text))
	require.NoError(t, err)
	got := map[string]string{}
	lines := map[string]int{}
	for _, p := range props {
		got[p.key] = p.value
		lines[p.key] = p.line
	}
	assert.Equal(t, map[string]string{
		"a": "last wins", "b": "2", "c": "3", "d": "four  ",
		"e": "one, two, three", "f": "café \t\n\\ # x", "g h:i": "key with escapes",
		"j": "even\\", "k": "", "l": "", "m": "😀",
	}, got)
	assert.Equal(t, 8, lines["e"], "a continued line is reported at its first line")
}

func TestPropertiesBadEscapeNamesTheLine(t *testing.T) {
	_, err := parseProperties([]byte("a=1\nb=\\u12x4\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
}

func TestJSONShapesAndScalars(t *testing.T) {
	for _, doc := range []string{
		`{"name": "n", "config": {"connector.class": "FileStreamSink", "topics": "t", "tasks.max": 3, "x": true}}`,
		`{"name": "n", "connector.class": "FileStreamSink", "topics": "t", "tasks.max": 3, "x": true}`,
	} {
		c, err := Parse("c.json", []byte(doc))
		require.NoError(t, err, doc)
		assert.Equal(t, "n", c.Name)
		assert.Equal(t, "3", c.props["tasks.max"])
		assert.Equal(t, "true", c.props["x"])
	}
	_, err := Parse("c.json", []byte(`{"config": {"topics": ["a", "b"]}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field "config.topics": expected a string`)

	// Without an extension, the content decides.
	c, err := Parse("connector", []byte(" {\"name\": \"j\"}"))
	require.NoError(t, err)
	assert.Equal(t, "j", c.Name)
	c, err = Parse("connector", []byte("name=p\n"))
	require.NoError(t, err)
	assert.Equal(t, "p", c.Name)
}

func TestJavaConversions(t *testing.T) {
	// javaReplacement: javaregex_test.go.
	f, unsupported := simpleDateFormat("yyyy-MM-dd'T'HH:mm:ss''Z EEE MMM % d")
	assert.Equal(t, "%Y-%m-%dT%H:%M:%S'%z %a %b %% %-d", f)
	assert.Empty(t, unsupported)
	_, unsupported = simpleDateFormat("yyyy.SSS G")
	assert.Equal(t, []string{"SSS", "G"}, unsupported)
}
