package kafka

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func connectedOutput(t *testing.T, yaml string) *output {
	t.Helper()
	out, err := parseOutput(yaml)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, out.Connect(ctx))
	t.Cleanup(func() { _ = out.Close(context.Background()) })
	return out
}

func TestOutputFailsOnlyTheMessagesItCannotWrite(t *testing.T) {
	addr := startBroker(t, 1, "ok")
	out := connectedOutput(t, fmt.Sprintf("seed_brokers: [ %q ]\ntopic: '${! @t }'", addr))

	batch := service.MessageBatch{service.NewMessage([]byte("a")), service.NewMessage([]byte("b")), service.NewMessage([]byte("c"))}
	batch[0].MetaSetMut("t", "ok")
	batch[1].MetaSetMut("t", "")
	batch[2].MetaSetMut("t", "ok")
	err := out.WriteBatch(context.Background(), batch)

	var batchErr *service.BatchError
	require.True(t, errors.As(err, &batchErr), "a batch error, got %v", err)
	var failed []int
	batchErr.WalkMessages(func(i int, _ *service.Message, err error) bool {
		if err != nil {
			failed = append(failed, i)
			assert.ErrorContains(t, err, "field topic: the topic is empty")
		}
		return true
	})
	assert.Equal(t, []int{1}, failed)

	got := consumeN(t, addr, "ok", 2)
	assert.Equal(t, "a", string(got[0].Value))
	assert.Equal(t, "c", string(got[1].Value))
}

func TestOutputNotConnected(t *testing.T) {
	out, err := parseOutput("seed_brokers: [ '127.0.0.1:1' ]\ntopic: t")
	require.NoError(t, err)
	assert.ErrorIs(t, out.WriteBatch(context.Background(), service.MessageBatch{service.NewMessage(nil)}), service.ErrNotConnected)
}

func TestOutputManualPartitioner(t *testing.T) {
	addr := startBroker(t, 3, "parts")
	out := connectedOutput(t, fmt.Sprintf(
		"seed_brokers: [ %q ]\ntopic: parts\npartitioner: manual\npartition: '${! meta(\"p\") }'", addr))
	var batch service.MessageBatch
	for _, p := range []int{2, 0, 2} {
		m := service.NewMessage([]byte(fmt.Sprint(p)))
		m.MetaSetMut("p", p)
		batch = append(batch, m)
	}
	require.NoError(t, out.WriteBatch(context.Background(), batch))
	for _, r := range consumeN(t, addr, "parts", 3) {
		assert.Equal(t, string(r.Value), fmt.Sprint(r.Partition), "each record on the partition it names")
	}
}

func TestOutputRoundRobinSpreadsRecords(t *testing.T) {
	addr := startBroker(t, 3, "rr")
	out := connectedOutput(t, fmt.Sprintf("seed_brokers: [ %q ]\ntopic: rr\npartitioner: round_robin", addr))
	var batch service.MessageBatch
	for i := 0; i < 6; i++ {
		batch = append(batch, service.NewMessage([]byte(fmt.Sprint(i))))
	}
	require.NoError(t, out.WriteBatch(context.Background(), batch))
	perPartition := map[int32]int{}
	for _, r := range consumeN(t, addr, "rr", 6) {
		perPartition[r.Partition]++
	}
	assert.Equal(t, map[int32]int{0: 2, 1: 2, 2: 2}, perPartition)
}

func TestOutputCompressionCodecsWrite(t *testing.T) {
	addr := startBroker(t, 1)
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		out := connectedOutput(t, fmt.Sprintf("seed_brokers: [ %q ]\ntopic: c-%s\ncompression: %s", addr, codec, codec))
		require.NoError(t, out.WriteBatch(context.Background(), service.MessageBatch{service.NewMessage([]byte("compressed " + codec))}), codec)
		got := consumeN(t, addr, "c-"+codec, 1)
		assert.Equal(t, "compressed "+codec, string(got[0].Value))
	}
}
