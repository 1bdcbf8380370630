package migrate

import "testing"

// SetSchemaMetadataTest's cases without a schema. Not ported, as only a
// Connect schema can express them: the name and version updates of a
// schema (schemaNameUpdate, schemaVersionUpdate, schemaNameAndVersionUpdate,
// ...WithStruct, ...WithStructAndNullField), updateSchemaOfStruct,
// updateSchemaOfNonStruct and updateSchemaOfNull. The value is read by
// JsonConverter without schemas, as a record without a schema is.
func TestUpstreamSetSchemaMetadata(t *testing.T) {
	schemaless := []string{"value.converter=org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable=false"}
	runUpstream(t, "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value", []upstreamCase{
		{name: "valueSchemaRequired", props: []string{"schema.name=foo", "schema.version=42"}, conf: schemaless, in: value(`42`), err: "SetSchemaMetadata$Value: a schema is required"},
		{name: "ignoreRecordWithNullValue", props: []string{"schema.name=foo", "schema.version=42"}, conf: schemaless, in: tombstone(), raw: "", tomb: true},
	})
}
