package migrate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Omission is a part of the connector configuration the translation did not
// carry over, with why.
type Omission struct {
	// Property is the property (or property prefix) concerned.
	Property string
	// Reason says what was left out and why.
	Reason string
}

// String is "property: reason".
func (o Omission) String() string { return o.Property + ": " + o.Reason }

// Result is a translated connector.
type Result struct {
	// YAML is the Benthos config, omissions listed in its head comment.
	YAML []byte
	// Omissions lists what was not translated; empty means all of it was.
	Omissions []Omission
}

// translator holds the state of one translation.
type translator struct {
	c         *Connector
	class     string
	sink      bool
	omissions []Omission

	conv     map[string]*partConverter // the connector's converters: key, value
	registry *registryConf             // the schema_registry of every wasm_smt, nil for none
	reads    map[string]bool           // the record parts the transforms chain reads: key, value
	// shapes is how the chain holds each part after the transforms
	// translated so far (parts.go); a part not in it has its initial shape.
	shapes  map[string]part
	hoisted map[string]hoist         // the Struct a HoistField made of a String or bytes, by part
	quoted  map[string]*pendingQuote // the parts a schemaless ExtractField left, by part (chain.go)

	producer     *obj            // the kafka_franz output fields of the producer's settings, once read
	clientErr    error           // an invalid producer setting, found while writing an output
	providerSeen map[string]bool // properties whose provider references were handled where they are written
	secretProps  map[string]bool // properties never copied into the YAML (passwords, keys)
	envVars      []string        // environment variables the YAML reads secrets and values from
	ownBrokers   bool            // the brokers come from the connector config, not KAFKA_BROKERS
}

// omit records something not translated.
func (t *translator) omit(property, format string, args ...any) {
	t.omissions = append(t.omissions, Omission{Property: property, Reason: fmt.Sprintf(format, args...)})
}

// reportUnusedUnder lists the properties under prefix nothing read.
func (t *translator) reportUnusedUnder(prefix, owner string) {
	for _, k := range t.c.withPrefix(prefix) {
		if !t.c.used[k] {
			t.c.used[k] = true
			t.omit(k, "unknown property of %s, not translated", owner)
		}
	}
}

// step is one transform of the chain, translated.
type step struct {
	comment string
	proc    *yaml.Node // the processor
	wasm    *obj       // the wasm_smt fields, when it is one (its check goes there)
	cond    string     // the predicate's condition, "" when unconditional
}

// Translate turns a connector configuration into a Benthos config. An error
// means the configuration is invalid (Kafka Connect would refuse it too);
// what is valid but not translatable is in Result.Omissions.
func Translate(c *Connector) (*Result, error) {
	t := &translator{c: c, reads: map[string]bool{}, shapes: map[string]part{}, hoisted: map[string]hoist{}, quoted: map[string]*pendingQuote{},
		providerSeen: map[string]bool{}, secretProps: map[string]bool{}}
	t.class = canonicalConnector(normalizeClass(c.str("connector.class", "")))
	if t.class == "" {
		return nil, errors.New("connector.class is missing")
	}
	t.sink = isSink(c, t.class)
	c.get("tasks.max") // parallelism: pipeline threads and more processes in the group (docs/MIGRATION.md)
	c.get("config.action.reload")

	input, output, inputProcs, err := t.connectorIO()
	if err != nil {
		return nil, err
	}
	if err := t.converters(); err != nil {
		return nil, err
	}
	if t.class == fileSinkClass {
		if lines := t.fileSinkLines(); lines != nil {
			output.Content = append(output.Content, str("processors"), seq(lines))
		}
	}
	steps, err := t.transforms()
	if err != nil {
		return nil, err
	}
	checks := t.converterChecks()
	steps = append(checks, steps...)
	output, outputComment, err := t.errorHandling(output)
	if err != nil {
		return nil, err
	}
	if t.clientErr != nil {
		return nil, t.clientErr
	}
	t.reportProviders()
	t.leftovers()

	if len(inputProcs) > 0 {
		input.Content = append(input.Content, str("processors"), seq(inputProcs...))
	}
	doc := newObj().set("input", input, "")
	if procs := renderSteps(steps); procs != nil {
		pipeline := newObj()
		switch {
		case t.stopsOnError():
			procs.Content = append(procs.Content, t.stopOnError())
			pipeline.set("threads", intNode(1), "One thread: nothing after a failed record is processed while the pipeline stops.")
		case t.class == fileSinkClass:
			pipeline.set("threads", intNode(1), "One thread: the file gets the records in the order they were read, as FileStreamSinkConnector writes them.")
		}
		names := c.list("transforms")
		var comment string
		switch {
		case len(names) == 0 && len(checks) == len(steps):
			comment = "The converter stage (the connector has no transforms)."
		case len(names) == 0:
			comment = "No transforms: the processors write the records as the connector's converters would."
		case len(checks) > 0:
			comment = "The converter stage, then the transforms chain (" + strings.Join(names, ", ") + "), in order."
		default:
			comment = "The transforms chain (" + strings.Join(names, ", ") + "), in order."
		}
		if note := t.workerNote(t.reads); note != "" {
			comment += "\n" + note
		}
		doc.set("pipeline", pipeline.set("processors", procs, "").node, comment)
	}
	doc.set("output", output, outputComment)
	out, err := render(doc.node, t.head())
	if err != nil {
		return nil, err
	}
	return &Result{YAML: out, Omissions: t.omissions}, nil
}

