package schemaregistry

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

var userSchema = sr.Schema{
	Schema: `{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`,
	Type:   sr.TypeAvro,
}

// countRequests makes reg count the requests it receives (as the registry
// sees them, not as the client thinks it sent them).
func countRequests(reg *srfake.Registry) *atomic.Int64 {
	var n atomic.Int64
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool {
		n.Add(1)
		return false
	})
	return &n
}

// fakeRegistry is an in-memory registry on loopback with userSchema as id 1.
func fakeRegistry(t *testing.T, opts ...srfake.Option) *srfake.Registry {
	t.Helper()
	reg := srfake.New(opts...)
	t.Cleanup(reg.Close)
	reg.SeedSchema("users-value", 1, 1, userSchema)
	return reg
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// fromYAML builds a client from a schema_registry block, as wasm_smt will.
func fromYAML(t *testing.T, yaml string) (*Client, error) {
	t.Helper()
	spec := service.NewConfigSpec().Field(ConfigField("schema_registry"))
	conf, err := spec.ParseYAML("schema_registry:\n"+indent(yaml), nil)
	require.NoError(t, err)
	return FromParsed(conf.Namespace("schema_registry"))
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ") + "\n"
}

func TestSchemaByIDAsksTheRegistryOncePerID(t *testing.T) {
	reg := fakeRegistry(t)
	served := countRequests(reg)
	c := newClient(t, Config{URL: reg.URL()})
	ctx := context.Background()

	for range 100 {
		s, err := c.SchemaByID(ctx, 1)
		require.NoError(t, err)
		assert.JSONEq(t, userSchema.Schema, s.Schema)
		assert.Equal(t, sr.TypeAvro, s.Type)
	}
	assert.Equal(t, int64(1), served.Load(), "requests the registry received for 100 lookups of one id")
	assert.Equal(t, int64(1), c.Requests())

	reg.SeedSchema("orders-value", 1, 2, sr.Schema{Schema: `{"type":"string"}`})
	_, err := c.SchemaByID(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(2), served.Load(), "a second id costs one more request")
	assert.Equal(t, int64(2), c.Requests())
}

func TestConcurrentLookupsOfOneIDShareOneRequest(t *testing.T) {
	reg := fakeRegistry(t)
	served := countRequests(reg)
	// Hold the registry's answer until every goroutine is waiting for it, so
	// that none can be served from the cache.
	release := make(chan struct{})
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool {
		<-release
		return false
	})
	c := newClient(t, Config{URL: reg.URL()})

	const n = 50
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			started.Done()
			s, err := c.SchemaByID(context.Background(), 1)
			if err == nil && s.Schema == "" {
				err = errors.New("empty schema")
			}
			errs <- err
		}()
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond) // let them all reach the registry call
	close(release)
	done.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), served.Load(), "requests the registry received for %d concurrent lookups", n)
	assert.Equal(t, int64(1), c.Requests())
}

func TestACallerThatGivesUpDoesNotFailTheOthers(t *testing.T) {
	reg := fakeRegistry(t)
	release := make(chan struct{})
	reg.Intercept(func(http.ResponseWriter, *http.Request) bool {
		<-release
		return false
	})
	c := newClient(t, Config{URL: reg.URL()})

	impatient, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.SchemaByID(impatient, 1)
		first <- err
	}()
	second := make(chan error, 1)
	go func() {
		_, err := c.SchemaByID(context.Background(), 1)
		second <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	err := <-first
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "schema id 1: waiting for schema registry "+reg.URL())

	close(release)
	require.NoError(t, <-second, "the lookup the cancelled caller started still serves the other one")
	assert.Equal(t, int64(1), c.Requests())
}

func TestUnknownIDFailsWithWhatAndWhereAndIsNotCached(t *testing.T) {
	reg := fakeRegistry(t)
	c := newClient(t, Config{URL: reg.URL()})
	ctx := context.Background()

	_, err := c.SchemaByID(ctx, 99)
	require.Error(t, err)
	assert.Equal(t, "schema id 99: not found in schema registry "+reg.URL()+" (HTTP 404: schema not found)", err.Error())
	var rerr *Error
	require.ErrorAs(t, err, &rerr)
	assert.True(t, rerr.NotFound())
	assert.False(t, rerr.Unreachable())
	var resp *sr.ResponseError
	require.ErrorAs(t, err, &resp, "franz-go's error stays reachable")
	assert.Equal(t, sr.ErrSchemaNotFound.Code, resp.ErrorCode)

	reg.SeedSchema("late-value", 1, 99, userSchema)
	_, err = c.SchemaByID(ctx, 99)
	require.NoError(t, err, "a failed lookup is not cached: once registered, the id resolves")
}

