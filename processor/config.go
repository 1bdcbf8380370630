package processor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Parsing of the config fields that need more than a type check.

func parseRecordFields(conf *service.ParsedConfig) (*recordFields, error) {
	convs := make([]codec.Converter, 3)
	for i, name := range []string{fieldKeyConverter, fieldValueConverter, fieldHeaderConverter} {
		s, err := conf.FieldString(name)
		if err != nil {
			return nil, err
		}
		if convs[i], err = codec.Lookup(s); err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
	}
	var names metadataNames
	seen := map[string]string{}
	for _, f := range []struct {
		field string
		dst   *string
	}{
		{fieldKeyMetadata, &names.key},
		{fieldTopicMetadata, &names.topic},
		{fieldPartitionMeta, &names.partition},
		{fieldTimestampMeta, &names.timestamp},
	} {
		v, err := conf.FieldString(f.field)
		if err != nil {
			return nil, err
		}
		if v == "" {
			return nil, fmt.Errorf("field %s: must name a metadata field, got an empty string", f.field)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("fields %s and %s both name metadata field %q: each record part needs its own", other, f.field, v)
		}
		seen[v] = f.field
		*f.dst = v
	}
	return newRecordFields(names, convs[0], convs[1], convs[2]), nil
}

func parseLimits(conf *service.ParsedConfig) (hostabi.Limits, error) {
	var l hostabi.Limits
	pages, err := conf.FieldInt(fieldMaxMemoryPages)
	if err != nil {
		return l, err
	}
	if pages < 1 || pages > 65536 {
		return l, fmt.Errorf("field %s: must be from 1 to 65536 pages, got %d", fieldMaxMemoryPages, pages)
	}
	l.MemoryPages = uint32(pages)
	if l.Timeout, err = conf.FieldDuration(fieldTimeout); err != nil {
		return l, err
	}
	if l.Timeout < 0 {
		return l, fmt.Errorf("field %s: must be 0s (off) or more, got %s", fieldTimeout, l.Timeout)
	}
	if l.HostCalls, err = conf.FieldInt(fieldMaxHostCalls); err != nil {
		return l, err
	}
	if l.HostCalls < 0 {
		return l, fmt.Errorf("field %s: must be 0 or more, got %d", fieldMaxHostCalls, l.HostCalls)
	}
	callBytes, err := conf.FieldInt(fieldMaxCallBytes)
	if err != nil {
		return l, err
	}
	if callBytes < 0 {
		return l, fmt.Errorf("field %s: must be 0 or more, got %d", fieldMaxCallBytes, callBytes)
	}
	l.CallBytes = int64(callBytes)
	return l, nil
}

// compilationCacheDir returns where compiled code is kept, or "" for nowhere.
func compilationCacheDir(conf *service.ParsedConfig, log *service.Logger) (string, error) {
	enabled, err := conf.FieldBool(fieldCache)
	if err != nil || !enabled {
		return "", err
	}
	dir, err := conf.FieldString(fieldCacheDir)
	if err != nil || dir != "" {
		return dir, err
	}
	userCache, err := os.UserCacheDir()
	if err != nil {
		log.Warnf("no compilation cache (set %s to enable it): %v", fieldCacheDir, err)
		return "", nil
	}
	return filepath.Join(userCache, "benthos-wasm"), nil
}

func readModule(fs *service.FS, path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("field %s: no module path given", fieldModulePath)
	}
	f, err := fs.Open(path)
	if err != nil {
		return nil, fmt.Errorf("field %s: reading module: %w", fieldModulePath, err)
	}
	defer f.Close()
	wasm, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("field %s: reading module %s: %w", fieldModulePath, path, err)
	}
	return wasm, nil
}
