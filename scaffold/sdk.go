package scaffold

import (
	"archive/tar"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// sdkTar is every SDK's source as a guest project needs it, packed from
// the repository's sdk/ directory by PackSDK (go generate). A tar rather
// than go:embed of sdk/ itself: sdk/go is a module of its own, which embed
// cannot reach into.
//
//go:embed sdk.tar
var sdkTar []byte

// sdkFiles are the files of sdk/ a guest project gets, as patterns under
// sdk/: sources only, no tests and no tooling.
var sdkFiles = []string{
	"go/go.mod", "go/*.go",
	"rust/Cargo.toml", "rust/src/*.rs",
	"c/*.h",
	"assemblyscript/index.ts", "assemblyscript/assembly/*.ts",
}

// PackSDK packs the SDK files under sdkDir (the repository's sdk/) into a
// tar, the same bytes for the same files: sorted names, no times, no
// owners.
func PackSDK(sdkDir string) ([]byte, error) {
	var names []string
	for _, pattern := range sdkFiles {
		matches, err := filepath.Glob(filepath.Join(sdkDir, filepath.FromSlash(pattern)))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("packing the SDKs: no file under %s matches %s", sdkDir, pattern)
		}
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.go") {
				continue
			}
			rel, err := filepath.Rel(sdkDir, m)
			if err != nil {
				return nil, err
			}
			names = append(names, filepath.ToSlash(rel))
		}
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(sdkDir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sdkOf returns the embedded files of one language's SDK (the tar's
// directory of that name), keyed by their path inside it.
func sdkOf(lang string) (map[string][]byte, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(sdkTar))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the embedded SDKs: %w", err)
		}
		rest, ok := strings.CutPrefix(hdr.Name, lang+"/")
		if !ok {
			continue
		}
		if !fs.ValidPath(rest) {
			return nil, fmt.Errorf("the embedded SDKs hold a bad path %q", hdr.Name)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[rest] = body
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("the embedded SDKs have none for %s", lang)
	}
	return files, nil
}