func TestRegistryDownThenUp(t *testing.T) {
	port := testutil.FreePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := newClient(t, Config{URL: url})
	ctx := context.Background()

	_, err := c.SchemaByID(ctx, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema id 1: schema registry "+url+" is unreachable: ")
	assert.Contains(t, err.Error(), "connection refused")
	var rerr *Error
	require.ErrorAs(t, err, &rerr)
	assert.True(t, rerr.Unreachable())

	reg := srfake.NewRegistry()
	reg.SeedSchema("users-value", 1, 1, userSchema)
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	require.NoError(t, err)
	srv := &http.Server{Handler: reg.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })

	s, err := c.SchemaByID(ctx, 1)
	require.NoError(t, err, "the registry is back: the next lookup succeeds")
	assert.JSONEq(t, userSchema.Schema, s.Schema)
}

func TestSubjectLookupsAndCreate(t *testing.T) {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	c := newClient(t, Config{URL: reg.URL()})
	ctx := context.Background()

	v1, err := c.CreateSchema(ctx, "users-value", userSchema)
	require.NoError(t, err)
	assert.Equal(t, "users-value", v1.Subject)
	assert.Equal(t, 1, v1.Version)
	assert.Positive(t, v1.ID)
	v2Schema := sr.Schema{Schema: `{"type":"record","name":"User","fields":[{"name":"id","type":"string"},{"name":"age","type":["null","int"],"default":null}]}`}
	v2, err := c.CreateSchema(ctx, "users-value", v2Schema)
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Version)
	assert.NotEqual(t, v1.ID, v2.ID)

	latest, err := c.LatestBySubject(ctx, "users-value")
	require.NoError(t, err)
	assert.Equal(t, v2.ID, latest.ID)
	assert.Equal(t, 2, latest.Version)

	first, err := c.SubjectVersion(ctx, "users-value", 1)
	require.NoError(t, err)
	assert.Equal(t, v1.ID, first.ID)
	assert.JSONEq(t, userSchema.Schema, first.Schema.Schema)

	byID, err := c.SchemaByID(ctx, v2.ID)
	require.NoError(t, err)
	assert.JSONEq(t, v2Schema.Schema, byID.Schema)

	_, err = c.LatestBySubject(ctx, "nobody-value")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `latest version of subject "nobody-value": not found in schema registry `+reg.URL()+" (HTTP 404: ")
	_, err = c.SubjectVersion(ctx, "users-value", 7)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `subject "users-value" version 7: not found in schema registry `)
	_, err = c.SubjectVersion(ctx, "users-value", 0)
	require.ErrorContains(t, err, `subject "users-value" version 0: versions start at 1`)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.LatestBySubject(cancelled, "users-value")
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, `latest version of subject "users-value": waiting for schema registry `+reg.URL()+": context canceled", err.Error(),
		"a caller that gave up is not told the registry is unreachable")
}

func TestBasicAuthReachesTheRegistry(t *testing.T) {
	reg := fakeRegistry(t, srfake.WithAuth("Basic "+base64.StdEncoding.EncodeToString([]byte("ada:s3cret"))))

	c, err := fromYAML(t, fmt.Sprintf("url: %s\nbasic_auth: { enabled: true, username: ada, password: s3cret }", reg.URL()))
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.NoError(t, err)

	c = newClient(t, Config{URL: reg.URL(), Username: "ada", Password: "s3cret"})
	_, err = c.SchemaByID(context.Background(), 1)
	require.NoError(t, err, "Config's Username and Password")

	c, err = fromYAML(t, fmt.Sprintf("url: %s\nbasic_auth: { enabled: true, username: ada, password: wrong }", reg.URL()))
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.Error(t, err)
	assert.Equal(t, "schema id 1: schema registry "+reg.URL()+" refused the request as not permitted (HTTP 403: User not authorized): the credentials lack the permission", err.Error())

	c, err = fromYAML(t, "url: "+reg.URL())
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.Error(t, err)
	assert.Equal(t, "schema id 1: schema registry "+reg.URL()+" refused the request as not authenticated (HTTP 401: Missing Authorization header): check the credentials", err.Error())
}

