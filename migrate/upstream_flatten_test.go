package migrate

import "testing"

// FlattenTest's cases without a schema. A byte[] has no JSON form: the
// base64 text JsonConverter writes for one stands in for it, kept as is as
// Flatten keeps bytes. Not ported, as only a Connect schema can express
// them: topLevelStructRequired, testNestedStruct, testOptionalFieldStruct,
// testOptionalStruct, testOptionalNestedStruct, testArrayWithSchema,
// testOptionalAndDefaultValuesNested, tombstoneEventWithSchemaShouldPassThrough
// and testStructWithNullFields (Structs and their schemas).
func TestUpstreamFlatten(t *testing.T) {
	const supported = `{"int8":8,"int16":16,"int32":32,"int64":64,"float32":32.0,"float64":64.0,"boolean":true,"string":"stringy","bytes":"Ynl0ZXM="}`
	runUpstream(t, "org.apache.kafka.connect.transforms.Flatten$Value", []upstreamCase{
		{name: "topLevelMapRequired", in: value(`42`), err: "Flatten$Value: Only Map objects supported in absence of schema for [flattening], found: java.lang.Long"},
		{name: "testNestedMapWithDelimiter", props: []string{"delimiter=#"}, in: value(`{"A":{"B":` + supported + `}}`),
			value: `{"A#B#int8":8,"A#B#int16":16,"A#B#int32":32,"A#B#int64":64,"A#B#float32":32.0,"A#B#float64":64.0,"A#B#boolean":true,"A#B#string":"stringy","A#B#bytes":"Ynl0ZXM="}`},
		{name: "testOptionalFieldMap", in: value(`{"B":{"opt_int32":null}}`), value: `{"B.opt_int32":null}`},
		{name: "testSchemalessArray", in: value(`{"foo":["bar",{"baz":{"lfg":"lfg"}}]}`), value: `{"foo":["bar",{"baz":{"lfg":"lfg"}}]}`},
		{name: "tombstoneEventWithoutSchemaShouldPassThrough", in: tombstone(), raw: "", tomb: true},
		{name: "testMapWithNullFields", in: value(`{"firstNull":null,"firstNonNull":"nonNull","secondNull":null,"secondNonNull":"alsoNonNull","thirdNonNull":null}`),
			value: `{"firstNull":null,"firstNonNull":"nonNull","secondNull":null,"secondNonNull":"alsoNonNull","thirdNonNull":null}`},
	})
	runUpstream(t, "org.apache.kafka.connect.transforms.Flatten$Key", []upstreamCase{
		{name: "testKey", in: keyed(`{"A":{"B":12}}`, `"v"`), key: `{"A.B":12}`},
	})
}
