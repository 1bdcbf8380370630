package kafka

import (
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// DevBrokerConfig says how to start a development broker.
type DevBrokerConfig struct {
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Topics are created at start (when missing); others are created on
	// first use.
	Topics []string
	// Partitions is the partition count of every topic, created at start
	// or on first use. 0 means 1. A topic kept in DataDir keeps its count.
	Partitions int
	// DataDir, when set, keeps topics, records, committed offsets and
	// groups in this directory, and a broker started again on it carries
	// on where the last one stopped. Empty: everything is in memory and
	// lost when the broker stops.
	DataDir string
	// SyncWrites fsyncs every batch written to DataDir, so a machine crash
	// loses nothing acknowledged; without it a stopped or killed broker
	// loses nothing, a machine crash may lose the last writes.
	SyncWrites bool
	// TLS, when set, makes the broker accept TLS connections only.
	TLS *tls.Config
	// Users, when there are any, makes SASL authentication required: a
	// client must log in as one of them, with that user's mechanism.
	Users []DevUser
}

// DevUser is a SASL user of a development broker.
type DevUser struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Name      string
	Password  string
}

// DevSASLMechanisms are the SASL mechanisms a development broker accepts.
var DevSASLMechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// DevBroker is a single Kafka broker on 127.0.0.1, for development and
// tests only: it replicates nothing and, without a data directory, keeps
// everything in memory and loses every record when it stops. It speaks the
// Kafka protocol (franz-go's kfake), so any Kafka client works against it.
type DevBroker struct {
	cluster  *kfake.Cluster
	addr     string
	restored bool
	unlock   func() // releases the data directory

	closeOnce sync.Once
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
	userOpts, err := devUserOpts(cfg.Users)
	if err != nil {
		return nil, err
	}
	opts = append(opts, userOpts...)
	if cfg.TLS != nil {
		opts = append(opts, kfake.TLS(cfg.TLS))
	}
	restored, unlock := false, func() {}
	if cfg.DataDir != "" {
		if restored, unlock, err = prepareDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
		opts = append(opts, kfake.DataDir(cfg.DataDir))
		if cfg.SyncWrites {
			opts = append(opts, kfake.SyncWrites())
		}
	} else if cfg.SyncWrites {
		return nil, errors.New("sync writes need a data directory")
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("starting the broker on 127.0.0.1:%d: %w", cfg.Port, err)
	}
	b := &DevBroker{cluster: cluster, restored: restored, unlock: unlock}
	if restored {
		// kfake seeds topics only into an empty data directory.
		for _, t := range cfg.Topics {
			if cluster.TopicInfo(t) != nil {
				continue
			}
			if err := cluster.CreateTopic(t, int32(partitions), nil); err != nil {
				b.Close()
				return nil, fmt.Errorf("creating topic %s: %w", t, err)
			}
		}
	}
	addrs := cluster.ListenAddrs()
	if len(addrs) != 1 {
		b.Close()
		return nil, fmt.Errorf("broker listens on %d addresses, expected 1", len(addrs))
	}
	b.addr = addrs[0]
	if len(cfg.Users) > 0 {
		if err := advertiseSASLHandshakeV0(cluster, b.addr, cfg.TLS != nil); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}

// devUserOpts are the kfake options that require SASL with these users.
func devUserOpts(users []DevUser) ([]kfake.Opt, error) {
	if len(users) == 0 {
		return nil, nil
	}
	opts := []kfake.Opt{kfake.EnableSASL()}
	seen := map[[2]string]bool{}
	for _, u := range users {
		known := false
		for _, m := range DevSASLMechanisms {
			known = known || u.Mechanism == m
		}
		switch {
		case !known:
			return nil, fmt.Errorf("SASL user %q: unknown mechanism %q (one of %v)", u.Name, u.Mechanism, DevSASLMechanisms)
		case u.Name == "":
			return nil, fmt.Errorf("SASL user of %s: empty user name", u.Mechanism)
		case u.Password == "":
			return nil, fmt.Errorf("SASL user %q: empty password", u.Name)
		case seen[[2]string{u.Mechanism, u.Name}]:
			return nil, fmt.Errorf("SASL user %q of %s given twice", u.Name, u.Mechanism)
		}
		seen[[2]string{u.Mechanism, u.Name}] = true
		// Without ACLs every user may do everything; Superuser is kfake's
		// way to add a user that keeps that when ACLs are on.
		opts = append(opts, kfake.Superuser(u.Mechanism, u.Name, u.Password))
	}
	return opts, nil
}

// prepareDataDir creates dir when missing, locks it (one broker per data
// directory) and says whether it holds the state of an earlier broker.
// kfake restores the SASL users it saved there over the ones it is given,
// so their file is removed: the users are always those of this start.
func prepareDataDir(dir string) (restored bool, unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, nil, fmt.Errorf("data directory: %w", err)
	}
	if unlock, err = lockDataDir(dir); err != nil {
		return false, nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	if _, err := os.Stat(filepath.Join(dir, "meta.json")); err == nil {
		restored = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, "sasl.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, nil, fmt.Errorf("data directory: %w", err)
	}
	return restored, unlock, nil
}

// Addr is the broker's host:port, for seed_brokers.
func (b *DevBroker) Addr() string { return b.addr }

// Restored says whether the broker carried on from the state an earlier
// broker left in its data directory.
func (b *DevBroker) Restored() bool { return b.restored }

// Close stops the broker. Without a data directory every record is gone;
// with one, everything is written there first.
func (b *DevBroker) Close() {
	b.closeOnce.Do(func() {
		b.cluster.Close()
		b.unlock()
	})
}
