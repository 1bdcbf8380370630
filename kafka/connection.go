package kafka

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/redpanda-data/benthos/v4/public/utils/netutil"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

const (
	fieldSeedBrokers    = "seed_brokers"
	fieldClientID       = "client_id"
	fieldTLS            = "tls"
	fieldMetadataMaxAge = "metadata_max_age"
	// fieldRequestTimeoutOverhead, fieldConnIdleTimeout and fieldTCP are
	// named, typed and defaulted as in Redpanda Connect.
	fieldRequestTimeoutOverhead = "request_timeout_overhead"
	fieldConnIdleTimeout        = "conn_idle_timeout"
	fieldTCP                    = "tcp"
)

// franz-go's bounds on the connection durations (kgo refuses others).
const (
	minClientTimeout = 100 * time.Millisecond
	maxClientTimeout = 15 * time.Minute
	minMetadataAge   = 10 * time.Millisecond
	// defaultMetadataMinAge is franz-go's MetadataMinAge, which must not
	// exceed MetadataMaxAge.
	defaultMetadataMinAge = 5 * time.Second
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
		service.NewDurationField(fieldRequestTimeoutOverhead).
			Description("The time allowed for a request on top of its own timeout (a fetch's fetch_max_wait, a produce's timeout), and the whole time allowed for requests without one; a connection whose request runs past it is closed. Roughly Kafka's request.timeout.ms. Between 100ms and 15m.").
			Default("10s").Advanced(),
		service.NewDurationField(fieldConnIdleTimeout).
			Description("Roughly how long a connection may stay idle before it is closed. Between 100ms and 15m.").
			Default("20s").Advanced(),
		tcpField(),
	}
}

// connection is how to reach the brokers.
type connection struct {
	seedBrokers    []string
	clientID       string
	tls            *tls.Config // nil: plain TCP
	sasl           []sasl.Mechanism
	metadataMaxAge time.Duration
	// requestTimeoutOverhead and connIdleTimeout go to franz-go as they are.
	requestTimeoutOverhead time.Duration
	connIdleTimeout        time.Duration
	// dialer dials every connection, as the tcp block says (TLS on top
	// when tls is enabled).
	dialer *net.Dialer
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
	if c.metadataMaxAge < minMetadataAge || c.metadataMaxAge > time.Hour {
		return c, fmt.Errorf("field %s: %v is not between %v and 1h", fieldMetadataMaxAge, c.metadataMaxAge, minMetadataAge)
	}
	for _, f := range []struct {
		name string
		to   *time.Duration
	}{{fieldRequestTimeoutOverhead, &c.requestTimeoutOverhead}, {fieldConnIdleTimeout, &c.connIdleTimeout}} {
		if *f.to, err = conf.FieldDuration(f.name); err != nil {
			return c, fmt.Errorf("field %s: %w", f.name, err)
		}
		if *f.to < minClientTimeout || *f.to > maxClientTimeout {
			return c, fmt.Errorf("field %s: %v is not between %v and %v", f.name, *f.to, minClientTimeout, maxClientTimeout)
		}
	}
	if c.dialer, err = parseDialer(conf); err != nil {
		return c, err
	}
	return c, nil
}

// tcpField is the tcp block: the sub-fields of Benthos' dialer block
// (netutil.DialerConfigSpec, the one Redpanda Connect uses), with one
// difference: connect_timeout defaults to 10s, franz-go's own dial timeout,
// not 0s (none), so an unreachable seed broker is given up on as before.
func tcpField() *service.ConfigField {
	return service.NewObjectField(fieldTCP,
		service.NewDurationField("connect_timeout").
			Description("The longest a dial waits for a connection to be established; 0s: no limit (Redpanda Connect's default).").
			Default("10s"),
		service.NewObjectField("keep_alive",
			service.NewDurationField("idle").
				Description("How long a connection is idle before the first keep-alive probe; 0s: 15s; negative: no keep-alive probes.").
				Default("15s"),
			service.NewDurationField("interval").
				Description("Time between keep-alive probes; 0s: 15s.").
				Default("15s"),
			service.NewIntField("count").
				Description("Unanswered keep-alive probes before the connection is dropped; 0: 9.").
				Default(9),
		).Description("TCP keep-alive probes.").Optional(),
		service.NewDurationField("tcp_user_timeout").
			Description("The longest transmitted data may stay unacknowledged before the connection is closed (TCP_USER_TIMEOUT, Linux only, ignored elsewhere); keep_alive.idle must be larger. 0s: the system's default.").
			Default("0s"),
	).
		Description("TCP socket options of the connections to the brokers.").
		Optional().Advanced()
}

// parseDialer reads the tcp block into the dialer of every connection.
func parseDialer(conf *service.ParsedConfig) (*net.Dialer, error) {
	dc, err := netutil.DialerConfigFromParsed(conf.Namespace(fieldTCP))
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldTCP, err)
	}
	if dc.Timeout < 0 {
		return nil, fmt.Errorf("field %s.connect_timeout: %v is negative", fieldTCP, dc.Timeout)
	}
	if dc.TCPUserTimeout < 0 {
		return nil, fmt.Errorf("field %s.tcp_user_timeout: %v is negative", fieldTCP, dc.TCPUserTimeout)
	}
	if dc.KeepAliveConfig.Count < 0 {
		return nil, fmt.Errorf("field %s.keep_alive.count: %d is negative", fieldTCP, dc.KeepAliveConfig.Count)
	}
	d := &net.Dialer{}
	if err := netutil.DecorateDialer(d, dc); err != nil {
		return nil, fmt.Errorf("field %s: %w", fieldTCP, err)
	}
	return d, nil
}

// opts are the franz-go options that connect as configured.
func (c connection) opts(log *service.Logger) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.seedBrokers...),
		kgo.ClientID(c.clientID),
		kgo.MetadataMaxAge(c.metadataMaxAge),
		// franz-go refuses a max age under its min age (5s by default).
		kgo.MetadataMinAge(min(c.metadataMaxAge, defaultMetadataMinAge)),
		kgo.RequestTimeoutOverhead(c.requestTimeoutOverhead),
		kgo.ConnIdleTimeout(c.connIdleTimeout),
	}
	// One watch for every client the component makes: a broker that is
	// down is reported once, not once per client or attempt.
	watch := newConnWatch(log)
	opts = append(opts, kgo.WithLogger(kgoLogger{log, watch}), kgo.WithHooks(watch))
	if c.tls != nil {
		// tls.Dialer takes the server name from the broker's address when
		// the config has none, as franz-go's DialTLSConfig does.
		opts = append(opts, kgo.Dialer((&tls.Dialer{NetDialer: c.dialer, Config: c.tls}).DialContext))
	} else {
		opts = append(opts, kgo.Dialer(c.dialer.DialContext))
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
