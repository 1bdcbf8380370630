package codec_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// testRegistry is an in-memory schema registry on loopback, a client of it,
// and the number of requests it has received.
type testRegistry struct {
	fake     *srfake.Registry
	client   *schemaregistry.Client
	requests *atomic.Int64
}

func newTestRegistry(t testing.TB) *testRegistry {
	t.Helper()
	fake := srfake.New()
	t.Cleanup(fake.Close)
	var n atomic.Int64
	fake.Intercept(func(http.ResponseWriter, *http.Request) bool {
		n.Add(1)
		return false
	})
	client, err := schemaregistry.New(schemaregistry.Config{URL: fake.URL()})
	require.NoError(t, err)
	return &testRegistry{fake: fake, client: client, requests: &n}
}

// seed registers schema as version 1 of subject under id.
func (r *testRegistry) seed(subject string, id int, schema sr.Schema) {
	r.fake.SeedSchema(subject, 1, id, schema)
}

// converter makes the named schema-aware converter over this registry.
func (r *testRegistry) converter(t testing.TB, name string, opts codec.SchemaOptions) codec.SchemaConverter {
	t.Helper()
	opts.Registry = r.client
	c, err := codec.New(name, opts)
	require.NoError(t, err)
	sc, ok := c.(codec.SchemaConverter)
	require.True(t, ok, "%s is schema-aware", name)
	return sc
}

// wire frames data in the Confluent wire format with schema id.
func wire(t testing.TB, id int, indexes []int, data []byte) []byte {
	t.Helper()
	b, err := schemaregistry.AppendWire(nil, id, indexes, data)
	require.NoError(t, err)
	return b
}
