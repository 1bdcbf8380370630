package processor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/codec"
	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Field names of the wasm_smt config.
const (
	fieldModulePath      = "module_path"
	fieldFunction        = "function"
	fieldKeyConverter    = "key_converter"
	fieldValueConverter  = "value_converter"
	fieldHeaderConverter = "header_converter"
	fieldKeyMetadata     = "key_metadata"
	fieldTopicMetadata   = "topic_metadata"
	fieldPartitionMeta   = "partition_metadata"
	fieldTimestampMeta   = "timestamp_metadata"
	fieldParams          = "params"
	fieldMaxInstances    = "max_instances"
	fieldMaxMemoryPages  = "max_memory_pages"
	fieldTimeout         = "timeout"
	fieldMaxHostCalls    = "max_host_calls"
	fieldMaxCallBytes    = "max_call_bytes"
	fieldWatch           = "watch"
	fieldCache           = "compilation_cache"
	fieldCacheDir        = "compilation_cache_dir"
)

// converterField is a plain string field with its own lint rule: Benthos's
// enum lint reads option names as Bloblang paths, so it refuses the dotted
// Kafka Connect class names.
func converterField(name, part string) *service.ConfigField {
	quoted := make([]string, 0, len(codec.Names()))
	for _, n := range codec.Names() {
		quoted = append(quoted, strconv.Quote(n))
	}
	return service.NewStringField(name).
		Description("How the " + part + " converts between the message and the bytes the guest sees: " +
			"`bytes` (raw bytes, untouched), " +
			"`string` (UTF-8 text; bytes that are not valid UTF-8 fail the record), or " +
			"`json` (JSON text; JSON the guest sets becomes a structured payload, or metadata of that JSON type; invalid JSON fails the record). " +
			"The Kafka Connect class names `org.apache.kafka.connect.converters.ByteArrayConverter`, " +
			"`org.apache.kafka.connect.storage.StringConverter` and `org.apache.kafka.connect.json.JsonConverter` are accepted as aliases.").
		Default(codec.BytesName).
		LintRule(fmt.Sprintf(`let options = [%s]
root = if !$options.contains(this) { [ "%s: value %%q is not a converter, expected one of %s".format(this) ] }`,
			strings.Join(quoted, ", "), name, strings.Join(codec.Names(), ", ")))
}

func wasmSMTSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Utility").
		Summary("Runs a WebAssembly function over each message, through the host ABI of the Kafka Connect Wasm transformer.").
		Description(`
The guest reads and writes only the parts of the record it needs, through host functions
(`+"`get_value`, `set_key`, `get_header`, ..."+`). The record is the message seen Kafka-style:

- value: the payload;
- key: the metadata field named by `+"`key_metadata`"+`;
- topic: the metadata field named by `+"`topic_metadata`"+`;
- headers: every other metadata field, except Kafka bookkeeping fields (`+"`kafka_partition`, `kafka_offset`, `kafka_timestamp_ms`, `kafka_timestamp_unix`, `kafka_lag`, `kafka_tombstone_message`"+`).

A message whose metadata `+"`kafka_tombstone_message`"+` is true has no value.

All writes of one call reach the message only when the call succeeds. When the guest returns an
error, traps, or a host function fails, the message goes on unchanged and flagged with the error,
so `+"`catch`"+`, `+"`switch`"+` on `+"`errored()`"+` or a dead-letter output can handle it.
An instance that trapped is thrown away and replaced. See docs/ABI.md for the ABI.`).
		Field(service.NewStringField(fieldModulePath).
			Description("Path of the WebAssembly module, relative to the working directory.").
			Example("./functions.wasm")).
		Field(service.NewStringField(fieldFunction).
			Description("Name of the exported function to run on each message: no parameters, and no result or an i64 result (see docs/ABI.md).").
			Example("to_upper")).
		Field(converterField(fieldKeyConverter, "key")).
		Field(converterField(fieldValueConverter, "value")).
		Field(converterField(fieldHeaderConverter, "headers")).
		Field(service.NewStringField(fieldKeyMetadata).
			Description("The metadata field that holds the record key.").
			Default("kafka_key").Advanced()).
		Field(service.NewStringField(fieldTopicMetadata).
			Description("The metadata field that holds the record topic.").
			Default("kafka_topic").Advanced()).
		Field(service.NewStringField(fieldPartitionMeta).
			Description("The metadata field that holds the record partition (`get_partition`).").
			Default(metaPartition).Advanced()).
		Field(service.NewStringField(fieldTimestampMeta).
			Description("The metadata field that holds the record timestamp in milliseconds since the Unix epoch (`get_timestamp`, `set_timestamp`). "+
				"When it is `kafka_timestamp_ms`, `set_timestamp` also updates `kafka_timestamp_unix` if the message has it.").
			Default(metaTimestampMs).Advanced()).
		Field(service.NewStringMapField(fieldParams).
			Description("Parameters the guest reads with `get_param`, so one module can serve several pipelines.").
			Default(map[string]any{}).
			Example(map[string]any{"suffix": "-checked", "threshold": "10"})).
		Field(service.NewIntField(fieldMaxInstances).
			Description("The most guest instances kept for this processor; each serves one pipeline thread at a time. 0 means the number of CPUs.").
			Default(0).Advanced().
			LintRule(intRule(fieldMaxInstances, 0, 0))).
		Field(service.NewIntField(fieldMaxMemoryPages).
			Description("The most linear memory one instance may have, in 64 KiB pages (the default, 2048, is 128 MiB). "+
				"A module that declares more fails at start-up; a guest that grows past it fails the record it was working on.").
			Default(defaultMaxMemoryPages).Advanced().
			LintRule(intRule(fieldMaxMemoryPages, 1, 65536))).
		Field(service.NewDurationField(fieldTimeout).
			Description("The most time one call may take; the record then fails with a timeout error and the instance is replaced. "+
				"`0s` turns it off (the default): interrupting guests makes every loop in them check in with the host, which costs time even when nothing runs long (see the README for figures).").
			Default("0s").Advanced().
			LintRule(durationRule(fieldTimeout))).
		Field(service.NewIntField(fieldMaxHostCalls).
			Description("The most host function calls one call may make; 0 means no bound.").
			Default(defaultMaxHostCalls).Advanced().
			LintRule(intRule(fieldMaxHostCalls, 0, 0))).
		Field(service.NewIntField(fieldMaxCallBytes).
			Description("The most bytes one call may move between host and guest, both ways (what getters copy in; what setters, `emit_record` and `log` copy out); 0 means no bound. "+
				"It bounds what a guest can make the host buffer, and the work of a guest that reads the same value over and over.").
			Default(defaultMaxCallBytes).Advanced().
			LintRule(intRule(fieldMaxCallBytes, 0, 0))).
		Field(service.NewBoolField(fieldWatch).
			Description("Reload the module when its file changes. The new module is compiled and checked beside the old one, "+
				"then swapped in between messages; if it fails to compile, fit the ABI or start, the old one keeps serving and the error is logged.").
			Default(false)).
		Field(service.NewBoolField(fieldCache).
			Description("Keep the module's compiled code on disk, so the next start skips compiling it (a Go guest: about 0.6 s cold, 50 ms cached).").
			Default(true).Advanced()).
		Field(service.NewStringField(fieldCacheDir).
			Description("Directory of the compilation cache. Empty means `benthos-wasm` under the user's cache directory ($XDG_CACHE_HOME, or ~/.cache).").
			Default("").Advanced()).
		Example("Upper-case every payload",
			"Runs the `to_upper` function of a module over each message.",
			`
pipeline:
  processors:
    - wasm_smt:
        module_path: ./functions.wasm
        function: to_upper
        value_converter: string
`)
}

// Default limits: generous for real transforms, small enough that a hostile
// guest fails a record rather than the host.
const (
	defaultMaxMemoryPages = 2048     // 128 MiB
	defaultMaxHostCalls   = 100_000  // about 7 ms of host calls
	defaultMaxCallBytes   = 64 << 20 // 64 MiB
)

func init() {
	err := service.RegisterBatchProcessor("wasm_smt", wasmSMTSpec(),
		func(conf *service.ParsedConfig, mgr *service.Resources) (service.BatchProcessor, error) {
			return newWasmSMT(conf, mgr)
		})
	if err != nil {
		panic(err)
	}
}

// wasmSMT is the wasm_smt processor: one compiled module, a pool of
// instances. With watch on, a reload swaps in a new pool between messages.
type wasmSMT struct {
	label string // module path and function, for errors
	pool  atomic.Pointer[pool]
	log   *service.Logger
	// newPool compiles module bytes into a pool with a warm instance.
	newPool func(ctx context.Context, wasm []byte) (*pool, error)

	mu      sync.Mutex // guards closed against a reload swapping pools
	closed  bool
	watcher *moduleWatcher // nil without watch
}

