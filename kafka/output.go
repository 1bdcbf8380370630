package kafka

import (
	"context"
	"fmt"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
)

// output is the kafka_franz output: one franz-go client shared by every
// batch in flight.
type output struct {
	opts    []kgo.Opt
	builder recordBuilder

	mu     sync.RWMutex
	client *kgo.Client
}

func newOutput(conf *service.ParsedConfig, log *service.Logger) (*output, error) {
	conn, err := parseConnection(conf)
	if err != nil {
		return nil, err
	}
	producer, err := producerOpts(conf)
	if err != nil {
		return nil, err
	}
	builder, err := parseRecordBuilder(conf)
	if err != nil {
		return nil, err
	}
	return &output{opts: append(conn.opts(log), producer...), builder: builder}, nil
}

// Connect implements service.BatchOutput.
func (o *output) Connect(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.client != nil {
		return nil
	}
	cl, err := newClient(ctx, o.opts)
	if err != nil {
		return err
	}
	o.client = cl
	return nil
}

// WriteBatch implements service.BatchOutput: it returns once every record
// is written, or with a batch error naming the messages that were not.
func (o *output) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.RLock()
	cl := o.client
	o.mu.RUnlock()
	if cl == nil {
		return service.ErrNotConnected
	}

	var batchErr *service.BatchError
	fail := func(i int, err error) {
		if batchErr == nil {
			batchErr = service.NewBatchError(batch, err)
		}
		batchErr.Failed(i, err)
	}

	records := make([]*kgo.Record, 0, len(batch))
	index := make([]int, 0, len(batch)) // message index of each record
	for i, msg := range batch {
		r, err := o.builder.build(msg)
		if err != nil {
			fail(i, err)
			continue
		}
		records = append(records, r)
		index = append(index, i)
	}
	if len(records) > 0 {
		for j, res := range cl.ProduceSync(ctx, records...) {
			if res.Err != nil {
				fail(index[j], fmt.Errorf("writing to topic %s: %w", res.Record.Topic, res.Err))
			}
		}
	}
	if batchErr != nil {
		return batchErr
	}
	return nil
}

// Close implements service.BatchOutput.
func (o *output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.client != nil {
		o.client.Close()
		o.client = nil
	}
	return nil
}
