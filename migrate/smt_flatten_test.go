package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFlattenNestsToDelimitedNames(t *testing.T) {
	conf := sink("transforms=f", "transforms.f.type=org.apache.kafka.connect.transforms.Flatten$Value", "transforms.f.delimiter=_")
	out := one(t, conf, record{payload: `{"a":{"b":{"c":1},"empty":{},"n":null,"l":[{"x":{"y":1}}]},"top":"t"}`, meta: kafkaMeta()})
	assert.Empty(t, out.err)
	assert.JSONEq(t, `{"a_b_c":1,"a_n":null,"a_l":[{"x":{"y":1}}],"top":"t"}`, out.payload, "arrays are kept as they are; an empty object leaves nothing")
}
