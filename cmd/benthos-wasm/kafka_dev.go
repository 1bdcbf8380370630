package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"
	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/kafka"
)

const kafkaDevWarning = "for development and tests only, NOT for production: " +
	"one broker, no replication"

// kafkaDevMemoryWarning is said when there is no --data-dir.
const kafkaDevMemoryWarning = "without --data-dir, records, topics and committed offsets " +
	"live in memory and are LOST when it stops"

// kafkaDevCommand is `benthos-wasm kafka-dev`: a Kafka broker on loopback,
// to try kafka_franz pipelines without a Kafka cluster.
func kafkaDevCommand() *cli.Command {
	return &cli.Command{
		Name:  "kafka-dev",
		Usage: "Run a one-broker Kafka on 127.0.0.1 (development and tests only, not for production)",
		Description: "Starts one Kafka broker on 127.0.0.1 and prints its address; stops on SIGINT or SIGTERM.\n" +
			"It is " + kafkaDevWarning + "; " + kafkaDevMemoryWarning + ".\n" +
			"With --data-dir it keeps them in that directory: a broker started again on it (same --port)\n" +
			"carries on where the last one stopped, and running clients reconnect on their own.\n" +
			"Topics not listed with --topics are created on first use, with --partitions partitions.\n" +
			"--tls-cert/--tls-key or --tls-self-signed require TLS; --sasl-user requires SASL login\n" +
			"(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), e.g. --sasl-user SCRAM-SHA-512:app:secret (repeatable).\n" +
			"With --schema-registry-port it also serves an in-memory schema registry (the Confluent REST API,\n" +
			"plain HTTP, no authentication, never kept on disk) and prints its URL.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 9092, Usage: "loopback port to listen on (0: a free port)"},
			&cli.StringFlag{Name: "topics", Usage: "comma-separated topics to create at start"},
			&cli.IntFlag{Name: "partitions", Value: 1, Usage: "partitions of every topic"},
			&cli.StringFlag{Name: "data-dir", Usage: "keep records, topics and committed offsets in this directory " +
				"across restarts (default: in memory, lost when it stops)"},
			&cli.BoolFlag{Name: "sync-writes", Usage: "with --data-dir, fsync every batch written " +
				"(survives a machine crash; slower)"},
			&cli.StringFlag{Name: "tls-cert", Usage: "require TLS, with this PEM certificate (chain) file; needs --tls-key"},
			&cli.StringFlag{Name: "tls-key", Usage: "the PEM private key of --tls-cert"},
			&cli.StringFlag{Name: "tls-self-signed", Usage: "require TLS, with a self-signed certificate for " +
				"127.0.0.1 and localhost, written (PEM) to this file for clients to trust; made at start, " +
				"or kept in --data-dir and used again"},
			&cli.GenericFlag{Name: "sasl-user", Value: &saslUsersFlag{},
				Usage: "require SASL; `MECHANISM:USER:PASSWORD` (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) may log in; repeatable"},
			&cli.IntFlag{Name: "schema-registry-port", Value: noRegistry,
				Usage: "also serve an in-memory schema registry on this loopback port (0: a free port; -1: none)"},
		},
		Action: func(c *cli.Context) error {
			ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			cfg := kafka.DevBrokerConfig{
				Port: c.Int("port"), Partitions: c.Int("partitions"),
				DataDir: c.String("data-dir"), SyncWrites: c.Bool("sync-writes"),
				Users: c.Generic("sasl-user").(*saslUsersFlag).users,
			}
			if t := c.String("topics"); t != "" {
				for _, topic := range strings.Split(t, ",") {
					cfg.Topics = append(cfg.Topics, strings.TrimSpace(topic))
				}
			}
			sec := devSecurity{certFile: c.String("tls-cert"), keyFile: c.String("tls-key"), selfSignedFile: c.String("tls-self-signed")}
			if err := runKafkaDev(ctx, c.App.Writer, cfg, sec, c.Int("schema-registry-port")); err != nil {
				return cli.Exit("kafka-dev: "+err.Error(), 1)
			}
			return nil
		},
	}
}

// saslUsersFlag is --sasl-user: each use adds one user, never split on
// commas (a password may hold any character, ':' too).
type saslUsersFlag struct{ users []kafka.DevUser }

func (f *saslUsersFlag) Set(v string) error {
	mech, rest, ok1 := strings.Cut(v, ":")
	user, pass, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return fmt.Errorf("%q is not MECHANISM:USER:PASSWORD", v)
	}
	f.users = append(f.users, kafka.DevUser{Mechanism: strings.ToUpper(mech), Name: user, Password: pass})
	return nil
}

func (f *saslUsersFlag) String() string {
	if f == nil {
		return ""
	}
	var parts []string
	for _, u := range f.users {
		parts = append(parts, u.Mechanism+":"+u.Name+":***")
	}
	return strings.Join(parts, " ")
}

// devSecurity is how kafka-dev gets its TLS certificate, if it requires TLS.
type devSecurity struct {
	certFile, keyFile string // a certificate and key given
	selfSignedFile    string // or: make one, and write it here
}

