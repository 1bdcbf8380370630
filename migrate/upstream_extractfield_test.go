package migrate

import "testing"

// ExtractFieldTest's cases without a schema, V1 and V2 field syntax. Not
// ported, as only a Connect schema can express them: withSchema,
// withSchemaAndNestedPath, nullWithSchema, and the "Unknown field" failures
// of nonExistentFieldWithSchemaShouldFail and
// nonExistentNestedFieldWithSchemaShouldFail (a schemaless map gives null).
func TestUpstreamExtractField(t *testing.T) {
	runUpstream(t, "org.apache.kafka.connect.transforms.ExtractField$Key", []upstreamCase{
		{name: "schemaless", props: []string{"field=magic"}, in: keyed(`{"magic":42}`, `"v"`), key: `42`},
		{name: "schemalessAndNestedPath", props: []string{"field.syntax.version=V2", "field=magic.foo"}, in: keyed(`{"magic":{"foo":42}}`, `"v"`), key: `42`},
		{name: "nullSchemaless", props: []string{"field=magic"}, in: value(`"v"`), noKey: true},
		{name: "nonExistentFieldSchemalessShouldReturnNull", props: []string{"field=nonexistent"}, in: keyed(`{"magic":42}`, `"v"`), noKey: true},
		{name: "nonExistentNestedFieldSchemalessShouldReturnNull", props: []string{"field.syntax.version=V2", "field=magic.nonexistent"}, in: keyed(`{"magic":{"foo":42}}`, `"v"`), noKey: true},
	})
}

// SingleFieldPathTest's lookups in a schemaless map (shouldFindValueInMap,
// shouldReturnNullValueWhenFieldNotFoundInMap), through ExtractField$Key
// with V2 paths: a null result is a null key.
func TestUpstreamSingleFieldPathInMap(t *testing.T) {
	const key = `{"foo":{"bar":42,"baz":null}}`
	var cases []upstreamCase
	for path, want := range map[string]string{"foo.bar": "42", "foo.baz": "", "un.known": "", "foo.unknown": "", "unknown": "", "foo.baz.inner": ""} {
		c := upstreamCase{name: path, props: []string{"field.syntax.version=V2", "field=" + path}, in: keyed(key, `"v"`), key: want, noKey: want == ""}
		cases = append(cases, c)
	}
	runUpstream(t, "org.apache.kafka.connect.transforms.ExtractField$Key", cases)
}
