package kafka

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// DevBrokerConfig says how to start a development broker.
type DevBrokerConfig struct {
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Topics are created at start; others are created on first use.
	Topics []string
	// Partitions is the partition count of every topic, created at start
	// or on first use. 0 means 1.
	Partitions int
}

// DevBroker is a single in-memory Kafka broker on 127.0.0.1, for
// development and tests only: it keeps nothing on disk, replicates
// nothing, has no authentication and loses every record when it stops. It
// speaks the Kafka protocol (franz-go's kfake), so any Kafka client works
// against it.
type DevBroker struct {
	cluster *kfake.Cluster
	addr    string
}

// StartDevBroker starts a development broker. Close stops it.
func StartDevBroker(cfg DevBrokerConfig) (*DevBroker, error) {
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("port %d is not a TCP port", cfg.Port)
	}
	partitions := cfg.Partitions
	if partitions == 0 {
		partitions = 1
	}
	if partitions < 0 || partitions > math.MaxInt32 {
		return nil, fmt.Errorf("partitions: %d is not a partition count", cfg.Partitions)
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(cfg.Port),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(partitions),
		// Short sessions let tests see a dead member's partitions move on
		// quickly; clients still choose their own session timeout.
		kfake.GroupMinSessionTimeout(time.Second),
	}
	for _, t := range cfg.Topics {
		if t == "" {
			return nil, errors.New("topics: empty topic name")
		}
	}
	if len(cfg.Topics) > 0 {
		opts = append(opts, kfake.SeedTopics(int32(partitions), cfg.Topics...))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the in-memory broker on 127.0.0.1:%d: %w", cfg.Port, err)
	}
	addrs := cluster.ListenAddrs()
	if len(addrs) != 1 {
		cluster.Close()
		return nil, fmt.Errorf("in-memory broker listens on %d addresses, expected 1", len(addrs))
	}
	return &DevBroker{cluster: cluster, addr: addrs[0]}, nil
}

// Addr is the broker's host:port, for seed_brokers.
func (b *DevBroker) Addr() string { return b.addr }

// Close stops the broker; every record is gone.
func (b *DevBroker) Close() { b.cluster.Close() }
