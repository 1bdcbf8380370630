package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"
	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/kafka"
)

const kafkaDevWarning = "for development and tests only, NOT for production: " +
	"records live in memory and are lost when it stops; no replication, no authentication, no TLS"

// kafkaDevCommand is `benthos-wasm kafka-dev`: an in-memory Kafka broker on
// loopback, to try kafka_franz pipelines without a Kafka cluster.
func kafkaDevCommand() *cli.Command {
	return &cli.Command{
		Name:  "kafka-dev",
		Usage: "Run an in-memory Kafka broker on 127.0.0.1 (development and tests only, not for production)",
		Description: "Starts one in-memory Kafka broker on 127.0.0.1 and prints its address; stops on SIGINT or SIGTERM.\n" +
			"It is " + kafkaDevWarning + ".\n" +
			"Topics not listed with --topics are created on first use, with --partitions partitions.\n" +
			"With --schema-registry-port it also serves an in-memory schema registry (the Confluent REST API) and prints its URL.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 9092, Usage: "loopback port to listen on (0: a free port)"},
			&cli.StringFlag{Name: "topics", Usage: "comma-separated topics to create at start"},
			&cli.IntFlag{Name: "partitions", Value: 1, Usage: "partitions of every topic"},
			&cli.IntFlag{Name: "schema-registry-port", Value: noRegistry,
				Usage: "also serve an in-memory schema registry on this loopback port (0: a free port; -1: none)"},
		},
		Action: func(c *cli.Context) error {
			ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			cfg := kafka.DevBrokerConfig{Port: c.Int("port"), Partitions: c.Int("partitions")}
			if t := c.String("topics"); t != "" {
				for _, topic := range strings.Split(t, ",") {
					cfg.Topics = append(cfg.Topics, strings.TrimSpace(topic))
				}
			}
			if err := runKafkaDev(ctx, c.App.Writer, cfg, c.Int("schema-registry-port")); err != nil {
				return cli.Exit("kafka-dev: "+err.Error(), 1)
			}
			return nil
		},
	}
}

// noRegistry is --schema-registry-port's value for "no schema registry".
const noRegistry = -1

// runKafkaDev runs a development broker, and a schema registry unless
// registryPort is noRegistry, until ctx is done.
func runKafkaDev(ctx context.Context, w io.Writer, cfg kafka.DevBrokerConfig, registryPort int) error {
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
	fmt.Fprintf(w, "kafka-dev: in-memory Kafka broker, %s\n", kafkaDevWarning)
	if len(cfg.Topics) > 0 {
		fmt.Fprintf(w, "kafka-dev: topics %s created\n", strings.Join(cfg.Topics, ", "))
	}
	// Printed before the broker's "listening on" line, which scripts and
	// tests wait for: once that is out, both are up.
	if registryURL != "" {
		fmt.Fprintf(w, "kafka-dev: in-memory schema registry (Confluent REST API) at %s\n", registryURL)
	}
	fmt.Fprintf(w, "kafka-dev: listening on %s (stop with Ctrl-C)\n", b.Addr())
	<-ctx.Done()
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