func TestBearerTokenReachesTheRegistry(t *testing.T) {
	reg := fakeRegistry(t, srfake.WithAuth("Bearer t0ken"))

	c, err := fromYAML(t, fmt.Sprintf("url: %s\nbearer_token: t0ken", reg.URL()))
	require.NoError(t, err)
	s, err := c.SchemaByID(context.Background(), 1)
	require.NoError(t, err)
	assert.JSONEq(t, userSchema.Schema, s.Schema)

	c, err = fromYAML(t, fmt.Sprintf("url: %s\nbearer_token: other", reg.URL()))
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.ErrorContains(t, err, "HTTP 403")
}

func TestAFailureToSignIsNotAnUnreachableRegistry(t *testing.T) {
	reg := fakeRegistry(t)
	c, err := fromYAML(t, fmt.Sprintf("url: %s\njwt: { enabled: true, private_key_file: ./no-such-key.pem, signing_method: RS256 }", reg.URL()))
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema id 1: authenticating to schema registry "+reg.URL()+": failed to read private key")
	var rerr *Error
	assert.False(t, errors.As(err, &rerr), "not a registry answer nor an unreachable registry")
	assert.Zero(t, c.Requests(), "nothing was sent")
}

func TestTLSWithTheRegistrysCA(t *testing.T) {
	cert, caFile := testutil.SelfSignedCert(t, "schemaregistry test CA")
	reg := srfake.NewRegistry()
	reg.SeedSchema("users-value", 1, 1, userSchema)
	srv := httptest.NewUnstartedServer(reg.Handler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL, "https://127.0.0.1:"))

	c, err := fromYAML(t, fmt.Sprintf("url: %s\ntls: { enabled: true, root_cas_file: %q }", srv.URL, caFile))
	require.NoError(t, err)
	s, err := c.SchemaByID(context.Background(), 1)
	require.NoError(t, err)
	assert.JSONEq(t, userSchema.Schema, s.Schema)

	c, err = fromYAML(t, "url: "+srv.URL)
	require.NoError(t, err)
	_, err = c.SchemaByID(context.Background(), 1)
	require.Error(t, err, "without the CA the registry's certificate is not trusted")
	assert.Contains(t, err.Error(), "schema id 1: schema registry "+srv.URL+" is unreachable: ")
	assert.Contains(t, err.Error(), "certificate signed by unknown authority")
}

func TestConfigErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"url: ftp://registry:21", `schema registry url "ftp://registry:21": expected http://host:port or https://host:port`},
		{"url: localhost:8081", `schema registry url "localhost:8081": expected http://host:port or https://host:port`},
		{"url: http://localhost:8081\ntls: { enabled: true }", `schema registry url "http://localhost:8081": TLS is configured but the url is http: use https`},
		{"url: http://localhost:8081\nbearer_token: t\nbasic_auth: { enabled: true, username: u, password: p }", "bearer_token and basic_auth both set the Authorization header: enable only one"},
		{"url: http://u:secret@localhost:8081\ntls: { enabled: true }", `schema registry url "http://u:xxxxx@localhost:8081": TLS is configured`},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			_, err := fromYAML(t, tc.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
	_, err := New(Config{URL: "http://localhost:8081", Username: "u", BearerToken: "t"})
	require.ErrorContains(t, err, "basic authentication and a bearer token both set the Authorization header")
}

func TestConfigFieldIsOptionalWithRedpandaConnectsNames(t *testing.T) {
	spec := service.NewConfigSpec().Field(ConfigField("schema_registry"))
	conf, err := spec.ParseYAML("{}", nil)
	require.NoError(t, err)
	assert.False(t, conf.Contains("schema_registry"), "absent: the processor needs no registry")

	conf, err = spec.ParseYAML(`
schema_registry:
  url: https://registry.example:8081
  basic_auth: { enabled: true, username: u, password: p }
  oauth: { enabled: false }
  jwt: { enabled: false }
  tls: { enabled: true, skip_cert_verify: false, root_cas: "", client_certs: [] }
`, nil)
	require.NoError(t, err)
	c, err := FromParsed(conf.Namespace("schema_registry"))
	require.NoError(t, err)
	assert.Equal(t, "https://registry.example:8081", c.URL())
	assert.Zero(t, c.Requests(), "building a client sends nothing")
}
