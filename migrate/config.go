package migrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Connector is one Kafka Connect connector's configuration: its name and its
// properties (connector.class, topics, transforms.*, errors.*, ...).
//
// Every property the translation reads is marked as used, so that the ones
// left over at the end can be reported rather than dropped silently.
type Connector struct {
	// File is the base name of the file the configuration was read from.
	File string
	// Name is the connector's name.
	Name string

	props map[string]string
	where map[string]string // where each property was written, for errors
	used  map[string]bool
}

// Load reads a connector configuration from a .properties or .json file.
func Load(path string) (*Connector, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the connector configuration: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse reads a connector configuration; path names it and its extension
// picks the format (.json, .properties), else its content does: JSON starts
// with '{'. JSON is either the REST API's create body {"name": ..., "config":
// {...}} or the bare config map (the body of PUT /connectors/NAME/config).
func Parse(path string, data []byte) (*Connector, error) {
	c := &Connector{
		File:  filepath.Base(path),
		props: map[string]string{},
		where: map[string]string{},
		used:  map[string]bool{},
	}
	isJSON := strings.EqualFold(filepath.Ext(path), ".json")
	if !isJSON && !strings.EqualFold(filepath.Ext(path), ".properties") {
		isJSON = bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	}
	if isJSON {
		if err := c.readJSON(data); err != nil {
			return nil, err
		}
	} else {
		props, err := parseProperties(data)
		if err != nil {
			return nil, err
		}
		for _, p := range props {
			c.props[p.key] = p.value
			c.where[p.key] = fmt.Sprintf("line %d", p.line)
		}
	}
	if c.Name == "" {
		c.Name = c.props["name"]
	}
	c.used["name"] = true
	if c.Name == "" {
		// The REST API takes the name from the URL; fall back on the file's.
		c.Name = strings.TrimSuffix(c.File, filepath.Ext(c.File))
	}
	return c, nil
}

// readJSON reads either JSON shape, accepting numbers, booleans and null
// where Kafka Connect expects strings (its REST API coerces them too).
func (c *Connector) readJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return jsonError(data, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: more than one JSON value", jsonPosition(data, dec.InputOffset()))
	}
	config, prefix := top, ""
	if inner, ok := top["config"]; ok {
		m, isMap := inner.(map[string]any)
		if !isMap {
			return fmt.Errorf(`field "config": expected an object of connector properties, found %s`, jsonKind(inner))
		}
		config, prefix = m, "config."
		if name, ok := top["name"]; ok {
			s, err := jsonScalar(name)
			if err != nil {
				return fmt.Errorf(`field "name": %w`, err)
			}
			c.Name = s
		}
		for k := range top {
			if k != "name" && k != "config" && k != "tasks" && k != "type" {
				return fmt.Errorf("field %q: unexpected next to \"name\" and \"config\" in a connector's create body", k)
			}
		}
	}
	for k, v := range config {
		if v == nil {
			continue // null leaves a property at its default
		}
		s, err := jsonScalar(v)
		if err != nil {
			return fmt.Errorf("field %q: %w", prefix+k, err)
		}
		c.props[k] = s
		c.where[k] = fmt.Sprintf("field %q", prefix+k)
	}
	return nil
}

// jsonScalar is a property value's text; lists and objects are not values.
func jsonScalar(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		return fmt.Sprint(t), nil
	}
	return "", fmt.Errorf("expected a string (or number, boolean), found %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError says where in the text a JSON error is.
func jsonError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%s: invalid JSON: %w", jsonPosition(data, syntax.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: expected a JSON object of connector properties, found a JSON %s", jsonPosition(data, typ.Offset), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%s: invalid JSON: unexpected end of input", jsonPosition(data, int64(len(data))))
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// jsonPosition turns a byte offset into "line L, column C".
func jsonPosition(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// get returns a property and marks it used.
func (c *Connector) get(key string) (string, bool) {
	v, ok := c.props[key]
	c.used[key] = true
	return v, ok
}

// str returns a property trimmed, or def when it is absent or blank.
func (c *Connector) str(key, def string) string {
	v, ok := c.get(key)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return def
	}
	return v
}

// list reads a Kafka LIST property: comma-separated, items trimmed.
func (c *Connector) list(key string) []string {
	v, _ := c.get(key)
	return splitList(v)
}

func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// has reports whether a property is set, without marking it used.
func (c *Connector) has(key string) bool {
	_, ok := c.props[key]
	return ok
}

// at says where a property was written ("line 12", `field "config.topics"`).
func (c *Connector) at(key string) string {
	if w, ok := c.where[key]; ok {
		return w
	}
	return "property " + key
}

// withPrefix lists the properties under a prefix, sorted.
func (c *Connector) withPrefix(prefix string) []string {
	var keys []string
	for k := range c.props {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// unused lists the properties nothing has read yet, sorted.
func (c *Connector) unused() []string {
	var keys []string
	for k := range c.props {
		if !c.used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// invalidf is an error in the configuration itself: Kafka Connect would
// refuse it too.
func (c *Connector) invalidf(key, format string, args ...any) error {
	return fmt.Errorf("%s (%s): %s", key, c.at(key), fmt.Sprintf(format, args...))
}
