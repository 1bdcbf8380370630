package processor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/redpanda-data/benthos/v4/public/bloblang"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/abi"
	"github.com/benthos-wasm/benthos-wasm/schemaregistry"
)

// config is a wasm_smt config with every field parsed and checked, so the
// constructor works from values only and every config error is found before
// anything is compiled.
type config struct {
	modulePath   string
	function     string   // "" for an ABI's default
	abi          abi.Name // abi.Auto: told from the module
	inputTopic   string
	outputTopics []string
	environment  map[string]string
	check        *bloblang.Executor     // nil: the function runs on every message
	fields       *recordFields          // converters and metadata field names
	registry     *schemaregistry.Client // nil: no schema_registry field
	params       map[string]string
	limits       hostabi.Limits
	maxInstances int // at least 1: 0 in the config is resolved to the number of CPUs
	watch        bool
	cache        bool   // keep compiled code on disk
	cacheDir     string // where; "" for the default under the user's cache directory
}

// parseConfig reads every wasm_smt field. Errors name the field; Benthos's
// own (a missing field, a wrong type) already do.
func parseConfig(conf *service.ParsedConfig) (*config, error) {
	c := &config{}
	var err error
	if c.modulePath, err = conf.FieldString(fieldModulePath); err != nil {
		return nil, err
	}
	if c.modulePath == "" {
		return nil, fmt.Errorf("field %s: no module path given", fieldModulePath)
	}
	if c.function, err = conf.FieldString(fieldFunction); err != nil {
		return nil, err
	}
	name, err := conf.FieldString(fieldABI)
	if err != nil {
		return nil, err
	}
	if c.abi, err = abi.Parse(name); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldABI, err)
	}
	if c.inputTopic, err = conf.FieldString(fieldInputTopic); err != nil {
		return nil, err
	}
	if c.outputTopics, err = conf.FieldStringList(fieldOutputTopics); err != nil {
		return nil, err
	}
	if c.environment, err = conf.FieldStringMap(fieldEnvironment); err != nil {
		return nil, err
	}
	for k := range c.environment {
		if strings.HasPrefix(k, "REDPANDA_") {
			return nil, fmt.Errorf("field %s: %s: names starting with REDPANDA_ are reserved for the Data Transforms variables (set %s and %s instead)",
				fieldEnvironment, k, fieldInputTopic, fieldOutputTopics)
		}
	}
	if conf.Contains(fieldCheck) {
		if c.check, err = conf.FieldBloblang(fieldCheck); err != nil {
			return nil, err
		}
	}
	if conf.Contains(fieldSchemaRegistry) {
		if c.registry, err = schemaregistry.FromParsed(conf.Namespace(fieldSchemaRegistry)); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldSchemaRegistry, err)
		}
	}
	if c.fields, err = parseRecordFields(conf, c.registry); err != nil {
		return nil, err
	}
	if c.params, err = conf.FieldStringMap(fieldParams); err != nil {
		return nil, err
	}
	if c.limits, err = parseLimits(conf); err != nil {
		return nil, err
	}
	if c.maxInstances, err = conf.FieldInt(fieldMaxInstances); err != nil {
		return nil, err
	}
	if c.maxInstances < 0 {
		return nil, fmt.Errorf("field %s: must be 0 or more, got %d", fieldMaxInstances, c.maxInstances)
	}
	if c.maxInstances == 0 {
		c.maxInstances = runtime.GOMAXPROCS(0)
	}
	if c.watch, err = conf.FieldBool(fieldWatch); err != nil {
		return nil, err
	}
	if c.cache, err = conf.FieldBool(fieldCache); err != nil {
		return nil, err
	}
	if c.cacheDir, err = conf.FieldString(fieldCacheDir); err != nil {
		return nil, err
	}
	return c, nil
}

// parseRecordFields reads the converters and the metadata field of each
// record part; two parts in one field would overwrite each other.
func parseRecordFields(conf *service.ParsedConfig, registry *schemaregistry.Client) (*recordFields, error) {
	convs := make([]codec.Converter, 3)
	for i, part := range []struct{ field, subjectField, name string }{
		{fieldKeyConverter, fieldKeySubject, "key"},
		{fieldValueConverter, fieldValueSubject, "value"},
		{fieldHeaderConverter, "", "headers"},
	} {
		s, err := conf.FieldString(part.field)
		if err != nil {
			return nil, err
		}
		opts := codec.SchemaOptions{Registry: registry, Part: part.name}
		if part.subjectField != "" {
			if opts.Subject, err = conf.FieldString(part.subjectField); err != nil {
				return nil, err
			}
			if opts.Subject != "" && !codec.NeedsRegistry(s) {
				return nil, fmt.Errorf("field %s: a schema subject needs a schema-aware %s, and %s is %q", part.subjectField, part.field, part.field, s)
			}
		}
		if codec.NeedsRegistry(s) && registry == nil {
			return nil, fmt.Errorf("field %s: converter %s reads schemas from a schema registry: set %s.url", part.field, s, fieldSchemaRegistry)
		}
		if convs[i], err = codec.New(s, opts); err != nil {
			return nil, fmt.Errorf("field %s: %w", part.field, err)
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

// parseLimits reads the limits of one guest call. The lint rules check the
// same ranges, but ParseYAML and embedders' code do not run lint rules.
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

// compilationCacheDir returns where compiled code is kept, "" for nowhere.
// Without a configured directory and without a user cache directory (no
// $HOME, as in some containers) there is no cache: the error says why.
func (c *config) compilationCacheDir() (string, error) {
	if !c.cache {
		return "", nil
	}
	if c.cacheDir != "" {
		return c.cacheDir, nil
	}
	userCache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no compilation cache (set %s to enable it): %w", fieldCacheDir, err)
	}
	return filepath.Join(userCache, "benthos-wasm"), nil
}

// readModule reads the module's bytes through Benthos's file system.
func readModule(fs *service.FS, path string) ([]byte, error) {
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
