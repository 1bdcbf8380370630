package processor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docsPath is the config reference generated from the spec. Regenerate it
// with: UPDATE_DOCS=1 go test ./processor -run TestConfigReferenceIsGenerated
var docsPath = filepath.Join("..", "docs", "wasm_smt.md")

func TestConfigReferenceIsGenerated(t *testing.T) {
	var rendered string
	service.GlobalEnvironment().WalkProcessors(func(name string, config *service.ConfigView) {
		if name == "wasm_smt" {
			data, err := config.TemplateData()
			require.NoError(t, err)
			rendered = renderReference(data)
		}
	})
	require.NotEmpty(t, rendered, "wasm_smt is registered")

	if os.Getenv("UPDATE_DOCS") != "" {
		require.NoError(t, os.WriteFile(docsPath, []byte(rendered), 0o644))
	}
	onDisk, err := os.ReadFile(docsPath)
	require.NoError(t, err)
	assert.Equal(t, rendered, string(onDisk),
		"docs/wasm_smt.md is stale: UPDATE_DOCS=1 go test ./processor -run TestConfigReferenceIsGenerated")
}

// renderReference writes the spec as Markdown. Benthos v4.60's own
// ConfigView.RenderDocs fails on a template error, so this does it from the
// same template data.
func renderReference(d service.TemplateDataPlugin) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- Generated from the wasm_smt config spec by processor/docs_test.go: do not edit. -->\n\n")
	fmt.Fprintf(&b, "# `%s` (%s processor, %s)\n\n%s\n%s\n\n", d.Name, strings.Trim(d.Categories, `[]"`), d.Status, d.Summary, strings.TrimSpace(d.Description))
	fmt.Fprintf(&b, "## Config\n\nCommon fields:\n\n```yaml\n%s```\n\nAll fields:\n\n```yaml\n%s```\n\n", d.CommonConfigYAML, d.AdvancedConfigYAML)
	b.WriteString("## Fields\n\n")
	for _, f := range d.Fields {
		fmt.Fprintf(&b, "### `%s`\n\n%s\n\n*Type*: `%s`", f.FullName, f.Description, f.Type)
		if f.DefaultMarshalled != "" {
			fmt.Fprintf(&b, "  \n*Default*: `%s`", f.DefaultMarshalled)
		}
		b.WriteString("\n\n")
		if len(f.ExamplesMarshalled) > 0 {
			b.WriteString("```yml\n# Examples\n")
			for _, e := range f.ExamplesMarshalled {
				fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(e))
			}
			b.WriteString("```\n\n")
		}
	}
	if len(d.Examples) > 0 {
		b.WriteString("## Examples\n\n")
		for _, e := range d.Examples {
			fmt.Fprintf(&b, "### %s\n\n%s\n\n```yaml\n%s\n```\n\n", e.Title, e.Summary, strings.TrimSpace(e.Config))
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
