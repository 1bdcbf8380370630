package kafka

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

const (
	fieldSeedBrokers    = "seed_brokers"
	fieldClientID       = "client_id"
	fieldTLS            = "tls"
	fieldMetadataMaxAge = "metadata_max_age"
)

// connectionFields are the fields both components use to reach the
// brokers, named as in Redpanda Connect.
func connectionFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringListField(fieldSeedBrokers).
			Description("Addresses of brokers to connect to first (the client discovers the rest). An item may hold several comma-separated addresses.").
			Example([]string{"localhost:9092"}).
			Example([]string{"foo:9092", "bar:9092"}).
			Example([]string{"foo:9092,bar:9092"}),
		service.NewStringField(fieldClientID).
			Description("An identifier for the client connection, shown in broker logs and quotas.").
			Default("benthos").Advanced(),
		service.NewTLSToggledField(fieldTLS),
		saslField(),
		service.NewDurationField(fieldMetadataMaxAge).
			Description("The longest time cluster metadata (brokers, partitions, regexp topic matches) is kept before it is refreshed.").
			Default("5m").Advanced(),
	}
}

// connection is how to reach the brokers.
type connection struct {
	seedBrokers    []string
	clientID       string
	tls            *tls.Config // nil: plain TCP
	sasl           []sasl.Mechanism
	metadataMaxAge time.Duration
}

func parseConnection(conf *service.ParsedConfig) (connection, error) {
	var c connection
	brokers, err := conf.FieldStringList(fieldSeedBrokers)
	if err != nil {
		return c, fmt.Errorf("field %s: %w", fieldSeedBrokers, err)
	}
	for _, item := range brokers {
		for _, b := range strings.Split(item, ",") {
			if b = strings.TrimSpace(b); b != "" {
				c.seedBrokers = append(c.seedBrokers, b)
			}
		}
	}
	if len(c.seedBrokers) == 0 {
		return c, fmt.Errorf("field %s: no broker address given", fieldSeedBrokers)
	}
	if c.clientID, err = conf.FieldString(fieldClientID); err != nil {
		return c, fmt.Errorf("field %s: %w", fieldClientID, err)
	}
	tlsConf, tlsOn, err := conf.FieldTLSToggled(fieldTLS)
	if err != nil {
		return c, fmt.Errorf("field %s: %w", fieldTLS, err)
	}
	if tlsOn {
		c.tls = tlsConf
	}
	if c.sasl, err = saslMechanisms(conf); err != nil {
		return c, err
	}
	if c.metadataMaxAge, err = conf.FieldDuration(fieldMetadataMaxAge); err != nil {
		return c, fmt.Errorf("field %s: %w", fieldMetadataMaxAge, err)
	}
	return c, nil
}

// opts are the franz-go options that connect as configured.
func (c connection) opts(log *service.Logger) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.seedBrokers...),
		kgo.ClientID(c.clientID),
		kgo.MetadataMaxAge(c.metadataMaxAge),
	}
	// One watch for every client the component makes: a broker that is
	// down is reported once, not once per client or attempt.
	watch := newConnWatch(log)
	opts = append(opts, kgo.WithLogger(kgoLogger{log, watch}), kgo.WithHooks(watch))
	if c.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(c.tls))
	}
	if len(c.sasl) > 0 {
		opts = append(opts, kgo.SASL(c.sasl...))
	}
	return opts
}

// newClient makes a client and checks that a broker answers, so that bad
// addresses or credentials fail Connect (Benthos retries it with back-off)
// instead of failing every read or write later.
func newClient(ctx context.Context, opts []kgo.Opt) (*kgo.Client, error) {
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	if err := cl.Ping(ctx); err != nil {
		err = pingError(cl, err)
		cl.Close()
		return nil, err
	}
	return cl, nil
}
