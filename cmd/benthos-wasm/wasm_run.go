package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

// `benthos-wasm wasm run` runs one function of a module on records given as
// JSON lines, through a wasm_smt processor configured from its flags: the
// same host, ABIs, converters and limits as in a pipeline.

const wasmRunUsage = "usage: benthos-wasm wasm run MODULE [--function NAME] [--abi ABI] [--param K=V]... " +
	"[--key-converter C] [--value-converter C] [--header-converter C] [--schema-registry URL] " +
	"[--timeout D] [--max-memory-pages N] [--value TEXT]"

// processorInitError is the prefix Benthos puts before a processor's own
// error when it cannot start; `wasm run` has no config whose path it names.
var processorInitError = regexp.MustCompile(`^failed to init processor .*? path root\.pipeline\.processors\.0: `)

// wasmRunOptions are the flags of `wasm run`.
type wasmRunOptions struct {
	fields map[string]any // the wasm_smt fields
	value  *string        // --value: one record, no standard input
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// optionalString is a flag that remembers whether it was given.
type optionalString struct{ v *string }

func (o *optionalString) String() string {
	if o.v == nil {
		return ""
	}
	return *o.v
}
func (o *optionalString) Set(v string) error { o.v = &v; return nil }

// parseWasmRunArgs reads `MODULE [flags]`, flags before or after the
// module (urfave/cli would stop at the module).
func parseWasmRunArgs(args []string) (wasmRunOptions, error) {
	fs := flag.NewFlagSet("wasm run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var params stringList
	var value optionalString
	strs := map[string]*string{}
	for _, name := range []string{"function", "abi", "key-converter", "value-converter", "header-converter", "schema-registry", "timeout"} {
		strs[name] = fs.String(name, "", "")
	}
	pages := fs.Int("max-memory-pages", 0, "")
	fs.Var(&params, "param", "")
	fs.Var(&params, "params", "") // the same: K=V, repeatable
	fs.Var(&value, "value", "")

	module, rest, err := splitModuleArgs(args)
	if err != nil {
		return wasmRunOptions{}, err
	}
	if err := fs.Parse(rest); err != nil {
		return wasmRunOptions{}, err
	}
	if module == "" {
		return wasmRunOptions{}, errors.New("MODULE is missing")
	}
	opts := wasmRunOptions{value: value.v, fields: map[string]any{"module_path": module}}
	for flagName, v := range strs {
		if *v == "" {
			continue
		}
		field := strings.ReplaceAll(flagName, "-", "_")
		if flagName == "schema-registry" {
			opts.fields["schema_registry"] = map[string]any{"url": *v}
			continue
		}
		opts.fields[field] = *v
	}
	if *pages != 0 {
		opts.fields["max_memory_pages"] = *pages
	}
	if len(params) > 0 {
		m := map[string]string{}
		for _, p := range params {
			k, v, ok := strings.Cut(p, "=")
			if !ok || k == "" {
				return wasmRunOptions{}, fmt.Errorf("--param %q is not KEY=VALUE", p)
			}
			m[k] = v
		}
		opts.fields["params"] = m
	}
	return opts, nil
}

func wasmRunCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "Run a module's function on records given as JSON lines, and print what it gives back",
		ArgsUsage: "MODULE [--function NAME] [--abi ABI] [--param K=V]... [converter flags] [--value TEXT]",
		Description: "Reads one record per line of standard input as JSON: {\"key\": ..., \"value\": ..., \"headers\": {...},\n" +
			"\"topic\": ..., \"partition\": ..., \"timestamp\": ...} (key and value as text, or key_base64 and value_base64;\n" +
			"an absent or null value is a tombstone; timestamp in ms since the epoch or RFC 3339), or the one record\n" +
			"--value gives. Runs the function on each through wasm_smt, with its host, ABIs (--abi: auto, kafka_connect,\n" +
			"connect_wasm, data_transforms), converters and limits, and prints one JSON line per result: each record\n" +
			"the function gives back, {\"dropped\": true}, or {\"error\": ...}, each with \"input\" (the input line) and\n" +
			"the guest's log lines. Exits with status 1 when any record failed, 2 on a usage error.",
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			opts, err := parseWasmRunArgs(c.Args().Slice())
			if err != nil {
				return cli.Exit(fmt.Sprintf("%v\n%s", err, wasmRunUsage), 2)
			}
			return runWasmRecords(c.Context, c.App.Reader, c.App.Writer, c.App.ErrWriter, opts)
		},
	}
}

