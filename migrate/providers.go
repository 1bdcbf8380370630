package migrate

import (
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// providerRef is a config provider reference as Kafka's ConfigTransformer
// finds them in a value: ${provider:[path:]key} (its DEFAULT_PATTERN).
var providerRef = regexp.MustCompile(`\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`)

// envName is a name Benthos reads as an environment variable in ${NAME}.
var envName = regexp.MustCompile(`^[0-9A-Za-z_.]+$`)

// hasProviderRef reports whether a value holds a config provider reference.
func hasProviderRef(v string) bool { return providerRef.MatchString(v) }

// envProvider is the provider name worker configs give Kafka's
// EnvVarConfigProvider by convention (config.providers=env); the worker
// config is not in a connector's, so the name is all there is to go by.
const envProvider = "env"

// benthosEnv rewrites a value's ${env:NAME} references into Benthos's
// ${NAME}. ok is false when the value holds another reference (${file:...},
// ${directory:...}, a path given to env, a name Benthos cannot read), which
// then stays as written; refs lists the references either way.
func benthosEnv(v string) (out string, ok bool, refs []string) {
	ok = true
	out = providerRef.ReplaceAllStringFunc(v, func(m string) string {
		refs = append(refs, m)
		g := providerRef.FindStringSubmatch(m)
		provider, path, key := g[1], g[3], g[4]
		if provider != envProvider || path != "" || !envName.MatchString(key) {
			ok = false
			return m
		}
		return "${" + key + "}"
	})
	if !ok {
		return v, false, refs
	}
	return out, true, refs
}

// valueNode is a property's value as a YAML scalar: ${env:NAME} references
// become Benthos environment variable references; other provider references
// are listed as not translated and the value is written as it is.
func (t *translator) valueNode(key, v string) *yaml.Node {
	if !hasProviderRef(v) {
		return str(v)
	}
	out, ok, refs := benthosEnv(v)
	t.providerSeen[key] = true
	if !ok {
		t.omitProvider(key, refs)
		return str(v)
	}
	t.envVars = append(t.envVars, envNames(out)...)
	return envStr(out)
}

// omitProvider lists a property whose value holds a provider reference
// that cannot become an environment variable reference, with what to do.
func (t *translator) omitProvider(key string, refs []string) {
	t.omit(key, "holds the config provider reference %s, which Kafka Connect resolves in the worker and which is not resolved here "+
		"(it is written as it is): put the value in an environment variable NAME and write ${NAME} in its place (or write the value itself)",
		strings.Join(refs, ", "))
}

// envNames lists the ${NAME} references of a value.
func envNames(v string) []string {
	var names []string
	for _, m := range envRef.FindAllString(v, -1) {
		name := m[2 : len(m)-1]
		if i := strings.IndexAny(name, ":|"); i >= 0 {
			name = name[:i]
		}
		names = append(names, name)
	}
	return names
}

// reportProviders lists the provider references of properties translated
// by code that takes values as they are (SMT settings, converters...): Kafka
// Connect would have resolved them, the pipeline gets the reference's text.
// Properties nothing read are left to leftovers.
func (t *translator) reportProviders() {
	var keys []string
	for k, v := range t.c.props {
		if t.c.used[k] && !t.providerSeen[k] && hasProviderRef(v) && !t.secretProps[k] && !t.omitted(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		_, _, refs := benthosEnv(t.c.props[k])
		t.omitProvider(k, refs)
	}
}

// envList is the environment variables the YAML reads, for the head.
func (t *translator) envList() string {
	seen := map[string]bool{}
	var names []string
	for _, n := range t.envVars {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// omitted reports whether a property is already listed as not translated.
func (t *translator) omitted(key string) bool {
	for _, o := range t.omissions {
		if o.Property == key {
			return true
		}
	}
	return false
}
