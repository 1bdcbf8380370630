package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The parsing cases of Kafka's field path notation tests (KIP-821), as
// path in, steps out.
func TestFieldPathV2Steps(t *testing.T) {
	cases := []struct {
		path  string
		steps []string
	}{
		{"..", []string{"", "", ""}},
		{"foo..", []string{"foo", "", ""}},
		{".bar.", []string{"", "bar", ""}},
		{"..baz", []string{"", "", "baz"}},
		{"", nil},
		{"foobarbaz", []string{"foobarbaz"}},
		{"foo.bar.baz", []string{"foo", "bar", "baz"}},
		{"foo`bar`baz", []string{"foo`bar`baz"}},
		{"`foo.bar.baz`", []string{"foo.bar.baz"}},
		{"foo.`bar.baz`", []string{"foo", "bar.baz"}},
		{"`foo.bar`.baz", []string{"foo.bar", "baz"}},
		{"foo.`bar`.baz", []string{"foo", "bar", "baz"}},
		{"foo.``bar.baz`", []string{"foo", "`bar.baz"}},
		{"foo.`bar.baz``", []string{"foo", "bar.baz`"}},
		{"foo.`ba`r.baz`", []string{"foo", "ba`r.baz"}},
		{"foo.ba`r.baz", []string{"foo", "ba`r", "baz"}},
		{"foo.``bar``.baz", []string{"foo", "`bar`", "baz"}},
		{"``foo.bar.baz``", []string{"`foo.bar.baz`"}},
		{"foo.`bar\\`.baz`", []string{"foo", "bar`.baz"}},
		{"foo.`bar.`baz`", []string{"foo", "bar.`baz"}},
		{"foo.`bar\\`.`baz`", []string{"foo", "bar`.`baz"}},
		{"foo.`bar\\\\`.\\`baz`", []string{"foo", "bar\\`.\\`baz"}},
	}
	for _, c := range cases {
		steps, err := fieldPathV2(c.path)
		require.NoError(t, err, c.path)
		assert.Equal(t, c.steps, steps, c.path)
	}
	for path, at := range map[string]string{"`foo.bar.baz": "position 0", "foo.`bar.baz": "position 4", "foo.bar.`baz": "position 8", "foo.bar.`baz\\`": "position 8"} {
		_, err := fieldPathV2(path)
		require.Error(t, err, path)
		assert.Contains(t, err.Error(), "incomplete backtick pair in path ["+path+"]: the backtick at "+at)
	}
}

func TestExtractFieldV2ReadsNestedPaths(t *testing.T) {
	conf := sink("transforms=e", "transforms.e.type=ExtractField$Value", "transforms.e.field=`a.b`.c.d", "transforms.e.field.syntax.version=v2")
	outs := runRecords(t, conf,
		record{payload: `{"a.b":{"c":{"d":{"x":1}}}}`, meta: kafkaMeta()},
		record{payload: `{"a.b":{"c":null}}`, meta: kafkaMeta()},
		record{payload: `{"a.b":{"c":5}}`, meta: kafkaMeta()},
		record{payload: `{"a":{"b":{"c":{"d":1}}}}`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"x":1}`, outs[0][0].payload)
	assert.Equal(t, true, outs[1][0].meta["kafka_tombstone_message"], "a null step gives null: a tombstone")
	assert.Contains(t, outs[2][0].err, "ExtractField$Value: nested field access needs an object, found number")
	assert.Equal(t, true, outs[3][0].meta["kafka_tombstone_message"], "the backticks keep a.b one name")

	_, err := Translate(mustParse(t, sink("transforms=e", "transforms.e.type=ExtractField$Value", "transforms.e.field=`a.b", "transforms.e.field.syntax.version=V2")))
	assert.ErrorContains(t, err, "field: incomplete backtick pair in path [`a.b]")
	_, err = Translate(mustParse(t, sink("transforms=e", "transforms.e.type=ExtractField$Value", "transforms.e.field=a", "transforms.e.field.syntax.version=V3")))
	assert.ErrorContains(t, err, `field.syntax.version must be V1 or V2, not "V3"`)
}

func TestFieldSyntaxOnOtherSMTsIsReported(t *testing.T) {
	res, err := Translate(mustParse(t, sink("transforms=r", "transforms.r.type=ReplaceField$Value", "transforms.r.exclude=a.b", "transforms.r.field.syntax.version=V2")))
	require.NoError(t, err)
	require.Len(t, res.Omissions, 1)
	assert.Equal(t, "transforms.r.field.syntax.version", res.Omissions[0].Property)
	assert.Contains(t, res.Omissions[0].Reason, "ReplaceField does not read it in Kafka Connect (only ExtractField does)")
}

func mustParse(t *testing.T, properties string) *Connector {
	t.Helper()
	c, err := Parse("connector.properties", []byte(properties))
	require.NoError(t, err)
	return c
}