// logCapture keeps the log lines of the record being run: the guest's
// stdout and stderr lines and the processor's warnings about it. The
// processor's logger carries a "module" attribute; the stream's own lines
// (the in-process input and output) do not, and are left out.
type logCapture struct {
	*logLines
	fromProcessor bool
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

// Handle implements slog.Handler for the stream's logger.
func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	if !l.fromProcessor && !hasModuleAttr(r) {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r.Message)
	return nil
}
func (l *logCapture) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo
}
func (l *logCapture) WithGroup(string) slog.Handler { return l }

func (l *logCapture) WithAttrs(attrs []slog.Attr) slog.Handler {
	for _, a := range attrs {
		if a.Key == "module" {
			return &logCapture{logLines: l.logLines, fromProcessor: true}
		}
	}
	return l
}

func hasModuleAttr(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == "module"
		return !found
	})
	return found
}

// runWasmRecords runs the function on every record of in (or --value's).
func runWasmRecords(ctx context.Context, in io.Reader, out, errOut io.Writer, opts wasmRunOptions) error {
	procYAML, err := yaml.Marshal(map[string]any{"wasm_smt": opts.fields})
	if err != nil {
		return err
	}
	logs := &logLines{}
	builder := service.NewStreamBuilder()
	builder.SetLogger(slog.New(&logCapture{logLines: logs}))
	produce, err := builder.AddProducerFunc()
	if err != nil {
		return err
	}
	if err := builder.AddProcessorYAML(string(procYAML)); err != nil {
		return cli.Exit(fmt.Sprintf("wasm run: %v", err), 2)
	}
	var mu sync.Mutex
	var got []*service.Message
	if err := builder.AddConsumerFunc(func(_ context.Context, m *service.Message) error {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	stream, err := builder.Build()
	if err != nil {
		return cli.Exit(fmt.Sprintf("wasm run: %v", err), 1)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A stream that stops by itself (the processor could not start: no
	// such module or function) ends runCtx, so no record waits on it.
	var streamErr error
	streamDone := make(chan struct{})
	go func() {
		streamErr = stream.Run(runCtx)
		cancel()
		close(streamDone)
	}()
	defer func() {
		_ = stream.Stop(context.Background())
		<-streamDone
	}()

	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	failed, total := 0, 0
	emit := func(r runResult) error {
		if r.Error != "" {
			failed++
		}
		return enc.Encode(r)
	}
	runOne := func(n int, line []byte) error {
		total++
		rec, err := parseRunRecord(line)
		var msg *service.Message
		if err == nil {
			msg, err = rec.message()
		}
		if err != nil {
			return emit(runResult{Input: n, Error: fmt.Sprintf("input line %d: %v", n, err)})
		}
		if err := produce(runCtx, msg); err != nil {
			<-streamDone
			if streamErr != nil {
				return cli.Exit("wasm run: "+processorInitError.ReplaceAllString(streamErr.Error(), ""), 1)
			}
			return fmt.Errorf("input line %d: the run stopped: %w", n, err)
		}
		mu.Lock()
		results := got
		got = nil
		mu.Unlock()
		lines := logs.take()
		if len(results) == 0 {
			return emit(runResult{Input: n, Dropped: true, Logs: lines})
		}
		for i, m := range results {
			var r runResult
			if e := m.GetError(); e != nil {
				r = runResult{Input: n, Error: e.Error()}
			} else if r, err = resultOf(n, m); err != nil {
				return err
			}
			if i == 0 {
				r.Logs = lines
			}
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}

	if opts.value != nil {
		line, _ := json.Marshal(map[string]string{"value": *opts.value})
		if err := runOne(1, line); err != nil {
			return err
		}
	} else {
		scanner := bufio.NewScanner(in)
		scanner.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
		for n := 1; scanner.Scan(); n++ {
			line := bytes.TrimSpace(scanner.Bytes())
			if len(line) == 0 {
				continue
			}
			if err := runOne(n, line); err != nil {
				return err
			}
		}
		if err := scanner.Err(); err != nil {
			return fmt.Errorf("reading standard input: %w", err)
		}
	}
	if failed > 0 {
		return cli.Exit(fmt.Sprintf("wasm run: %d of %d records failed", failed, total), 1)
	}
	return nil
}
