package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Environment variables the HTTP sinks' secrets are read from.
const (
	httpPasswordEnv      = "HTTP_SINK_PASSWORD"
	httpAuthorizationEnv = "HTTP_SINK_AUTHORIZATION"
	httpOAuthSecretEnv   = "HTTP_SINK_OAUTH2_CLIENT_SECRET"
)

// secretHeader reports whether a header's value is a credential, which is
// read from an environment variable rather than copied.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"authorization", "token", "secret", "key", "password", "cookie"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

var nonEnvChar = regexp.MustCompile(`[^A-Za-z0-9]+`)

// headerEnv is the environment variable a secret header is read from.
func headerEnv(name string) string {
	if strings.EqualFold(name, "Authorization") {
		return httpAuthorizationEnv
	}
	return "HTTP_SINK_HEADER_" + strings.ToUpper(strings.Trim(nonEnvChar.ReplaceAllString(name, "_"), "_"))
}

// httpHeaders adds one header to the headers field, a credential from the
// environment.
func (t *translator) httpHeader(headers *obj, notes *[]string, key, name, value string) {
	name = strings.TrimSpace(name)
	if secretHeader(name) {
		env := headerEnv(name)
		putField(headers, name, envStr("${"+env+"}"), "")
		t.envVars = append(t.envVars, env)
		*notes = append(*notes, fmt.Sprintf("Header %s: from %s, not copied here: set %s to its value.", name, key, env))
		return
	}
	putField(headers, name, t.valueNode(key, strings.TrimSpace(value)), "")
}

// httpBatching is the batching policy that puts up to size records in one
// request body: prefix, the values joined by separator, suffix; or a JSON
// array of them.
func httpBatching(size int, prefix, separator, suffix string, jsonArray bool) *yaml.Node {
	var procs []*yaml.Node
	if jsonArray {
		procs = append(procs, component("archive", newObj().set("format", str("json_array"), "").node, ""))
	} else {
		join := fmt.Sprintf("root = if batch_index() == 0 { %s } else { \"\" } + content().string() + if batch_index() == batch_size() - 1 { %s } else { %s }",
			bloblangString(prefix), bloblangString(suffix), bloblangString(separator))
		procs = append(procs,
			component("mapping", bloblang(join), ""),
			component("archive", newObj().set("format", str("concatenate"), "").node, ""))
	}
	return newObj().
		set("count", intNode(size), "").
		set("period", str("1s"), "").
		set("processors", seq(procs...), "").node
}

// positiveInt reads an integer property that must be at least min.
func (t *translator) positiveInt(key string, def, min int) (int, error) {
	v := t.c.str(key, strconv.Itoa(def))
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return 0, t.c.invalidf(key, "%q is not an integer of at least %d", v, min)
	}
	return n, nil
}

// httpRetries sets the request retries from max.retries and retry.backoff.ms.
func (t *translator) httpRetries(fields *obj, defRetries int) error {
	retries, err := t.positiveInt("max.retries", defRetries, 0)
	if err != nil {
		return err
	}
	backoff, err := t.positiveInt("retry.backoff.ms", 3000, 0)
	if err != nil {
		return err
	}
	fields.set("retries", intNode(retries), "max.retries: a request that fails is tried again this many times; then the record is not acknowledged and is delivered again (Kafka Connect fails the task instead).")
	fields.set("retry_period", str(fmt.Sprintf("%dms", backoff)), "retry.backoff.ms")
	return nil
}

// httpOutput wraps the http_client fields, with processors in front of it.
func httpOutput(fields *obj, procs []*yaml.Node, comment string) *yaml.Node {
	out := newObj().set("http_client", fields.node, comment)
	if len(procs) > 0 {
		out.set("processors", seq(procs...), "")
	}
	return out.node
}

