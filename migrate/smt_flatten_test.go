package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlattenNestsToDelimitedNames(t *testing.T) {
	conf := sink("transforms=f", "transforms.f.type=org.apache.kafka.connect.transforms.Flatten$Value", "transforms.f.delimiter=_")
	out := one(t, conf, record{payload: `{"a":{"b":{"c":1},"empty":{},"n":null,"l":[{"x":{"y":1}}]},"top":"t"}`, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.JSONEq(t, `{"a_b_c":1,"a_n":null,"a_l":[{"x":{"y":1}}],"top":"t"}`, out.payload, "arrays are kept as they are; an empty object leaves nothing")
}

// Under StringConverter the value is a Connect string in Kafka Connect,
// which Flatten does not take as a map: reported, not parsed as JSON.
func TestFlattenOnAStringValueIsReported(t *testing.T) {
	res, err := Translate(mustParse(t, sink("value.converter=org.apache.kafka.connect.storage.StringConverter", "transforms=f", "transforms.f.type=Flatten$Value")))
	require.NoError(t, err)
	require.Len(t, res.Omissions, 1)
	assert.Equal(t, "transforms.f.type", res.Omissions[0].Property)
	assert.Contains(t, res.Omissions[0].Reason, "Flatten$Value works on the value as schemaless JSON, but the value is a Connect string with a schema here (value.converter StringConverter)")
}
