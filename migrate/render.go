package migrate

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// envRef matches what Benthos reads as an environment variable reference
// (${NAME} or ${NAME:default}) when it loads a config, before parsing it.
// The expression is Benthos's own (internal/config/env_vars.go).
var envRef = regexp.MustCompile(`\${[0-9A-Za-z_.]+(:((\${[^}]+})|[^}])*)?(?:\|[0-9A-Za-z]+)?}`)

// escapeEnv keeps Benthos from replacing ${...} in a value that must reach the
// component as written (a Bloblang regex replacement such as ${1}, a literal
// from the connector): Benthos turns ${{X}} back into ${X} after interpolation.
func escapeEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		return "${{" + m[2:len(m)-1] + "}}"
	})
}

// str is a scalar holding text exactly as the component must see it.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: escapeEnv(s)}
}

// quoted is a scalar written in double quotes, for text such as ".*" that
// reads better quoted.
func quoted(s string) *yaml.Node {
	n := str(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

// envStr is a scalar that deliberately refers to environment variables.
func envStr(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

// intNode is an integer scalar.
func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(i)}
}

// boolNode is a boolean scalar.
func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

// bloblang is a Bloblang mapping, as a literal block when it spans lines so
// that it reads as written.
func bloblang(s string) *yaml.Node {
	n := str(strings.TrimRight(s, "\n"))
	if strings.Contains(n.Value, "\n") {
		n.Value += "\n"
		n.Style = yaml.LiteralStyle
	}
	return n
}

// seq is a block sequence.
func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// flowSeq is a one-line sequence, for short lists such as topics.
func flowSeq(items ...*yaml.Node) *yaml.Node {
	n := seq(items...)
	n.Style = yaml.FlowStyle
	return n
}

// obj is a mapping whose keys keep the order they were set in.
type obj struct{ node *yaml.Node }

func newObj() *obj {
	return &obj{node: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}}
}

// set appends key: value, with comment (if any) on the lines above the key.
func (o *obj) set(key string, value *yaml.Node, comment string) *obj {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, HeadComment: commentText(comment)}
	o.node.Content = append(o.node.Content, k, value)
	return o
}

// emptyObj is {} on one line, for components without fields (stdout: {}).
func emptyObj() *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
}

// component is {name: fields}, the shape of every Benthos component.
func component(name string, fields *yaml.Node, comment string) *yaml.Node {
	return newObj().set(name, fields, comment).node
}

// commentText prefixes every line of a comment with "# ".
func commentText(c string) string {
	if c == "" {
		return ""
	}
	// Benthos replaces ${NAME} everywhere in the file, comments included.
	lines := strings.Split(strings.TrimRight(escapeEnv(c), "\n"), "\n")
	var out []string
	for _, l := range lines {
		if l == "" {
			out = append(out, "#")
			continue
		}
		for _, w := range wrap(l, commentWidth) {
			out = append(out, "# "+w)
		}
	}
	return strings.Join(out, "\n")
}

// commentWidth is where comment lines wrap.
const commentWidth = 96

// wrap breaks a line at spaces so that each piece fits width, keeping the
// line's indentation on the pieces after the first (list items read well).
func wrap(line string, width int) []string {
	if len(line) <= width {
		return []string{line}
	}
	lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
	cont := lead + "    "
	var out []string
	cur := ""
	for _, word := range strings.Fields(line) {
		switch {
		case cur == "":
			cur = lead + word
		case len(cur)+1+len(word) > width:
			out = append(out, cur)
			cur = cont + word
		default:
			cur += " " + word
		}
	}
	return append(out, cur)
}

// render writes the document with a head comment, two-space indented.
func render(root *yaml.Node, head string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(commentText(head))
	buf.WriteString("\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("rendering the YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rendering the YAML: %w", err)
	}
	return spaceSections(buf.Bytes()), nil
}

// spaceSections puts a blank line before each top-level section (input,
// pipeline, output) and the comment above it, for readability.
func spaceSections(doc []byte) []byte {
	lines := strings.Split(string(doc), "\n")
	var out []string
	blockStart := -1 // where the comment block above the current line starts
	for _, l := range lines {
		topLevel := l != "" && l[0] != ' ' && l[0] != '-'
		switch {
		case topLevel && strings.HasPrefix(l, "#"):
			if blockStart < 0 {
				blockStart = len(out)
			}
		case topLevel:
			at := len(out)
			if blockStart >= 0 {
				at = blockStart
			}
			if at > 0 {
				out = append(out[:at], append([]string{""}, out[at:]...)...)
			}
			blockStart = -1
		default:
			blockStart = -1
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}

// onlyWhen is a switch processor that runs procs on the messages check
// holds for, and leaves the others as they are.
func onlyWhen(check string, procs ...*yaml.Node) *yaml.Node {
	return component("switch", seq(newObj().
		set("check", str(check), "").
		set("processors", seq(procs...), "").node), "")
}

// outputSwitch is a switch output that sends the messages check holds for
// to matched and the others to main.
func outputSwitch(check string, matched, main *yaml.Node) *yaml.Node {
	cases := seq(
		newObj().set("check", str(check), "").set("output", matched, "").node,
		newObj().set("output", main, "").node,
	)
	return component("switch", newObj().set("cases", cases, "").node, "")
}