// confluentHTTP translates Confluent's HttpSinkConnector: each record's
// value is the body of a request to http.api.url, or batch.max.size of them
// joined by batch.separator.
func (t *translator) confluentHTTP() (*yaml.Node, error) {
	rawURL := t.c.str("http.api.url", "")
	if rawURL == "" {
		return nil, t.c.invalidf("connector.class", "HttpSinkConnector needs http.api.url")
	}
	fields := newObj()
	// ${topic} and ${key} in the URL are the record's topic and key.
	url := strings.NewReplacer("${topic}", "${! @kafka_topic }", "${key}", "${! @kafka_key.or(\"\") }").Replace(rawURL)
	urlComment := "http.api.url"
	if url != rawURL {
		urlComment += ", its topic and key templates filled with the record's"
	}
	fields.set("url", t.valueNode("http.api.url", url), urlComment)
	method := strings.ToUpper(t.c.str("request.method", "POST"))
	switch method {
	case "POST", "PUT", "PATCH":
	default:
		return nil, t.c.invalidf("request.method", "%q is not POST, PUT or PATCH", method)
	}
	fields.set("verb", str(method), "request.method")

	var notes []string
	headers := newObj()
	sep := t.c.str("header.separator", "|")
	if raw := t.c.str("headers", ""); raw != "" {
		for _, h := range strings.Split(raw, sep) {
			if strings.TrimSpace(h) == "" {
				continue
			}
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				return nil, t.c.invalidf("headers", "%q is not Name:Value (headers are separated by %q, header.separator)", h, sep)
			}
			t.httpHeader(headers, &notes, "headers", name, value)
		}
		t.secretProps["headers"] = true
	}
	if len(headers.node.Content) > 0 {
		fields.set("headers", headers.node, "headers, split on header.separator "+strconv.Quote(sep)+".")
	}

	switch auth := strings.ToUpper(t.c.str("auth.type", "NONE")); auth {
	case "NONE":
	case "BASIC":
		user := t.c.str("connection.user", "")
		t.c.get("connection.password")
		t.secretProps["connection.password"] = true
		fields.set("basic_auth", newObj().
			set("enabled", boolNode(true), "").
			set("username", t.valueNode("connection.user", user), "").
			set("password", envStr("${"+httpPasswordEnv+"}"), "").node,
			"auth.type=BASIC: the user from connection.user; connection.password is not copied here: set "+httpPasswordEnv+".")
		t.envVars = append(t.envVars, httpPasswordEnv)
	case "OAUTH2":
		if err := t.oauth2(fields, "oauth2.token.url", "oauth2.client.id", "oauth2.client.secret", "oauth2.client.scope"); err != nil {
			return nil, err
		}
	default:
		t.omit("auth.type", "%s is not translated: the requests are sent without it", auth)
	}

	size, err := t.positiveInt("batch.max.size", 1, 1)
	if err != nil {
		return nil, err
	}
	prefix, _ := t.c.get("batch.prefix")
	suffix, _ := t.c.get("batch.suffix")
	separator, set := t.c.get("batch.separator")
	if !set {
		separator = ","
	}
	jsonArray := t.c.str("batch.json.as.array", "false") == "true"
	if size > 1 || prefix != "" || suffix != "" || jsonArray {
		body := "batch.prefix, the values joined by batch.separator, batch.suffix"
		if jsonArray {
			body = "as a JSON array (batch.json.as.array)"
		}
		fields.set("batching", httpBatching(size, prefix, separator, suffix, jsonArray),
			fmt.Sprintf("batch.max.size %d: up to that many records in one request, %s; a partial batch is sent after a second.", size, body))
		if url != rawURL && size > 1 {
			t.omit("http.api.url", "a batch goes to the URL of its first record, where Kafka Connect sends records whose topic or key make different URLs in different requests")
		}
	}
	switch format := strings.ToLower(t.c.str("request.body.format", "string")); format {
	case "string", "json":
		notes = append(notes, "The body is each record's value as it is in Kafka (request.body.format="+format+": for a value that is text or schemaless JSON, the same).")
	default:
		return nil, t.c.invalidf("request.body.format", "%q is not string or json", format)
	}
	if err := t.httpRetries(fields, 10); err != nil {
		return nil, err
	}
	fields.set("max_in_flight", intNode(1), "One request at a time, in record order, as a Kafka Connect task sends them.")
	if err := t.httpTimeouts(fields); err != nil {
		return nil, err
	}
	t.confluentOther(fields)

	nulls := strings.ToLower(t.c.str("behavior.on.null.values", "ignore"))
	switch nulls {
	case "ignore", "log", "fail", "delete":
	default:
		return nil, t.c.invalidf("behavior.on.null.values", "%q is not ignore, log, fail or delete", nulls)
	}
	switch onErr := strings.ToLower(t.c.str("behavior.on.error", "fail")); onErr {
	case "fail":
	case "ignore", "log":
		t.omit("behavior.on.error", "%s: Kafka Connect goes on past a request that failed; here the record is delivered again until a request succeeds", onErr)
	default:
		return nil, t.c.invalidf("behavior.on.error", "%q is not fail, ignore or log", onErr)
	}
	out := httpOutput(fields, nil, "Confluent's HttpSinkConnector."+joinNotes(notes)+t.outputNote("value"))
	return t.tombstones(nulls, out, "behavior.on.null.values=fail"), nil
}

func joinNotes(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return "\n" + strings.Join(notes, "\n")
}

