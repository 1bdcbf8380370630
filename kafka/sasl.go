package kafka

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

const (
	fieldSASL           = "sasl"
	fieldSASLMechanism  = "mechanism"
	fieldSASLUsername   = "username"
	fieldSASLPassword   = "password"
	fieldSASLToken      = "token"
	fieldSASLExtensions = "extensions"
)

// mechanismAWSMSKIAM is Redpanda Connect's AWS mechanism, refused here:
// franz-go's sasl/aws signs requests with AWS credentials, and the only
// broker at hand, kfake, speaks PLAIN and SCRAM only, so it could not be
// tested without AWS.
const mechanismAWSMSKIAM = "AWS_MSK_IAM"

// errAWSMSKIAM says why AWS_MSK_IAM is refused.
var errAWSMSKIAM = fmt.Errorf("%s is not supported by this distribution (it cannot be tested without AWS); MSK also accepts SCRAM-SHA-512", mechanismAWSMSKIAM)

// saslLintRule is a lint rule item (a Bloblang expression, a message or
// null) refusing AWS_MSK_IAM with the reason, on both components.
const saslLintRule = `if this.sasl.or([]).any(s -> s.mechanism.or("") == "AWS_MSK_IAM") {
  "field sasl: AWS_MSK_IAM is not supported by this distribution (it cannot be tested without AWS); MSK also accepts SCRAM-SHA-512"
}`

// saslField is the sasl list of both components, with Redpanda Connect's
// field names (AWS_MSK_IAM is not supported).
func saslField() *service.ConfigField {
	return service.NewObjectListField(fieldSASL,
		service.NewStringAnnotatedEnumField(fieldSASLMechanism, map[string]string{
			"none":          "No SASL authentication.",
			"PLAIN":         "Plain text authentication (use it with TLS).",
			"SCRAM-SHA-256": "SCRAM authentication (RFC 5802) with SHA-256.",
			"SCRAM-SHA-512": "SCRAM authentication (RFC 5802) with SHA-512.",
			"OAUTHBEARER":   "OAuth bearer token authentication with a static token.",
		}).Description("The SASL mechanism to use."),
		service.NewStringField(fieldSASLUsername).
			Description("The user name for PLAIN or SCRAM-* authentication.").Default(""),
		service.NewStringField(fieldSASLPassword).
			Description("The password for PLAIN or SCRAM-* authentication.").Default("").Secret(),
		service.NewStringField(fieldSASLToken).
			Description("The token for OAUTHBEARER authentication.").Default("").Secret(),
		service.NewStringMapField(fieldSASLExtensions).
			Description("Key/value pairs added to OAUTHBEARER authentication requests.").Optional(),
	).
		Description("SASL authentication methods, tried in order: the client uses the first one the broker supports.").
		Advanced().Optional().
		Example([]any{map[string]any{"mechanism": "SCRAM-SHA-512", "username": "foo", "password": "bar"}})
}

// saslMechanisms reads the sasl list; an absent list means no SASL.
func saslMechanisms(conf *service.ParsedConfig) ([]sasl.Mechanism, error) {
	if !conf.Contains(fieldSASL) {
		return nil, nil
	}
	list, err := conf.FieldObjectList(fieldSASL)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldSASL, err)
	}
	var mechs []sasl.Mechanism
	for i, m := range list {
		mech, err := saslMechanism(m)
		if err != nil {
			return nil, fmt.Errorf("field %s[%d]: %w", fieldSASL, i, err)
		}
		if mech != nil {
			mechs = append(mechs, mech)
		}
	}
	return mechs, nil
}

// saslMechanism builds one mechanism, or nil for `none`.
func saslMechanism(conf *service.ParsedConfig) (sasl.Mechanism, error) {
	name, err := conf.FieldString(fieldSASLMechanism)
	if err != nil {
		return nil, err
	}
	user, err := conf.FieldString(fieldSASLUsername)
	if err != nil {
		return nil, err
	}
	pass, err := conf.FieldString(fieldSASLPassword)
	if err != nil {
		return nil, err
	}
	switch name {
	case "", "none":
		return nil, nil
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	case mechanismAWSMSKIAM:
		return nil, errAWSMSKIAM
	case "OAUTHBEARER":
		token, err := conf.FieldString(fieldSASLToken)
		if err != nil {
			return nil, err
		}
		var ext map[string]string
		if conf.Contains(fieldSASLExtensions) {
			if ext, err = conf.FieldStringMap(fieldSASLExtensions); err != nil {
				return nil, err
			}
		}
		return oauth.Auth{Token: token, Extensions: ext}.AsMechanism(), nil
	}
	return nil, fmt.Errorf("%s: unknown SASL mechanism %q", fieldSASLMechanism, name)
}