// head is the comment at the top of the YAML.
func (t *translator) head() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Migrated by `benthos-wasm migrate kafka-connect` from %s.\n", t.c.File)
	fmt.Fprintf(&b, "Connector %q: %s\n", t.c.Name, t.class)
	if !t.ownBrokers {
		b.WriteString("Brokers come from KAFKA_BROKERS (default 127.0.0.1:9092). See docs/MIGRATION.md.\n")
	} else {
		b.WriteString("Brokers come from the connector config. See docs/MIGRATION.md.\n")
	}
	if env := t.envList(); env != "" {
		b.WriteString("Environment variables it reads (secrets are never copied into it): " + env + ".\n")
	}
	if len(t.omissions) == 0 {
		b.WriteString("Everything was translated.")
		return b.String()
	}
	b.WriteString("NOT TRANSLATED (review before use):\n")
	for _, o := range t.omissions {
		b.WriteString("  - " + o.String() + "\n")
	}
	return b.String()
}

// transforms translates the transforms chain in order.
func (t *translator) transforms() ([]step, error) {
	var steps []step
	for _, alias := range t.c.list("transforms") {
		prefix := "transforms." + alias + "."
		class := normalizeClass(t.c.str(prefix+"type", ""))
		if class == "" {
			return nil, t.c.invalidf("transforms", "transform %q has no %stype", alias, prefix)
		}
		if class == wasmTransformerClass {
			steps = t.flushQuotes(steps)
		}
		var candidate *pendingQuote
		if p, field, ok := t.quoteCandidate(class, prefix); ok {
			candidate = &pendingQuote{p: p, field: field, prefix: prefix}
		}
		s, err := t.transform(alias, prefix, class)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
		t.trackQuotes(steps, class, candidate)
		t.reportUnusedUnder(prefix, "transform "+alias+" ("+class+")")
	}
	steps = t.flushQuotes(steps)
	if s := t.serializeSource(); s != nil {
		steps = append(steps, *s)
	}
	if err := t.checkDeclaredPredicates(); err != nil {
		return nil, err
	}
	// Predicates no transform uses are harmless, as in Kafka Connect.
	for _, k := range t.c.withPrefix("predicates.") {
		t.c.get(k)
	}
	t.c.get("predicates")
	return steps, nil
}

// transform translates one transform with its predicate.
func (t *translator) transform(alias, prefix, class string) (step, error) {
	title := fmt.Sprintf("transforms.%s: %s", alias, class)
	todo := func(reason string) step {
		return step{comment: title + "\nTODO: not translated: " + reason, proc: component("noop", emptyObj(), "")}
	}

	var cond, condDesc string
	if predicate := t.c.str(prefix+"predicate", ""); predicate != "" {
		var ok bool
		var err error
		cond, condDesc, ok, err = t.predicateCondition(alias, predicate)
		if err != nil {
			return step{}, err
		}
		if !ok {
			// The transform is left out with its predicate: its own
			// properties are covered by that omission, not unknown.
			for _, k := range t.c.withPrefix(prefix) {
				t.c.get(k)
			}
			return todo("its predicate " + predicate + " is not translated"), nil
		}
		if t.c.str(prefix+"negate", "false") == "true" {
			cond, condDesc = negated(cond), "not ("+condDesc+")"
		}
	} else if t.c.has(prefix + "negate") {
		t.c.get(prefix + "negate")
	}

	s := step{cond: cond}
	var comment string
	if class == wasmTransformerClass {
		t.reads["key"], t.reads["value"] = true, true
		fields, c, err := t.wasmSMT(prefix)
		if err != nil {
			return step{}, t.c.invalidf(prefix+"type", "%v", err)
		}
		s.wasm, s.proc, comment = fields, component("wasm_smt", fields.node, ""), c
		// wasm_smt writes the record back as its converters encode it.
		delete(t.shapes, "key")
		delete(t.shapes, "value")
	} else {
		smt, p, ok := builtinFor(class)
		if !ok {
			t.omit(prefix+"type", "SMT class %s is not translated (a noop stands in its place)", class)
			for _, k := range t.c.withPrefix(prefix) {
				t.c.get(k)
			}
			return todo("SMT class " + class + " has no translation"), nil
		}
		for _, p := range partsOf(class) {
			t.reads[p] = true
		}
		if pc := t.schemaPartOf(class); pc != nil {
			reason := fmt.Sprintf("%s works on the %s as JSON, but the %s is %s here (%s %s), which a mapping cannot read", simpleName(class), pc.part, pc.part, pc.wire(), pc.prop, simpleName(pc.class))
			t.omit(prefix+"type", "%s: not translated (a noop stands in its place); a wasm_smt guest sees the %s decoded", reason, pc.part)
			for _, k := range t.c.withPrefix(prefix) {
				t.c.get(k)
			}
			return todo(reason), nil
		}
		if p.name != "" {
			p = t.partNow(p)
		}
		mapping, c, err := smt(t, prefix, p)
		var untranslatable errUntranslatable
		var located errConfig
		switch {
		case errors.As(err, &located):
			return step{}, located
		case errors.As(err, &untranslatable):
			prop := prefix + "type"
			var about propertyError
			if errors.As(untranslatable.err, &about) {
				prop = about.key
			}
			if prop != prefix+"type" {
				t.omit(prop, "%v; transform %s is left out (a noop stands in its place)", untranslatable.err, alias)
			} else {
				t.omit(prop, "%v", untranslatable.err)
			}
			// The omission covers the transform's other properties.
			for _, k := range t.c.withPrefix(prefix) {
				t.c.get(k)
			}
			return todo(untranslatable.Error()), nil
		case err != nil:
			return step{}, t.c.invalidf(prefix+"type", "%s: %v", class, err)
		}
		s.proc, comment = component("mapping", bloblang(mapping), ""), c
		t.reshape(class, prefix, p)
	}
	s.comment = title + "\n" + comment
	if cond != "" {
		s.comment += "\nOnly where predicate " + t.c.str(prefix+"predicate", "") + " says so: " + condDesc + "."
	}
	return s, nil
}

