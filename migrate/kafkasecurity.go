package migrate

import (
	"fmt"
	"regexp"
	"strings"
)

// lookup finds a security setting of a side: in its overrides first, then
// its other prefixes; key is the property it was found under, "" if none.
func (t *translator) lookup(side clientSide, name string) (value, key string) {
	for _, prefix := range t.securityPrefixes(side) {
		if t.c.has(prefix + name) {
			v, _ := t.c.get(prefix + name)
			return strings.TrimSpace(v), prefix + name
		}
	}
	return "", ""
}

// securityPrefixes are where a side's security settings are read, strongest
// first. The connector config's top level counts only when it sets
// security.protocol: an ssl.* or sasl.* property without it is more likely
// the connector's own (Confluent's HTTP sink has ssl.enabled).
func (t *translator) securityPrefixes(side clientSide) []string {
	prefixes := append([]string(nil), side.overrides...)
	for _, p := range side.security {
		if p != "" || t.c.has("security.protocol") {
			prefixes = append(prefixes, p)
		}
	}
	return prefixes
}

// securityNames lists the security settings set for a side (names without
// prefix), marking them all used.
func (t *translator) securityNames(side clientSide) []string {
	seen := map[string]bool{}
	var names []string
	for _, prefix := range t.securityPrefixes(side) {
		for _, key := range t.c.withPrefix(prefix) {
			name := strings.TrimPrefix(key, prefix)
			if prefix == "" && strings.Contains(name, ".override.") {
				continue
			}
			if securityKey(name) && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	return sortedCopy(names)
}

// The secrets of the security settings: never copied into the YAML.
var secretSettings = []string{"sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password", "ssl.keystore.key"}

// security writes a side's tls and sasl fields from security.protocol,
// sasl.* and ssl.*, secrets read from environment variables.
func (t *translator) security(side clientSide, fields *obj) error {
	names := t.securityNames(side)
	handled := map[string]bool{}
	val := func(name string) (string, string) {
		handled[name] = true
		return t.lookup(side, name)
	}
	for _, s := range secretSettings {
		if _, key := t.lookup(side, s); key != "" {
			t.secretProps[key] = true
		}
	}
	protocol, protoKey := val("security.protocol")
	if protocol == "" {
		protocol = "PLAINTEXT"
	}
	protocol = strings.ToUpper(protocol)
	var useTLS, useSASL bool
	switch protocol {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return t.c.invalidf(protoKey, "%q is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", protocol)
	}
	from := "security.protocol is " + protocol
	if protoKey != "" {
		from = protoKey + "=" + protocol
	}
	if protoKey == "security.protocol" {
		from += " (Kafka Connect takes its clients' security settings from the worker config; here the connector config's apply)"
	}
	if useTLS {
		tls, comment := t.tlsFields(side, val)
		fields.set("tls", tls.node, "TLS: "+from+".\n"+comment)
	}
	if useSASL {
		if err := t.saslFields(side, val, fields, from); err != nil {
			return err
		}
	}
	for _, name := range names {
		if handled[name] {
			continue
		}
		_, key := t.lookup(side, name)
		switch {
		case strings.HasPrefix(name, "ssl.") && !useTLS, strings.HasPrefix(name, "sasl.") && !useSASL:
			// Kafka's clients ignore them under this security.protocol.
		default:
			t.omitOnce(key, "the %s security setting %s has no kafka_franz equivalent, not translated", side.role, name)
		}
	}
	return nil
}

// tlsFields reads ssl.*: PEM files and certificates become the tls block;
// Java keystores cannot be read and are listed with how to convert them.
func (t *translator) tlsFields(side clientSide, val func(string) (string, string)) (*obj, string) {
	tls := newObj().set("enabled", boolNode(true), "")
	var notes []string

	trustType, _ := val("ssl.truststore.type")
	trustLoc, trustKey := val("ssl.truststore.location")
	trustPEM, trustPEMKey := val("ssl.truststore.certificates")
	val("ssl.truststore.password") // a PEM truststore has none; a keystore's is part of the conversion
	switch {
	case trustPEM != "":
		tls.set("root_cas", t.valueNode(trustPEMKey, trustPEM), "")
		notes = append(notes, "root_cas: from "+trustPEMKey+".")
	case trustLoc != "" && strings.EqualFold(trustType, "PEM"):
		tls.set("root_cas_file", t.valueNode(trustKey, trustLoc), "")
		notes = append(notes, "root_cas_file: from "+trustKey+" (PEM).")
	case trustLoc != "":
		t.omitOnce(trustKey, "a %s truststore cannot be read here: export its CA certificates to PEM (keytool -exportcert -rfc -keystore %s -alias ALIAS > ca.pem, for each CA) and set tls.root_cas_file; the system's CAs are trusted meanwhile", keystoreType(trustType), trustLoc)
	}

	keyType, _ := val("ssl.keystore.type")
	keyLoc, keyKey := val("ssl.keystore.location")
	chain, chainKey := val("ssl.keystore.certificate.chain")
	inlineKey, _ := val("ssl.keystore.key")
	_, keyPassKey := val("ssl.key.password")
	val("ssl.keystore.password")
	cert := newObj()
	switch {
	case chain != "" && inlineKey != "":
		cert.set("cert", t.valueNode(chainKey, chain), "")
		cert.set("key", envStr("${"+side.env+"_SSL_KEY}"), "")
		t.envVars = append(t.envVars, side.env+"_SSL_KEY")
		notes = append(notes, fmt.Sprintf("client_certs: the certificate from %s; the private key (ssl.keystore.key) is not copied here: set %s_SSL_KEY to it (PEM).", chainKey, side.env))
	case keyLoc != "" && strings.EqualFold(keyType, "PEM"):
		// A PEM keystore holds the key and its certificate chain in one
		// file: Go reads each from the same file.
		cert.set("cert_file", t.valueNode(keyKey, keyLoc), "")
		cert.set("key_file", t.valueNode(keyKey, keyLoc), "")
		notes = append(notes, "client_certs: from "+keyKey+" (PEM: key and certificates in one file).")
	case keyLoc != "":
		t.omitOnce(keyKey, "a %s keystore cannot be read here: convert it to PEM (keytool -importkeystore -srckeystore %s -destkeystore client.p12 -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -nodes -out client.pem) and set tls.client_certs (cert_file and key_file: client.pem)", keystoreType(keyType), keyLoc)
	}
	if len(cert.node.Content) > 0 {
		if keyPassKey != "" {
			cert.set("password", envStr("${"+side.env+"_SSL_KEY_PASSWORD}"), "")
			t.envVars = append(t.envVars, side.env+"_SSL_KEY_PASSWORD")
			notes = append(notes, fmt.Sprintf("The key's password (%s) is not copied here: set %s_SSL_KEY_PASSWORD.", keyPassKey, side.env))
		}
		tls.set("client_certs", seq(cert.node), "")
	}

	if alg, algKey := val("ssl.endpoint.identification.algorithm"); algKey != "" && alg == "" {
		t.omitOnce(algKey, "is empty: Kafka's client then skips checking the broker's host name but still checks its certificate; the tls block has no such setting, so the host name is checked (tls.skip_cert_verify would skip the certificate check too)")
	}
	return tls, strings.Join(notes, "\n")
}

func keystoreType(t string) string {
	if t == "" {
		return "JKS (the default ssl.*store.type)"
	}
	return strings.ToUpper(t)
}

// jaasOption is key=value or key="value" in a JAAS login module's options.
var jaasOption = regexp.MustCompile(`([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))`)

// saslFields reads sasl.mechanism and sasl.jaas.config into the sasl field;
// the password (or token) is read from an environment variable.
func (t *translator) saslFields(side clientSide, val func(string) (string, string), fields *obj, from string) error {
	mechanism, mechKey := val("sasl.mechanism")
	if mechanism == "" {
		mechanism, mechKey = "GSSAPI", "sasl.mechanism"
	}
	mechanism = strings.ToUpper(mechanism)
	jaas, jaasKey := val("sasl.jaas.config")
	userEnv, passEnv := side.env+"_SASL_USERNAME", side.env+"_SASL_PASSWORD"
	entry := newObj().set("mechanism", str(mechanism), "")
	var notes []string
	switch mechanism {
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
		module := "org.apache.kafka.common.security.plain.PlainLoginModule"
		if mechanism != "PLAIN" {
			module = "org.apache.kafka.common.security.scram.ScramLoginModule"
		}
		switch {
		case jaas == "":
			entry.set("username", envStr("${"+userEnv+"}"), "").set("password", envStr("${"+passEnv+"}"), "")
			t.envVars = append(t.envVars, userEnv, passEnv)
			t.omitOnce(mechKey, "no sasl.jaas.config next to it (Kafka Connect takes the worker's): the user and password are read from %s and %s", userEnv, passEnv)
		case strings.HasPrefix(jaas, "${") && strings.HasSuffix(jaas, "}") && hasProviderRef(jaas):
			t.providerSeen[jaasKey] = true
			entry.set("username", envStr("${"+userEnv+"}"), "").set("password", envStr("${"+passEnv+"}"), "")
			t.envVars = append(t.envVars, userEnv, passEnv)
			t.omitOnce(jaasKey, "is a config provider reference (%s), not resolved here: the user and password are read from %s and %s instead", jaas, userEnv, passEnv)
		default:
			fields := strings.Fields(jaas)
			if len(fields) == 0 || fields[0] != module {
				return t.c.invalidf(jaasKey, "sasl.mechanism %s logs in with %s, not %q", mechanism, module, firstField(jaas))
			}
			opts := map[string]string{}
			for _, m := range jaasOption.FindAllStringSubmatch(jaas, -1) {
				v := m[3]
				if m[2] != "" || m[3] == "" {
					v = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
				}
				opts[m[1]] = v
			}
			user, hasUser := opts["username"]
			if !hasUser {
				return t.c.invalidf(jaasKey, "%s needs username=\"...\" and password=\"...\"", simpleName(module))
			}
			t.providerSeen[jaasKey] = true
			entry.set("username", t.valueNode(jaasKey, user), "")
			entry.set("password", envStr("${"+passEnv+"}"), "")
			t.envVars = append(t.envVars, passEnv)
			notes = append(notes, fmt.Sprintf("The user from %s; its password is not copied here: set %s.", jaasKey, passEnv))
			for k := range opts {
				if k != "username" && k != "password" {
					t.omitOnce(jaasKey, "the login module option %s has no equivalent, not translated", k)
				}
			}
		}
	case "OAUTHBEARER":
		entry.set("token", envStr("${"+side.env+"_SASL_TOKEN}"), "")
		t.envVars = append(t.envVars, side.env+"_SASL_TOKEN")
		t.omitOnce(mechKey, "OAUTHBEARER: Kafka's client fetches and refreshes tokens (its login callback handler, sasl.oauthbearer.* settings); kafka_franz sends one static token, read from %s_SASL_TOKEN", side.env)
	default:
		t.omitOnce(mechKey, "the SASL mechanism %s is not supported by kafka_franz (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER); the client does not log in", mechanism)
		return nil
	}
	comment := "SASL: " + from + ", sasl.mechanism " + mechanism + "."
	if len(notes) > 0 {
		comment += "\n" + strings.Join(notes, "\n")
	}
	fields.set("sasl", seq(entry.node), comment)
	return nil
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}
