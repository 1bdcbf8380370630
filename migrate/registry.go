package migrate

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// Environment variables the schema_registry secrets are read from: the
// translation never copies a password or a token into the YAML.
const (
	registryUsernameEnv = "SCHEMA_REGISTRY_USERNAME"
	registryPasswordEnv = "SCHEMA_REGISTRY_PASSWORD"
	registryTokenEnv    = "SCHEMA_REGISTRY_BEARER_TOKEN"
)

// registryConf is a schema registry as a converter's settings name it, in
// the terms of wasm_smt's schema_registry field.
type registryConf struct {
	part string // the part whose settings these are
	url  string // the first URL, without user info

	username string // a literal, or an environment variable reference
	password bool   // basic auth: the password is read from registryPasswordEnv
	bearer   bool   // the token is read from registryTokenEnv

	// secret is the password or token as written, to tell two registries
	// apart; it is never rendered.
	secret string
	notes  []string // where the fields come from, for the comment
}

// same reports whether two parts name the same registry with the same
// credentials.
func (r *registryConf) same(o *registryConf) bool {
	return r.url == o.url && r.username == o.username && r.password == o.password &&
		r.bearer == o.bearer && r.secret == o.secret
}

// describe names the registry in an omission: its URL, and how it
// authenticates (never the secret).
func (r *registryConf) describe() string {
	switch {
	case r.username != "":
		return r.url + " as user " + r.username
	case r.bearer:
		return r.url + " with a bearer token"
	}
	return r.url
}

// node is the schema_registry field.
func (r *registryConf) node() *yaml.Node {
	o := newObj().set("url", str(r.url), "")
	if r.username != "" {
		user := str(r.username)
		if r.username == "${"+registryUsernameEnv+"}" {
			user = envStr(r.username)
		}
		o.set("basic_auth", newObj().
			set("enabled", boolNode(true), "").
			set("username", user, "").
			set("password", envStr("${"+registryPasswordEnv+"}"), "").node, "")
	}
	if r.bearer {
		o.set("bearer_token", envStr("${"+registryTokenEnv+"}"), "")
	}
	return o.node
}

// comment explains the schema_registry field.
func (r *registryConf) comment() string {
	return strings.Join(r.notes, "\n")
}

