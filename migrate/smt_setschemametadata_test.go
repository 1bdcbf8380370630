package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Under StringConverter the value has a schema in Kafka Connect (a string
// one), so SetSchemaMetadata passes the record, text included, unchanged.
func TestSetSchemaMetadataPassesWhereThePartHasASchema(t *testing.T) {
	conf := sink("value.converter=org.apache.kafka.connect.storage.StringConverter",
		"transforms=s", "transforms.s.type=SetSchemaMetadata$Value", "transforms.s.schema.name=com.example.Order")
	out := one(t, conf, record{payload: `not json`, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.Equal(t, "not json", out.payload)

	_, err := Translate(mustParse(t, sink("transforms=s", "transforms.s.type=SetSchemaMetadata$Value")))
	assert.ErrorContains(t, err, "neither schema.name nor schema.version is configured")
	_, err = Translate(mustParse(t, sink("transforms=s", "transforms.s.type=SetSchemaMetadata$Value", "transforms.s.schema.version=one")))
	assert.ErrorContains(t, err, `schema.version must be an integer, not "one"`)
}