// tombstones treats a record with a null value as behavior.on.null.values
// says: skipped (acknowledged), or refused, so that it is delivered again
// as Kafka Connect's task fails on it.
func (t *translator) tombstones(behaviour string, out *yaml.Node, why string) *yaml.Node {
	if behaviour == "fail" {
		n := outputSwitch(tombstoneCondition, component("reject", str("a record with a null value ("+why+")"), ""), out)
		n.Content[0].HeadComment = commentText(why + ": a tombstone (null value) is refused, and so delivered again: Kafka Connect stops the task on it.")
		return n
	}
	comment := "behavior.on.null.values=" + behaviour + ": a tombstone (null value) is skipped."
	switch behaviour {
	case "log":
		comment = "behavior.on.null.values=log: a tombstone (null value) is skipped, with no log line."
	case "delete":
		t.omit("behavior.on.null.values", "delete: Kafka Connect sends a DELETE request for a tombstone; here tombstones are skipped")
	}
	proc := component("mapping", bloblang("root = if "+tombstoneCondition+" { deleted() }"), "")
	proc.HeadComment = commentText(comment)
	out.Content = append(out.Content, str("processors"), seq(proc))
	return out
}

// httpTimeouts sets the request timeout.
func (t *translator) httpTimeouts(fields *obj) error {
	if t.c.has("http.request.timeout.ms") {
		ms, err := t.positiveInt("http.request.timeout.ms", 30000, 1)
		if err != nil {
			return err
		}
		fields.set("timeout", str(fmt.Sprintf("%dms", ms)), "http.request.timeout.ms")
	}
	if t.c.has("http.connect.timeout.ms") {
		t.c.get("http.connect.timeout.ms")
		t.omit("http.connect.timeout.ms", "http_client has one timeout for the whole request (timeout), none for connecting alone")
	}
	return nil
}

// confluentOther reads the proxy and lists what has no equivalent.
func (t *translator) confluentOther(fields *obj) {
	if host := t.c.str("http.proxy.host", ""); host != "" {
		port := t.c.str("http.proxy.port", "")
		proxy := "http://" + host
		if port != "" && port != "0" {
			proxy += ":" + port
		}
		fields.set("proxy_url", str(proxy), "http.proxy.host and http.proxy.port")
	}
	t.c.get("http.proxy.port")
	for _, k := range []string{"http.proxy.user", "http.proxy.password"} {
		if t.c.has(k) {
			t.c.get(k)
			t.secretProps[k] = true
			t.omit(k, "proxy authentication has no http_client field: put the credentials in proxy_url (http://user:password@host:port)")
		}
	}
	// Confluent's licence topic: nothing here needs a licence.
	for _, k := range append(t.c.withPrefix("confluent.topic."), "confluent.license") {
		t.c.get(k)
		t.secretProps[k] = true
	}
	for _, k := range append(t.c.withPrefix("reporter."), "report.errors.as") {
		if t.c.has(k) {
			t.c.get(k)
			t.omit(k, "the success and error reporter topics are not written")
		}
	}
	if t.c.str("ssl.enabled", "false") == "true" || len(t.c.withPrefix("https.ssl.")) > 0 {
		t.c.get("ssl.enabled")
		for _, k := range t.c.withPrefix("https.ssl.") {
			t.c.get(k)
			t.secretProps[k] = true
		}
		t.omit("ssl.enabled", "the endpoint's TLS settings (https.ssl.*: Java keystores) are not translated: an https URL is checked against the system's CAs; convert the truststore to PEM and set tls.root_cas_file (tls.client_certs for a client certificate)")
	}
}

// oauth2 sets client credentials OAuth 2.0; the secret from the environment.
func (t *translator) oauth2(fields *obj, urlKey, idKey, secretKey, scopeKey string) error {
	tokenURL := t.c.str(urlKey, "")
	id := t.c.str(idKey, "")
	if tokenURL == "" || id == "" {
		return t.c.invalidf(urlKey, "OAuth2 needs %s and %s", urlKey, idKey)
	}
	t.c.get(secretKey)
	t.secretProps[secretKey] = true
	o := newObj().
		set("enabled", boolNode(true), "").
		set("client_key", t.valueNode(idKey, id), "").
		set("client_secret", envStr("${"+httpOAuthSecretEnv+"}"), "").
		set("token_url", t.valueNode(urlKey, tokenURL), "")
	if scope := t.c.str(scopeKey, ""); scope != "" {
		var items []*yaml.Node
		for _, s := range strings.FieldsFunc(scope, func(r rune) bool { return r == ',' || r == ' ' }) {
			items = append(items, str(s))
		}
		o.set("scopes", flowSeq(items...), "")
	}
	t.envVars = append(t.envVars, httpOAuthSecretEnv)
	fields.set("oauth2", o.node, fmt.Sprintf("OAuth 2.0 client credentials: %s, %s; %s is not copied here: set %s.", urlKey, idKey, secretKey, httpOAuthSecretEnv))
	return nil
}

