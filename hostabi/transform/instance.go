package transform

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benthos-wasm/benthos-wasm/hostabi"
	"github.com/benthos-wasm/benthos-wasm/hostabi/record"
)

// ErrNotRead is a record the guest never read: it asked for the next batch
// before the end of this one. The instance stays usable.
var ErrNotRead = errors.New(ABIName + ": the transform ended the batch without reading this record")

// errReturned is a guest whose _start returned: the SDKs loop for ever.
var errReturned = errors.New("its _start returned, where a transform loops over batches for ever")

// event is what the guest's goroutine tells the processor's: the batch is
// done (or, first, the guest is ready), or the guest is gone.
type event struct {
	exited bool
	err    error // why it exited
}

// Instance is one instantiated transform: its _start runs on a goroutine of
// its own for the life of the instance, and Process hands it one batch at a
// time. An Instance serves one goroutine at a time.
type Instance struct {
	core   *hostabi.Instance
	module *Module
	cfg    *Config
	cancel context.CancelFunc // stops the guest, when the module has a timeout

	batches chan *batch   // to the guest: the next batch
	events  chan event    // from the guest
	closing chan struct{} // closed by Close: read_batch_header returns -1
	exited  chan struct{} // closed when the guest's goroutine has ended
	once    sync.Once
	broken  bool

	cur     *batch // the batch in the guest's hands, or nil (the guest's goroutine)
	scratch batch  // reused for every batch
	sized   sized  // the last schema registry answer a _len call sized (the guest's goroutine)

	timeout time.Duration
	timer   *time.Timer
	gen     atomic.Int64 // which unit of work the timer is armed for
	fired   atomic.Int64 // the unit of work the timer stopped
}

// Instantiate makes an instance and starts its _start, returning once the
// guest waits for its first batch (so a guest that fails to start fails
// here, not on a record).
func (m *Module) Instantiate(ctx context.Context) (*Instance, error) {
	core, err := m.core.Instantiate(ctx, hostabi.InstanceConfig{Environment: m.cfg.environment()})
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	in := &Instance{
		core: core, module: m, cfg: &m.cfg, cancel: cancel,
		batches: make(chan *batch), events: make(chan event, 1),
		closing: make(chan struct{}), exited: make(chan struct{}),
		timeout: m.core.Limits().Timeout,
	}
	core.SetState(in)
	start := core.Func(ExportStart)
	go in.run(runCtx, start)
	if ev := <-in.events; ev.exited {
		in.broken = true
		_ = in.Close(ctx)
		return nil, fmt.Errorf("starting module %s: %w", m.core.Name(), startError(ev.err))
	}
	return in, nil
}

// run runs the guest's _start until it exits.
func (in *Instance) run(ctx context.Context, start *hostabi.Func) {
	defer close(in.exited)
	err := in.core.Run(ctx, start)
	if err == nil {
		err = errReturned
	}
	in.events <- event{exited: true, err: err}
}

func startError(err error) error {
	return fmt.Errorf("the transform exited before asking for its first batch: %w", err)
}

// Process hands recs to the guest as one batch and waits until it asks for
// the next. The guest's writes for each record go to that record: none
// drops it (Drop), the first replaces its key, value and headers (and its
// topic, when the write names one or the config has output topics), each
// further one goes to an Emit.
//
// It returns len(recs) and nil when every record was done. Otherwise it
// returns the index k of the record that failed and why: records before k
// are done, record k must be discarded (its writes may be half made), and
// records after k were not handed over or not reached. The error is:
//   - ErrNotRead: the guest ended the batch early; the instance is usable;
//   - a record the host could not encode; the instance is usable;
//   - the guest died on record k (a trap, a WASI exit, a limit, a
//     timeout, a host function refusing it); the instance is Broken, and
//     the error says so in the terms of hostabi's typed errors.
func (in *Instance) Process(ctx context.Context, recs []record.Record) (int, error) {
	if in.broken {
		return 0, fmt.Errorf("%s: %w", ABIName, hostabi.ErrBroken)
	}
	if len(recs) == 0 {
		return 0, nil
	}
	b := &in.scratch
	n, encodeErr := b.fill(recs, time.Now())
	if n == 0 {
		return 0, encodeErr
	}
	in.batches <- b
	ev := <-in.events
	if ev.exited {
		in.broken = true
		k := b.current
		if k < 0 {
			k = b.next
		}
		return k, in.deathError(ev.err, b)
	}
	if b.next < n {
		return b.next, ErrNotRead
	}
	return n, encodeErr
}

// deathError says why the guest died on its current record.
func (in *Instance) deathError(err error, b *batch) error {
	if in.fired.Load() != 0 && in.fired.Load() == in.gen.Load() {
		// The timeout stopped this record: wazero ended the guest, or a
		// host function waiting on the context (a registry call) did.
		timeout := &hostabi.TimeoutError{Function: ExportStart, Timeout: in.timeout}
		var hf *hostabi.HostFunctionError
		if errors.As(err, &hf) {
			return fmt.Errorf("%s: the transform died on this record: %w (%v)", ABIName, timeout, hf.Err)
		}
		err = timeout
	}
	var registry *RegistryCallError
	switch {
	case errors.As(b.refusal, &registry):
		return fmt.Errorf("%s: the transform died on this record: %w (after %v)", ABIName, err, b.refusal)
	case b.refusal != nil:
		return fmt.Errorf("%s: the transform died on this record: %w (after the host refused it: %v)", ABIName, err, b.refusal)
	}
	return fmt.Errorf("%s: the transform died on this record: %w", ABIName, err)
}

// arm starts the timeout of the next unit of work (the batch before its
// first record, then each record), when the module has a timeout.
func (in *Instance) arm() {
	g := in.gen.Add(1)
	if in.timeout <= 0 {
		return
	}
	if in.timer != nil {
		in.timer.Stop()
	}
	in.timer = time.AfterFunc(in.timeout, func() {
		if in.gen.Load() == g {
			in.fired.Store(g)
			in.cancel()
		}
	})
}

// disarm stops the timeout while the guest waits for a batch.
func (in *Instance) disarm() {
	in.gen.Add(1)
	if in.timer != nil {
		in.timer.Stop()
	}
}

// Broken reports whether the guest died.
func (in *Instance) Broken() bool { return in.broken }

// MemoryPages returns the size of the instance's linear memory in 64 KiB
// pages. Call it between batches.
func (in *Instance) MemoryPages() uint32 { return in.core.MemoryPages() }

// Close stops the guest (a guest waiting for a batch is told there is none,
// and exits) and releases the instance.
func (in *Instance) Close(ctx context.Context) error {
	in.core.MuteOutput()
	in.once.Do(func() { close(in.closing) })
	select {
	case <-in.exited:
	case <-time.After(time.Second):
		// A guest still busy: stop it if wazero can, and close regardless.
		in.cancel()
	}
	in.cancel()
	return in.core.Close(ctx)
}