// renderSteps lays out the chain: a predicate becomes wasm_smt's check, or a
// switch case around a mapping; a chain of several runs in a try, which
// stops at the first transform that fails on a record, as Kafka Connect's
// chain does.
func renderSteps(steps []step) *yaml.Node {
	if len(steps) == 0 {
		return nil
	}
	procs := make([]*yaml.Node, len(steps))
	for i, s := range steps {
		proc := s.proc
		switch {
		case s.cond != "" && s.wasm != nil:
			s.wasm.set("check", str(s.cond), "")
		case s.cond != "":
			proc = onlyWhen(s.cond, proc)
		}
		proc.HeadComment = commentText(s.comment)
		procs[i] = proc
	}
	if len(procs) == 1 {
		return seq(procs...)
	}
	try := component("try", seq(procs...), "")
	try.HeadComment = commentText("try: a record a transform fails on skips the rest of the chain, as in Kafka Connect.")
	return seq(try)
}

// leftovers reports every property nothing read. For a connector that is
// not translated they are its external system's settings, listed together
// by name only (they may hold credentials).
func (t *translator) leftovers() {
	var connectorSettings []string
	_, translated := translatedConnectors[t.class]
	for _, k := range t.c.unused() {
		switch {
		case strings.HasPrefix(k, "consumer.override."):
			t.omit(k, "this connector's pipeline has no Kafka consumer (consumer.override.* configures a sink's), not translated")
		case strings.HasPrefix(k, "producer.override."):
			t.omit(k, "this connector's pipeline has no Kafka producer (producer.override.* configures a source's, and a sink's dead-letter queue), not translated")
		case strings.HasPrefix(k, "admin.override."):
			t.omit(k, "admin client overrides (topic creation) are not translated: kafka_franz creates missing topics with the broker's defaults")
		case strings.HasPrefix(k, "topic.creation."):
			t.omit(k, "topic creation settings are not translated; kafka_franz creates missing topics with the broker's defaults")
		case strings.HasPrefix(k, "errors."):
			t.omit(k, "unknown error-handling property, not translated")
		case translated:
			t.omit(k, "unknown property of %s, not translated", t.class)
		default:
			connectorSettings = append(connectorSettings, k)
		}
	}
	if len(connectorSettings) > 0 {
		sort.Strings(connectorSettings)
		t.omit("connector.class", "%s is not translated (a placeholder stands in for it); its settings: %s", t.class, strings.Join(connectorSettings, ", "))
	} else if !translated {
		t.omit("connector.class", "%s is not translated (a placeholder stands in for it)", t.class)
	}
}

// translatedConnectors are the connector classes translated in full.
var translatedConnectors = map[string]bool{
	fileSinkClass: true, fileSourceClass: true, mirrorSourceClass: true, confluentHTTPClass: true, aivenHTTPClass: true,
}

// Run loads and translates the connector configuration in a file; errors
// name the file.
func Run(path string) (*Result, error) {
	c, err := Load(path)
	if err != nil {
		return nil, err
	}
	res, err := Translate(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Report is the list of omissions as printed on standard error, "" when
// everything was translated.
func (r *Result) Report(path string) string {
	if len(r.Omissions) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: translated with %d omission(s):\n", path, len(r.Omissions))
	for _, o := range r.Omissions {
		b.WriteString("  - " + o.String() + "\n")
	}
	return b.String()
}
