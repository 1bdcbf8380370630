package transform

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
)

// Config is what the ABI needs beyond the module's bytes.
type Config struct {
	// InputTopic is the guest's REDPANDA_INPUT_TOPIC.
	InputTopic string
	// OutputTopics are the guest's REDPANDA_OUTPUT_TOPIC_0 to _7, at most
	// MaxOutputTopics. A plain write_record goes to the first (when there is
	// one); write_record_with_options may name any of them.
	OutputTopics []string
	// SchemaRegistry answers the guest's calls of module
	// redpanda_schema_registry (Redpanda's sr packages). nil means none is
	// configured: every call but check_abi_version_0 returns -1, as on a
	// broker without a schema registry. Beware a typed nil (a nil
	// *schemaregistry.Client in this interface is not nil).
	SchemaRegistry SchemaRegistry
	// LogRegistryError receives each *RegistryCallError: every call the
	// guest got -2 for, and the first that got -1 of each module. It runs
	// on the guest's goroutine inside its call: keep it quick. nil discards
	// them.
	LogRegistryError func(err error)
}

func (c Config) validate() error {
	if len(c.OutputTopics) > MaxOutputTopics {
		return &hostabi.OptionError{Option: "OutputTopics", Value: len(c.OutputTopics),
			Want: fmt.Sprintf("at most %d topics", MaxOutputTopics)}
	}
	seen := map[string]bool{}
	for _, t := range c.OutputTopics {
		if t == "" || seen[t] {
			return &hostabi.OptionError{Option: "OutputTopics", Value: strconv.Quote(t),
				Want: "topic names that are not empty, each once"}
		}
		seen[t] = true
	}
	return nil
}

// environment is what the SDKs read of their deployment.
func (c Config) environment() map[string]string {
	env := map[string]string{"REDPANDA_INPUT_TOPIC": c.InputTopic}
	for i, t := range c.OutputTopics {
		env[fmt.Sprintf("REDPANDA_OUTPUT_TOPIC_%d", i)] = t
	}
	return env
}

// Module is a transform module compiled, checked against the ABI, and ready
// to instantiate. It is safe for concurrent use.
type Module struct {
	core *hostabi.Module
	cfg  Config

	noRegistryLogged atomic.Bool // the first -1 of module redpanda_schema_registry was logged
}

// Load compiles wasm with the core's options and makes it a transform
// module (New). name identifies the module in errors.
//
// Errors: a *hostabi.OptionError for a bad cfg; a *MismatchError naming
// every import and export that does not fit; or one of hostabi.Compile's.
func Load(ctx context.Context, name string, wasm []byte, cfg Config, opts ...hostabi.Option) (*Module, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	core, err := hostabi.Compile(ctx, name, wasm, opts...)
	if err != nil {
		return nil, err
	}
	return New(ctx, core, cfg)
}

// New checks a compiled module against the ABI and provides the host
// functions (module redpanda_schema_registry too, when the module imports
// it, whether or not cfg has a SchemaRegistry). It takes core over: on
// error core is closed. Its instances get the REDPANDA_* environment of
// cfg, over any given with hostabi.WithEnvironment.
func New(ctx context.Context, core *hostabi.Module, cfg Config) (*Module, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := cfg.validate(); err != nil {
		_ = core.Close(ctx)
		return nil, err
	}
	cfg.OutputTopics = append([]string(nil), cfg.OutputTopics...)
	if problems := Check(core.Description()); len(problems) > 0 {
		_ = core.Close(ctx)
		return nil, &MismatchError{Module: core.Name(), ABI: ABIName, Problems: problems}
	}
	if err := core.DefineHostModule(ctx, HostModule, hostFunctions); err != nil {
		_ = core.Close(ctx)
		return nil, err
	}
	if core.Description().ImportsModule(SchemaRegistryModule) {
		if err := core.DefineHostModule(ctx, SchemaRegistryModule, registryFunctions); err != nil {
			_ = core.Close(ctx)
			return nil, err
		}
	}
	return &Module{core: core, cfg: cfg}, nil
}

// MemoryLimit returns the memory limit of every instance, in 64 KiB pages (0: none).
func (m *Module) MemoryLimit() uint32 { return m.core.Limits().MemoryPages }

// Close releases the module and every instance.
func (m *Module) Close(ctx context.Context) error { return m.core.Close(ctx) }
