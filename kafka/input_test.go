package kafka

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
	"github.com/benthos-wasm/benthos-wasm/kafkameta"
)

func TestInputCheckpointLimitPausesAPartition(t *testing.T) {
	addr := startBroker(t, 1, "limit")
	produce(t, addr, values(10, "limit")...)
	release := holdOffset(t, 2)

	var got offsets
	stream{
		input: fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ limit ]
  consumer_group: g-limit
  checkpoint_limit: 5
  commit_period: 50ms
  fetch_max_wait: 200ms
`, addr),
		threads: 4, processors: []string{"kafka_test_gate: {}"},
		consume: func(_ context.Context, b service.MessageBatch) error {
			got.add(b)
			return nil
		},
	}.run(t)

	waitFor(t, 10*time.Second, "the first records but offset 2 delivered", func() bool { return got.len() == 9 })
	produce(t, addr, values(10, "limit")...)
	time.Sleep(500 * time.Millisecond)
	assert.Equal(t, 9, got.len(), "8 records wait behind offset 2, past checkpoint_limit 5: the partition is paused")

	release()
	waitFor(t, 10*time.Second, "every record delivered once acks catch up", func() bool { return got.len() == 20 })
	waitFor(t, 5*time.Second, "every offset committed", func() bool { return committed(t, addr, "g-limit", "limit", 0) == 20 })
}

func TestInputBatchesRecordsOfAPartition(t *testing.T) {
	addr := startBroker(t, 2, "batched")
	var records []*kgo.Record
	for i := 0; i < 12; i++ {
		records = append(records, &kgo.Record{Topic: "batched", Partition: int32(i % 2), Value: []byte(strconv.Itoa(i))})
	}
	produce(t, addr, records...)

	var mu sync.Mutex
	var sizes []int
	stream{
		input: fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ batched ]
  consumer_group: g-batched
  commit_period: 50ms
  fetch_max_wait: 200ms
  batching:
    count: 3
`, addr),
		consume: func(_ context.Context, b service.MessageBatch) error {
			partitions := map[any]bool{}
			for _, m := range b {
				p, _ := m.MetaGetMut(kafkameta.Partition)
				partitions[p] = true
			}
			mu.Lock()
			defer mu.Unlock()
			if len(partitions) != 1 {
				t.Errorf("a batch mixes partitions %v", partitions)
			}
			sizes = append(sizes, len(b))
			return nil
		},
	}.run(t)

	waitFor(t, 10*time.Second, "both partitions committed", func() bool {
		return committed(t, addr, "g-batched", "batched", 0) == 6 && committed(t, addr, "g-batched", "batched", 1) == 6
	})
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{3, 3, 3, 3}, sizes)
}

func TestInputBatchingPeriodFlushesAPartialBatch(t *testing.T) {
	addr := startBroker(t, 1, "period")
	produce(t, addr, values(2, "period")...)
	var got offsets
	stream{
		input: fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ period ]
  fetch_max_wait: 200ms
  batching: { count: 100, period: 100ms }
`, addr),
		consume: func(_ context.Context, b service.MessageBatch) error {
			got.add(b)
			return nil
		},
	}.run(t)
	waitFor(t, 5*time.Second, "the partial batch flushed by its period", func() bool { return got.len() == 2 })
}

func TestInputExplicitPartitionsWithoutAGroup(t *testing.T) {
	addr := startBroker(t, 3, "explicit")
	var records []*kgo.Record
	for i := 0; i < 9; i++ {
		records = append(records, &kgo.Record{Topic: "explicit", Partition: int32(i % 3), Value: []byte(strconv.Itoa(i))})
	}
	produce(t, addr, records...)

	var mu sync.Mutex
	var got []string
	stream{
		input: fmt.Sprintf(`
kafka_franz:
  seed_brokers: [ %q ]
  topics: [ "explicit:1", "explicit:2:1" ]
  fetch_max_wait: 200ms
`, addr),
		consume: func(_ context.Context, b service.MessageBatch) error {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range b {
				p, _ := m.MetaGetMut(kafkameta.Partition)
				o, _ := m.MetaGetMut(kafkameta.Offset)
				got = append(got, fmt.Sprintf("%v:%v", p, o))
			}
			return nil
		},
	}.run(t)

	waitFor(t, 10*time.Second, "partition 1 from the start, partition 2 from offset 1", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 5
	})
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.ElementsMatch(t, []string{"1:0", "1:1", "1:2", "2:1", "2:2"}, got)
}

func TestInputSurvivesABrokerRestart(t *testing.T) {
	// A broker that keeps its log on disk, restarted on the same port.
	dir, port := t.TempDir(), testutil.FreePort(t)
	start := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.DataDir(dir),
			kfake.SeedTopics(1, "restart"), kfake.AllowAutoTopicCreation())
		require.NoError(t, err)
		return c
	}
	cluster := start()
	t.Cleanup(func() { cluster.Close() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	produce(t, addr, values(20, "restart")...)

	var mu sync.Mutex
	seen := map[string]bool{}
	stream{
		input: inputYAML(addr, "restart", "g-restart"),
		consume: func(_ context.Context, b service.MessageBatch) error {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range b {
				v, _ := m.AsBytes()
				seen[string(v)] = true
			}
			return nil
		},
	}.run(t)
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen)
	}
	waitFor(t, 10*time.Second, "the first records read", func() bool { return count() == 20 })

	cluster.Close()
	time.Sleep(300 * time.Millisecond)
	cluster = start()

	var more []*kgo.Record
	for i := 20; i < 40; i++ {
		more = append(more, &kgo.Record{Topic: "restart", Value: []byte(strconv.Itoa(i))})
	}
	produce(t, addr, more...)
	waitFor(t, 30*time.Second, "records written after the restart read", func() bool { return count() == 40 })
}
