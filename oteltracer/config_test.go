package oteltracer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parse runs the constructor's parsing on a tracer section, without the
// linter (so lint rules do not hide the constructor's own checks).
func parse(t *testing.T, yaml string) (config, error) {
	t.Helper()
	conf, err := Spec().ParseYAML(yaml, nil)
	require.NoError(t, err)
	return parseConfig(conf)
}

func TestDefaults(t *testing.T) {
	cfg, err := parse(t, "http: [{}]\ngrpc: [{secure: true}]")
	require.NoError(t, err)
	assert.Equal(t, DefaultServiceName, cfg.serviceName)
	assert.Equal(t, []collector{{address: "localhost:4318"}}, cfg.http)
	assert.Equal(t, []collector{{address: "localhost:4317", secure: true}}, cfg.grpc)
	assert.Empty(t, cfg.tags)
	assert.False(t, cfg.sampling)
}

func TestAddressWinsOverURL(t *testing.T) {
	cfg, err := parse(t, "grpc: [{address: 'a:1', url: 'b:2'}]")
	require.NoError(t, err)
	assert.Equal(t, []collector{{address: "a:1"}}, cfg.grpc)
}

func TestTheConstructorChecksTheRatioToo(t *testing.T) {
	_, err := parse(t, "grpc: [{}]\nsampling: {enabled: true, ratio: 1.5}")
	require.Error(t, err)
	assert.Equal(t, "field sampling.ratio: must be between 0 and 1, got 1.5", err.Error())
}

func TestAddresses(t *testing.T) {
	for address, want := range map[string]string{
		"localhost:4317":         "",
		"[::1]:4317":             "",
		"otel-collector:4318":    "",
		"":                       "an address is required",
		"collector":              `"collector" is not host:port: missing port in address`,
		":4317":                  `":4317" is not host:port: both a host and a port are required`,
		"https://collector:4318": `"https://collector:4318" has a scheme: give host:port (collector:4318), and secure: true for TLS`,
		"collector:4318/x":       `"collector:4318/x" is not host:port: it has a path`,
	} {
		err := checkAddress(address)
		if want == "" {
			assert.NoError(t, err, address)
		} else if assert.Error(t, err, address) {
			assert.Contains(t, err.Error(), want, address)
		}
	}
}

func TestResourceAttributes(t *testing.T) {
	res := newResource(config{serviceName: "svc", serviceVersion: "1.2", tags: map[string]string{"b": "2", "a": "1"}})
	got := map[string]string{}
	for _, kv := range res.Attributes() {
		got[string(kv.Key)] = kv.Value.AsString()
	}
	assert.Equal(t, map[string]string{"a": "1", "b": "2", "service.name": "svc", "service.version": "1.2"}, got)
}