func newWasmSMT(conf *service.ParsedConfig, mgr *service.Resources) (*wasmSMT, error) {
	modulePath, err := conf.FieldString(fieldModulePath)
	if err != nil {
		return nil, err
	}
	function, err := conf.FieldString(fieldFunction)
	if err != nil {
		return nil, err
	}
	fields, err := parseRecordFields(conf)
	if err != nil {
		return nil, err
	}
	maxInstances, err := conf.FieldInt(fieldMaxInstances)
	if err != nil {
		return nil, err
	}
	if maxInstances < 0 {
		return nil, fmt.Errorf("field %s: must be 0 or more, got %d", fieldMaxInstances, maxInstances)
	}
	if maxInstances == 0 {
		maxInstances = runtime.GOMAXPROCS(0)
	}

	wasm, err := readModule(mgr.FS(), modulePath)
	if err != nil {
		return nil, err
	}
	log := mgr.Logger().With("module", modulePath, "function", function)
	opts := []hostabi.Option{hostabi.WithGuestOutput(func(stream, line string) {
		if stream == "stderr" {
			log.Warnf("guest stderr: %s", line)
		} else {
			log.Infof("guest stdout: %s", line)
		}
	})}
	params, err := conf.FieldStringMap(fieldParams)
	if err != nil {
		return nil, err
	}
	opts = append(opts, hostabi.WithParams(params), hostabi.WithLog(func(level hostabi.LogLevel, msg string) {
		switch level {
		case hostabi.LogDebug:
			log.Debug(msg)
		case hostabi.LogInfo:
			log.Info(msg)
		case hostabi.LogWarn:
			log.Warn(msg)
		default:
			log.Error(msg)
		}
	}))
	limits, err := parseLimits(conf)
	if err != nil {
		return nil, err
	}
	opts = append(opts, hostabi.WithLimits(limits))
	cacheDir, err := compilationCacheDir(conf, log)
	if err != nil {
		return nil, err
	}
	if cacheDir != "" {
		opts = append(opts, hostabi.WithCompilationCacheDir(cacheDir))
	}
	p := &wasmSMT{
		label: modulePath + " " + function,
		log:   log,
		newPool: func(ctx context.Context, wasm []byte) (*pool, error) {
			module, err := hostabi.Load(ctx, modulePath, wasm, function, opts...)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", fieldModulePath, err)
			}
			pl := newPool(module, fields, maxInstances)
			// Make one instance now, so a guest that fails to start fails
			// here (at start-up, or as a rejected reload), not on a message.
			w, err := pl.get(ctx)
			if err != nil {
				pl.close()
				return nil, err
			}
			pl.put(w)
			return pl, nil
		},
	}
	pl, err := p.newPool(context.Background(), wasm)
	if err != nil {
		return nil, err
	}
	p.pool.Store(pl)

	watch, err := conf.FieldBool(fieldWatch)
	if err != nil {
		return nil, err
	}
	if watch {
		if p.watcher, err = watchModule(p, mgr.FS(), modulePath, wasm); err != nil {
			pl.close()
			return nil, fmt.Errorf("field %s: %w", fieldWatch, err)
		}
	}
	return p, nil
}

// worker checks out a worker from the current pool. A pool closed by a
// reload since it was loaded is skipped for its successor.
func (p *wasmSMT) worker(ctx context.Context) (*worker, error) {
	for {
		pl := p.pool.Load()
		w, err := pl.get(ctx)
		if errors.Is(err, errPoolClosed) && p.pool.Load() != pl {
			continue
		}
		return w, err
	}
}

// swapPool makes pl current and closes the pool it replaces once that
// pool's workers come back. It refuses once the processor is closed.
func (p *wasmSMT) swapPool(pl *pool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.pool.Swap(pl).close()
	return true
}

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

// ProcessBatch runs the guest function over each message of the batch, with
// one instance checked out for the whole batch. The batch comes back as it
// went in, unless a guest dropped or emitted records.
func (p *wasmSMT) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	w, err := p.worker(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm_smt %s: %w", p.label, err)
	}
	w.inst.Bind(ctx)
	var out service.MessageBatch // nil until the batch changes shape
	for i, msg := range batch {
		w.rec.reset(msg)
		callErr := w.inst.Call(w.rec)
		if callErr == nil {
			if out == nil && w.rec.changesBatch() {
				out = append(make(service.MessageBatch, 0, len(batch)), batch[:i]...)
			}
			if out != nil {
				out = w.rec.commit(out)
			} else {
				w.rec.commitInPlace()
			}
			continue
		}
		w.rec.reset(nil)
		msg.SetError(fmt.Errorf("wasm_smt: %w", callErr))
		if out != nil {
			out = append(out, msg)
		}
		if !w.inst.Broken() {
			p.log.Debugf("record failed: %v", callErr)
			continue
		}
		// The guest's state is undefined after a trap: replace the instance.
		p.log.Warnf("instance replaced after: %v", callErr)
		w.pool.put(w)
		if w, err = p.worker(ctx); err != nil {
			err = fmt.Errorf("wasm_smt %s: replacing a failed instance: %w", p.label, err)
			for _, rest := range batch[i+1:] {
				rest.SetError(err)
				if out != nil {
					out = append(out, rest)
				}
			}
			return []service.MessageBatch{orInput(out, batch)}, nil
		}
		w.inst.Bind(ctx)
	}
	w.pool.put(w)
	return []service.MessageBatch{orInput(out, batch)}, nil
}

// orInput returns out when the batch changed shape, else the input batch.
func orInput(out, in service.MessageBatch) service.MessageBatch {
	if out != nil {
		return out
	}
	return in
}

// Close releases the module once the batches in flight have finished. Benthos
// calls it once per pipeline thread; every call after the first does nothing.
func (p *wasmSMT) Close(context.Context) error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	if p.watcher != nil {
		p.watcher.stop()
	}
	p.pool.Load().close()
	return nil
}
