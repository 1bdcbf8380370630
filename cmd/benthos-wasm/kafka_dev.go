package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

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
			"Topics not listed with --topics are created on first use, with --partitions partitions.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 9092, Usage: "loopback port to listen on (0: a free port)"},
			&cli.StringFlag{Name: "topics", Usage: "comma-separated topics to create at start"},
			&cli.IntFlag{Name: "partitions", Value: 1, Usage: "partitions of every topic"},
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
			if err := runKafkaDev(ctx, c.App.Writer, cfg); err != nil {
				return cli.Exit("kafka-dev: "+err.Error(), 1)
			}
			return nil
		},
	}
}

// runKafkaDev runs a development broker until ctx is done.
func runKafkaDev(ctx context.Context, w io.Writer, cfg kafka.DevBrokerConfig) error {
	b, err := kafka.StartDevBroker(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(w, "kafka-dev: in-memory Kafka broker, %s\n", kafkaDevWarning)
	if len(cfg.Topics) > 0 {
		fmt.Fprintf(w, "kafka-dev: topics %s created\n", strings.Join(cfg.Topics, ", "))
	}
	fmt.Fprintf(w, "kafka-dev: listening on %s (stop with Ctrl-C)\n", b.Addr())
	<-ctx.Done()
	fmt.Fprintln(w, "kafka-dev: stopped")
	return nil
}
