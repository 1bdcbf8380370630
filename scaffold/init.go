package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed templates
var templates embed.FS

// Module is the file name of the module a project builds.
const Module = "guest.wasm"

// ignored is the .gitignore of a new project: what builds make.
var ignored = map[string]string{
	"go":             "guest.wasm\n",
	"rust":           "guest.wasm\ntarget/\nCargo.lock\n",
	"c":              "guest.wasm\n",
	"assemblyscript": "guest.wasm\nnode_modules/\n",
}

// templateData is what the templates are filled with.
type templateData struct {
	Name, Title, BuildLine, Toolchain, SDKDoc string
	Files                                     []fileNote
}

// Init writes a new project in lang into dir, which must not exist or be
// empty: nothing that is there is overwritten. It returns the files it
// wrote, relative to dir, in order.
func Init(dir, lang string) ([]string, error) {
	l, err := lookupLanguage(lang)
	if err != nil {
		return nil, err
	}
	if err := requireEmptyDir(dir); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	files, err := projectFiles(l, projectName(filepath.Base(abs)))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", filepath.Dir(p), err)
		}
		// O_EXCL: a file that appeared since the check is not overwritten.
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", p, err)
		}
		if _, err := f.Write(files[name]); err != nil {
			f.Close()
			return nil, fmt.Errorf("writing %s: %w", p, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return names, nil
}

// requireEmptyDir refuses a dir that holds anything, or a path that is a
// file.
func requireEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if info, statErr := os.Stat(dir); statErr == nil && !info.IsDir() {
			return fmt.Errorf("%s is a file, not a directory: give a new or empty directory", dir)
		}
		return fmt.Errorf("reading %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty (it holds %s): give a new or empty directory, nothing in it is overwritten", dir, entries[0].Name())
	}
	return nil
}

// notName matches what a project name cannot hold: Go module paths, crate
// names and npm package names all take lower-case letters, digits, '-' and
// '_'.
var notName = regexp.MustCompile(`[^a-z0-9_-]+`)

// projectName is the directory's name made fit for every build tool.
func projectName(base string) string {
	name := strings.Trim(notName.ReplaceAllString(strings.ToLower(base), "-"), "-_")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "guest-" + name
	}
	return strings.TrimRight(name, "-_")
}

// projectFiles are the files of a new project in l: the language's
// templates, the shared ones, the SDK and a .gitignore.
func projectFiles(l Language, name string) (map[string][]byte, error) {
	data := templateData{
		Name: name, Title: l.Title, BuildLine: l.buildLine, Toolchain: l.toolchain,
		SDKDoc: "https://github.com/benthos-wasm/benthos-wasm/tree/main/sdk/" + l.Name,
		Files: append(append([]fileNote{}, l.files...),
			fileNote{"pipeline.yaml", "a pipeline running the function, with a `tests:` block"},
			fileNote{"sdk/" + l.Name + "/", "the benthos-wasm SDK, as `wasm init` wrote it"}),
	}
	files := map[string][]byte{".gitignore": []byte(ignored[l.Name])}
	for _, root := range []string{"templates/" + l.Name, "templates/common"} {
		err := fs.WalkDir(templates, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			text, err := templates.ReadFile(p)
			if err != nil {
				return err
			}
			tmpl, err := template.New(path.Base(p)).Parse(string(text))
			if err != nil {
				return fmt.Errorf("template %s: %w", p, err)
			}
			var out bytes.Buffer
			if err := tmpl.Execute(&out, data); err != nil {
				return fmt.Errorf("template %s: %w", p, err)
			}
			files[strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl")] = out.Bytes()
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sdk, err := sdkOf(l.Name)
	if err != nil {
		return nil, err
	}
	for p, body := range sdk {
		files["sdk/"+l.Name+"/"+p] = body
	}
	return files, nil
}