// tlsConfig is the broker's TLS config, nil without TLS, and a line that
// says what clients must trust.
// With a data directory, a self-signed certificate is kept there and used
// again.
func (s devSecurity) tlsConfig(dataDir string) (*tls.Config, string, error) {
	switch {
	case s.selfSignedFile != "" && (s.certFile != "" || s.keyFile != ""):
		return nil, "", errors.New("--tls-self-signed and --tls-cert/--tls-key: give one or the other")
	case s.selfSignedFile != "":
		var (
			cert   tls.Certificate
			caPEM  []byte
			reused bool
			err    error
		)
		if dataDir == "" {
			cert, caPEM, err = kafka.DevSelfSignedCert()
		} else {
			// Kept with the data: a broker started again on it has the
			// certificate its clients already trust.
			if err = os.MkdirAll(dataDir, 0o750); err == nil {
				cert, caPEM, reused, err = kafka.LoadOrMakeDevCert(filepath.Join(dataDir, "kafka-dev-self-signed.pem"))
			}
		}
		if err != nil {
			return nil, "", fmt.Errorf("self-signed certificate: %w", err)
		}
		if err := os.WriteFile(s.selfSignedFile, caPEM, 0o600); err != nil {
			return nil, "", fmt.Errorf("writing the self-signed certificate: %w", err)
		}
		which := "a new self-signed certificate"
		if reused {
			which = "the self-signed certificate kept in " + dataDir + ", as before,"
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
			"TLS required; clients must trust " + which + " written to " + s.selfSignedFile, nil
	case s.certFile != "" || s.keyFile != "":
		if s.certFile == "" || s.keyFile == "" {
			return nil, "", errors.New("--tls-cert and --tls-key go together")
		}
		cert, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("TLS certificate: %w", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
			"TLS required, with the certificate of " + s.certFile, nil
	}
	return nil, "", nil
}

// noRegistry is --schema-registry-port's value for "no schema registry".
const noRegistry = -1

// runKafkaDev runs a development broker, and a schema registry unless
// registryPort is noRegistry, until ctx is done.
func runKafkaDev(ctx context.Context, w io.Writer, cfg kafka.DevBrokerConfig, sec devSecurity, registryPort int) error {
	tlsConf, tlsLine, err := sec.tlsConfig(cfg.DataDir)
	if err != nil {
		return err
	}
	cfg.TLS = tlsConf
	var registryURL string
	if registryPort != noRegistry {
		// Started first: a port taken fails before the broker prints anything.
		url, stop, err := startDevRegistry(registryPort)
		if err != nil {
			return err
		}
		defer stop()
		registryURL = url
	}
	b, err := kafka.StartDevBroker(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(w, "kafka-dev: Kafka broker %s\n", kafkaDevWarning)
	switch {
	case cfg.DataDir == "":
		fmt.Fprintf(w, "kafka-dev: in memory: records, topics and committed offsets are LOST when it stops (keep them with --data-dir)\n")
	case b.Restored():
		fmt.Fprintf(w, "kafka-dev: data in %s, carried on from the last run (kept when it stops)\n", cfg.DataDir)
	default:
		fmt.Fprintf(w, "kafka-dev: data in %s, new (kept when it stops)\n", cfg.DataDir)
	}
	if len(cfg.Topics) > 0 {
		fmt.Fprintf(w, "kafka-dev: topics %s created\n", strings.Join(cfg.Topics, ", "))
	}
	if tlsLine != "" {
		fmt.Fprintf(w, "kafka-dev: %s\n", tlsLine)
	}
	if len(cfg.Users) > 0 {
		var users []string
		for _, u := range cfg.Users {
			users = append(users, u.Name+" ("+u.Mechanism+")")
		}
		fmt.Fprintf(w, "kafka-dev: SASL required; users %s\n", strings.Join(users, ", "))
	}
	// Printed before the broker's "listening on" line, which scripts and
	// tests wait for: once that is out, both are up.
	if registryURL != "" {
		fmt.Fprintf(w, "kafka-dev: in-memory schema registry (Confluent REST API) at %s\n", registryURL)
	}
	fmt.Fprintf(w, "kafka-dev: listening on %s (stop with Ctrl-C)\n", b.Addr())
	<-ctx.Done()
	b.Close()
	fmt.Fprintln(w, "kafka-dev: stopped")
	return nil
}

// startDevRegistry serves an in-memory schema registry on 127.0.0.1:port (0:
// a free port): franz-go's srfake, which speaks the Confluent REST API, keeps
// schemas in memory and checks no compatibility. It is the registry of
// kafka-dev, for development and tests only.
func startDevRegistry(port int) (url string, stop func(), err error) {
	if port < 0 || port > 65535 {
		return "", nil, fmt.Errorf("schema registry port %d is not a TCP port (-1: no registry)", port)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return "", nil, fmt.Errorf("starting the in-memory schema registry on 127.0.0.1:%d: %w", port, err)
	}
	// srfake.New would serve on an httptest server with a random port; its
	// handler on our own listener honours --schema-registry-port.
	srv := &http.Server{Handler: srfake.NewRegistry().Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}
