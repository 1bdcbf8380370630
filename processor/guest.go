package processor

import (
	"context"
	"fmt"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/abi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/connectwasm"
	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
	"github.com/benthos-wasm/benthos-wasm/hostabi/transform"
)

// module is a loaded module of one ABI, from which a pool makes guests.
type module interface {
	instantiate(ctx context.Context) (guest, error)
	close(ctx context.Context) error
}

// guest is one instance of a module, of any ABI.
type guest interface {
	Broken() bool
	MemoryPages() uint32
	Close(ctx context.Context) error
}

// recordGuest runs its function once per record: the Kafka Connect and
// Redpanda Connect wasm ABIs.
type recordGuest interface {
	guest
	call(ctx context.Context, rec *messageRecord) error
}

// batchGuest is handed a batch of records at once: Data Transforms, whose
// guest drives its own loop over them (see transform.Instance.Process).
type batchGuest interface {
	guest
	Process(ctx context.Context, recs []record.Record) (int, error)
}

// loadModule compiles wasm, tells its ABI (or checks the one configured),
// and readies it for that ABI.
func loadModule(ctx context.Context, cfg *config, wasm []byte, opts []hostabi.Option, kc kafkaconnect.Config) (module, abi.Name, error) {
	core, err := hostabi.Compile(ctx, cfg.modulePath, wasm, opts...)
	if err != nil {
		return nil, "", loadError(err)
	}
	name := cfg.abi
	if name == abi.Auto {
		if name, err = abi.Detect(core.Description()); err != nil {
			_ = core.Close(ctx)
			return nil, "", fmt.Errorf("field %s: module %s: %w", fieldModulePath, cfg.modulePath, err)
		}
	}
	var m module
	switch name {
	case abi.KafkaConnect:
		if cfg.function == "" {
			_ = core.Close(ctx)
			return nil, "", fmt.Errorf("field %s: required for a module of the %s (module %s)", fieldFunction, name.Title(), cfg.modulePath)
		}
		var km *kafkaconnect.Module
		km, err = kafkaconnect.New(ctx, core, kc)
		m = kcModule{km}
	case abi.ConnectWasm:
		var cm *connectwasm.Module
		cm, err = connectwasm.New(ctx, core, cfg.function)
		m = cwModule{cm}
	case abi.DataTransforms:
		if cfg.function != "" {
			_ = core.Close(ctx)
			return nil, "", fmt.Errorf("field %s: must be empty for a module of the %s: its _start loop drives it (module %s)", fieldFunction, name.Title(), cfg.modulePath)
		}
		tcfg := transform.Config{InputTopic: cfg.inputTopic, OutputTopics: cfg.outputTopics}
		// Only a non-nil client: a nil *schemaregistry.Client in the
		// interface would not be nil, and the guest would get -2, not -1.
		if cfg.registry != nil {
			tcfg.SchemaRegistry = cfg.registry
		}
		if kc.Log != nil {
			// The processor's logger (the one kc.Log writes to): the guest
			// decides what a failed lookup means for its record, the log
			// says why the registry failed.
			tcfg.LogRegistryError = func(err error) { kc.Log(kafkaconnect.LogWarn, err.Error()) }
		}
		var tm *transform.Module
		tm, err = transform.New(ctx, core, tcfg)
		m = dtModule{tm}
	}
	if err != nil {
		return nil, "", loadError(err)
	}
	return m, name, nil
}

// kcModule is a Kafka Connect ABI module.
type kcModule struct{ m *kafkaconnect.Module }

func (k kcModule) instantiate(ctx context.Context) (guest, error) {
	in, err := k.m.Instantiate(ctx)
	if err != nil {
		return nil, err
	}
	return kcGuest{in}, nil
}

func (k kcModule) close(ctx context.Context) error { return k.m.Close(ctx) }

type kcGuest struct{ *kafkaconnect.Instance }

func (g kcGuest) call(ctx context.Context, rec *messageRecord) error { return g.Call(ctx, rec) }

// cwModule is a Redpanda Connect wasm ABI module.
type cwModule struct{ m *connectwasm.Module }

func (c cwModule) instantiate(ctx context.Context) (guest, error) {
	in, err := c.m.Instantiate(ctx)
	if err != nil {
		return nil, err
	}
	return cwGuest{in}, nil
}

func (c cwModule) close(ctx context.Context) error { return c.m.Close(ctx) }

type cwGuest struct{ *connectwasm.Instance }

func (g cwGuest) call(ctx context.Context, rec *messageRecord) error { return g.Call(ctx, rec) }

// dtModule is a Data Transforms module.
type dtModule struct{ m *transform.Module }

func (d dtModule) instantiate(ctx context.Context) (guest, error) {
	in, err := d.m.Instantiate(ctx)
	if err != nil {
		return nil, err
	}
	return in, nil
}

func (d dtModule) close(ctx context.Context) error { return d.m.Close(ctx) }
