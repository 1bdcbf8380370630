package schemaregistry

import (
	"fmt"
	"net/http"

	"github.com/redpanda-data/benthos/v4/public/service"
)

const (
	fieldURL         = "url"
	fieldBearerToken = "bearer_token"
	fieldTLS         = "tls"
)

// ConfigField returns the config field name (wasm_smt uses
// `schema_registry`): an optional object with the registry's url, its
// authentication and TLS. Its fields are those of Redpanda Connect's schema
// registry components (url, basic_auth, oauth, jwt, tls: Benthos's own field
// builders), so a connection block copies over, plus bearer_token. Whether
// it is set is conf.Contains(name); FromParsed(conf.Namespace(name)) builds
// the client.
func ConfigField(name string) *service.ConfigField {
	fields := []*service.ConfigField{
		service.NewURLField(fieldURL).
			Description("The base URL of the schema registry (the Confluent REST API), such as `http://localhost:8081`.").
			Example("http://localhost:8081"),
	}
	// oauth, basic_auth and jwt: Benthos's request signers, under the names
	// Redpanda Connect's schema_registry_decode and _encode use.
	fields = append(fields, service.NewHTTPRequestAuthSignerFields()...)
	fields = append(fields,
		service.NewStringField(fieldBearerToken).
			Description("A token sent as `Authorization: Bearer <token>` on every request (not with basic_auth, oauth or jwt, which set the same header).").
			Secret().
			Optional().
			Advanced(),
		service.NewTLSToggledField(fieldTLS),
	)
	return service.NewObjectField(name, fields...).
		Description("The schema registry that holds the schemas of records in the Confluent wire format. Schemas are fetched once per id and cached.").
		Optional()
}

// FromParsed builds a client from a config of the field ConfigField
// describes, namespaced to that field (conf.Namespace(name)). It sends
// nothing: an unreachable registry fails lookups, not the pipeline's start.
func FromParsed(conf *service.ParsedConfig) (*Client, error) {
	var cfg Config
	var err error
	if cfg.URL, err = conf.FieldString(fieldURL); err != nil {
		return nil, err
	}
	if conf.Contains(fieldBearerToken) {
		if cfg.BearerToken, err = conf.FieldString(fieldBearerToken); err != nil {
			return nil, err
		}
	}
	if cfg.BearerToken != "" {
		for _, f := range []string{"basic_auth", "oauth", "jwt"} {
			if on, _ := conf.FieldBool(f, "enabled"); on {
				return nil, fmt.Errorf("%s and %s both set the Authorization header: enable only one", fieldBearerToken, f)
			}
		}
	}
	sign, err := conf.HTTPRequestAuthSignerFromParsed()
	if err != nil {
		return nil, err
	}
	fs := conf.Resources().FS()
	cfg.Sign = func(req *http.Request) error { return sign(fs, req) }

	tlsConf, tlsOn, err := conf.FieldTLSToggled(fieldTLS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fieldTLS, err)
	}
	if tlsOn {
		cfg.TLS = tlsConf
	}
	return New(cfg)
}