// registrySettings reads the schema registry settings of an avro, protobuf
// or json_schema converter: the URL, basic or bearer authentication, TLS.
// It returns nil, with an omission, for a registry that cannot be written.
func (t *translator) registrySettings(c *partConverter) (*registryConf, error) {
	pre := c.prop + "."
	class := simpleName(c.class)
	urlProp := pre + "schema.registry.url"
	urls := splitList(t.c.str(urlProp, ""))
	if len(urls) == 0 {
		return nil, t.c.invalidf(c.prop, "%s needs %s (Kafka Connect fails the task without it)", class, urlProp)
	}
	first := urls[0]
	u, err := url.Parse(first)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		reason := "not an http(s) URL"
		if strings.HasPrefix(first, "mock://") {
			reason = "mock:// is Confluent's in-process registry for tests, with no equivalent"
		}
		t.omit(urlProp, "%s: the %s is not decoded (the guest gets its bytes as they are)", reason, c.part)
		t.coverSettings(c.prop)
		return nil, nil
	}
	userInfo := u.User
	u.User = nil
	r := &registryConf{part: c.part, url: u.String()}
	r.notes = append(r.notes, "From "+urlProp+".")
	if len(urls) > 1 {
		t.omit(urlProp, "lists %d schema registry URLs; schema_registry takes one: the first, %s, without fail-over to the others", len(urls), r.url)
	}

	basicSource := strings.ToUpper(t.c.str(pre+"basic.auth.credentials.source", ""))
	bearerSource := strings.ToUpper(t.c.str(pre+"bearer.auth.credentials.source", ""))
	if basicSource != "" && bearerSource != "" {
		return nil, t.c.invalidf(pre+"bearer.auth.credentials.source", "Kafka Connect refuses both %sbasic.auth.credentials.source and %sbearer.auth.credentials.source: only one may be set", pre, pre)
	}
	// The deprecated name wins when it is set, as in Confluent's serde config.
	info := t.c.str(pre+"schema.registry.basic.auth.user.info", "")
	infoProp := pre + "schema.registry.basic.auth.user.info"
	if v := t.c.str(pre+"basic.auth.user.info", ""); info == "" {
		info, infoProp = v, pre+"basic.auth.user.info"
	}
	switch basicSource {
	case "":
		if userInfo != nil || info != "" {
			r.notes = append(r.notes, "No basic.auth.credentials.source: Kafka Connect sends no credentials, so none are set.")
		}
	case "USER_INFO":
		if info == "" {
			return nil, t.c.invalidf(pre+"basic.auth.credentials.source", "USER_INFO needs %sbasic.auth.user.info (user:password)", pre)
		}
		t.basicAuth(r, info, infoProp)
	case "URL":
		if userInfo == nil {
			r.notes = append(r.notes, "basic.auth.credentials.source=URL, and the URL holds no credentials: none are sent.")
			break
		}
		pass, _ := userInfo.Password()
		t.basicAuth(r, userInfo.Username()+":"+pass, urlProp)
	case "SASL_INHERIT":
		t.omit(pre+"basic.auth.credentials.source", "SASL_INHERIT takes the registry's credentials from the Kafka client's SASL login (sasl.jaas.config), which has no equivalent here: set schema_registry.basic_auth yourself")
	default:
		return nil, t.c.invalidf(pre+"basic.auth.credentials.source", "%q is not URL, USER_INFO or SASL_INHERIT", basicSource)
	}

	tokenProps := t.c.withPrefix(pre + "bearer.auth.")
	switch bearerSource {
	case "":
		// Without a source Kafka Connect sends no token: the other bearer
		// settings are not used.
	case "STATIC_TOKEN":
		token := t.c.str(pre+"bearer.auth.token", "")
		if token == "" {
			return nil, t.c.invalidf(pre+"bearer.auth.credentials.source", "STATIC_TOKEN needs %sbearer.auth.token", pre)
		}
		r.bearer, r.secret = true, token
		r.notes = append(r.notes, fmt.Sprintf("bearer_token: from %sbearer.auth.token, which is not copied here: set %s.", pre, registryTokenEnv))
		for _, k := range []string{"bearer.auth.logical.cluster", "bearer.auth.identity.pool.id"} {
			if t.c.str(pre+k, "") != "" {
				t.omit(pre+k, "sent to the registry as a request header by Kafka Connect; no equivalent")
			}
		}
	case "OAUTHBEARER":
		t.omit(pre+"bearer.auth.credentials.source", "OAUTHBEARER fetches tokens from %sbearer.auth.issuer.endpoint.url with client credentials, which has no equivalent (schema_registry's oauth is OAuth 1 request signing): set schema_registry.bearer_token to a token you fetch", pre)
	case "SASL_OAUTHBEARER_INHERIT", "CUSTOM":
		t.omit(pre+"bearer.auth.credentials.source", "%s has no equivalent: set schema_registry.bearer_token (or basic_auth) yourself", bearerSource)
	default:
		return nil, t.c.invalidf(pre+"bearer.auth.credentials.source", "%q is not STATIC_TOKEN, OAUTHBEARER, SASL_OAUTHBEARER_INHERIT or CUSTOM", bearerSource)
	}
	for _, k := range tokenProps {
		t.c.get(k)
	}

	var tls []string
	for _, k := range t.c.withPrefix(pre + "schema.registry.ssl.") {
		t.c.get(k)
		tls = append(tls, strings.TrimPrefix(k, pre))
	}
	if len(tls) > 0 {
		t.omit(pre+"schema.registry.ssl.*", "TLS settings (%s) are not translated: Java keystores and truststores have no equivalent; convert them to PEM files and set schema_registry.tls (root_cas_file, client_certs)", strings.Join(tls, ", "))
	}
	return r, nil
}

// basicAuth sets user:password credentials: the user as written (or from
// the environment when it is a reference), the password always from the
// environment.
func (t *translator) basicAuth(r *registryConf, info, prop string) {
	user, pass, ok := strings.Cut(info, ":")
	r.password, r.secret = true, pass
	if strings.Contains(info, "${") {
		// A config provider reference (${file:...}, ${env:...}) resolves
		// in the worker, not here.
		r.username = "${" + registryUsernameEnv + "}"
		t.omit(prop, "a config provider reference, which is not resolved here: set %s and %s", registryUsernameEnv, registryPasswordEnv)
		r.notes = append(r.notes, fmt.Sprintf("basic_auth: from %s (a config provider reference): set %s and %s.", prop, registryUsernameEnv, registryPasswordEnv))
		return
	}
	if !ok {
		t.omit(prop, "is not user:password: it is taken as the user, with an empty password")
	}
	r.username = user
	r.notes = append(r.notes, fmt.Sprintf("basic_auth: the user from %s; the password is not copied here: set %s.", prop, registryPasswordEnv))
}