// aivenHTTP translates Aiven's HttpSinkConnector: a POST to http.url per
// record, or per batch of batch.max.size records when batching.enabled.
func (t *translator) aivenHTTP() (*yaml.Node, error) {
	url := t.c.str("http.url", "")
	if url == "" {
		return nil, t.c.invalidf("connector.class", "HttpSinkConnector (Aiven) needs http.url")
	}
	fields := newObj().
		set("url", t.valueNode("http.url", url), "http.url").
		set("verb", str("POST"), "Aiven's connector always POSTs.")
	var notes []string
	headers := newObj()
	authType, set := t.c.get("http.authorization.type")
	authType = strings.ToLower(strings.TrimSpace(authType))
	switch {
	case !set:
		return nil, t.c.invalidf("connector.class", "HttpSinkConnector (Aiven) needs http.authorization.type (none, oauth2 or static)")
	case authType == "none":
	case authType == "static":
		if t.c.str("http.headers.authorization", "") == "" {
			return nil, t.c.invalidf("http.authorization.type", "static needs http.headers.authorization")
		}
		t.secretProps["http.headers.authorization"] = true
		t.httpHeader(headers, &notes, "http.headers.authorization", "Authorization", "")
	case authType == "oauth2":
		if err := t.oauth2(fields, "oauth2.access.token.url", "oauth2.client.id", "oauth2.client.secret", "oauth2.client.scope"); err != nil {
			return nil, err
		}
		t.c.get("oauth2.client.authorization.mode") // the client tries both ways of sending the credentials
		if p := t.c.str("oauth2.response.token.property", "access_token"); p != "access_token" {
			t.omit("oauth2.response.token.property", "the token is read from the response's access_token (OAuth 2.0's name), not %s", p)
		}
	default:
		return nil, t.c.invalidf("http.authorization.type", "%q is not none, oauth2 or static", authType)
	}
	if ct := t.c.str("http.headers.content.type", ""); ct != "" {
		putField(headers, "Content-Type", t.valueNode("http.headers.content.type", ct), "")
	}
	for _, h := range t.c.list("http.headers.additional") {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, t.c.invalidf("http.headers.additional", "%q is not header:value", h)
		}
		t.httpHeader(headers, &notes, "http.headers.additional", name, value)
	}
	if len(headers.node.Content) > 0 {
		fields.set("headers", headers.node, "")
	}
	if t.c.str("batching.enabled", "false") == "true" {
		size, err := t.positiveInt("batch.max.size", 500, 1)
		if err != nil {
			return nil, err
		}
		prefix, _ := t.c.get("batch.prefix")
		suffix, sufSet := t.c.get("batch.suffix")
		separator, sepSet := t.c.get("batch.separator")
		if !sufSet {
			suffix = "\n"
		}
		if !sepSet {
			separator = "\n"
		}
		fields.set("batching", httpBatching(size, javaEscapes(prefix), javaEscapes(separator), javaEscapes(suffix), false),
			fmt.Sprintf("batching.enabled, batch.max.size %d: batch.prefix, the values joined by batch.separator, batch.suffix; a partial batch is sent after a second.", size))
	} else {
		for _, k := range []string{"batch.max.size", "batch.prefix", "batch.suffix", "batch.separator"} {
			t.c.get(k) // only read with batching.enabled, as in the connector
		}
	}
	if err := t.httpRetries(fields, 1); err != nil {
		return nil, err
	}
	fields.set("max_in_flight", intNode(1), "One request at a time, in record order, as a Kafka Connect task sends them.")
	if t.c.has("http.timeout") {
		secs, err := t.positiveInt("http.timeout", 30, 1)
		if err != nil {
			return nil, err
		}
		fields.set("timeout", str(fmt.Sprintf("%ds", secs)), "http.timeout (seconds)")
	}
	if t.c.has("kafka.retry.backoff.ms") {
		t.c.get("kafka.retry.backoff.ms")
		t.omit("kafka.retry.backoff.ms", "Kafka Connect's redelivery back-off of a failed batch; here the record is delivered again at once after the request retries")
	}
	notes = append(notes, "The body is each record's value as it is in Kafka.")
	out := httpOutput(fields, nil, "Aiven's HttpSinkConnector."+joinNotes(notes)+t.outputNote("value"))
	return t.tombstones("fail", out, "Aiven's connector fails on a null value"), nil
}

// javaEscapes resolves the \n, \t, \r and \\ escape sequences Aiven's
// batch settings may hold.
func javaEscapes(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\r`, "\r", `\t`, "\t").Replace(s)
}
