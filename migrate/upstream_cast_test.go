package migrate

import "testing"

// CastTest's cases without a schema, and its configuration checks. Not
// ported, as only a Connect schema can express them: the *WithSchema cases
// (Struct values, schema types, logical types Date/Time/Timestamp/Decimal,
// default values with replace.null.with.default, bytes to base64) and
// castLogicalToPrimitive/castLogicalToString (logical types).
func TestUpstreamCast(t *testing.T) {
	runUpstream(t, "org.apache.kafka.connect.transforms.Cast$Value", []upstreamCase{
		{name: "testConfigEmpty", props: []string{"spec="}, invalid: "spec must name at least one field"},
		{name: "testConfigInvalidSchemaType", props: []string{"spec=foo:faketype"}, invalid: `cannot cast to "faketype"`},
		{name: "testConfigInvalidTargetType/field", props: []string{"spec=foo:array"}, invalid: `cannot cast to "array"`},
		{name: "testConfigInvalidTargetType/whole", props: []string{"spec=array"}, invalid: `cannot cast to "array"`},
		{name: "testUnsupportedTargetType", props: []string{"spec=foo:bytes"}, invalid: `cannot cast to "bytes"`},
		{name: "testConfigInvalidMap", props: []string{"spec=foo:int8:extra"}, invalid: `"foo:int8:extra" is not field:type`},
		{name: "testConfigMixWholeAndFieldTransformation", props: []string{"spec=foo:int8,int32"}, invalid: "must be the only entry"},
		{name: "castNullValueRecordSchemaless", props: []string{"spec=foo:int64"}, in: tombstone(), raw: "", tomb: true},
		{name: "castWholeRecordValueSchemalessInt8", props: []string{"spec=int8"}, in: value(`42`), value: `42`},
		{name: "castWholeRecordValueSchemalessInt16", props: []string{"spec=int16"}, in: value(`42`), value: `42`},
		{name: "castWholeRecordValueSchemalessInt32", props: []string{"spec=int32"}, in: value(`42`), value: `42`},
		{name: "castWholeRecordValueSchemalessInt64", props: []string{"spec=int64"}, in: value(`42`), value: `42`},
		{name: "castWholeRecordValueSchemalessFloat32", props: []string{"spec=float32"}, in: value(`42`), value: `42.0`},
		{name: "castWholeRecordValueSchemalessFloat64", props: []string{"spec=float64"}, in: value(`42`), value: `42.0`},
		{name: "castWholeRecordValueSchemalessBooleanTrue", props: []string{"spec=boolean"}, in: value(`42`), value: `true`},
		{name: "castWholeRecordValueSchemalessBooleanFalse", props: []string{"spec=boolean"}, in: value(`0`), value: `false`},
		{name: "castWholeRecordValueSchemalessString", props: []string{"spec=string"}, in: value(`42`), raw: `42`},
		{name: "castWholeRecordValueSchemalessUnsupportedType", props: []string{"spec=int8"}, in: value(`["foo"]`), err: "Cast$Value: cannot cast from ARRAY"},
		// The Java values 8 (byte), 16 (short), 32, 64 (long), 32.f, -64.0,
		// true and "42" are, in JSON, these.
		{name: "castFieldsSchemaless", props: []string{"spec=int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32"},
			in:    value(`{"int8":8,"int16":16,"int32":32,"int64":64,"float32":32.0,"float64":-64.0,"boolean":true,"string":"42"}`),
			value: `{"int8":8,"int16":16,"int32":32,"int64":true,"float32":32.0,"float64":true,"boolean":1,"string":42}`},
	})
	runUpstream(t, "org.apache.kafka.connect.transforms.Cast$Key", []upstreamCase{
		{name: "castNullKeyRecordSchemaless", props: []string{"spec=foo:int64"}, in: value(`"value"`), noKey: true, raw: `"value"`},
		{name: "castWholeRecordKeySchemaless", props: []string{"spec=int8"}, in: keyed(`42`, `"bogus"`), key: `42`, raw: `"bogus"`},
	})
}
