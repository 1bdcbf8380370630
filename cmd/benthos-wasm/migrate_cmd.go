package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/migrate"
)

// Exit statuses of `benthos-wasm migrate kafka-connect`.
const (
	migrateTranslated = 0 // everything was translated
	migrateInvalid    = 1 // the file cannot be read or is not a valid connector config
	migrateUsage      = 2 // wrong arguments
	migrateOmissions  = 3 // translated, but some of it was left out (listed)
)

// migrateCommand is `benthos-wasm migrate`: translates configurations of
// other systems into benthos-wasm pipelines.
func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "Translate another system's configuration into a benthos-wasm pipeline",
		Subcommands: []*cli.Command{
			{
				Name:      "kafka-connect",
				Usage:     "Print the Benthos YAML equivalent of a Kafka Connect connector config",
				ArgsUsage: "FILE.properties|FILE.json",
				Description: "Reads a connector's config (a .properties file, or JSON: the REST API's create body\n" +
					"{\"name\": ..., \"config\": {...}} or the bare config map) and prints a pipeline with the\n" +
					"equivalent components to standard output: kafka_franz for the Kafka side, the transforms\n" +
					"chain (WasmTransformer as wasm_smt, Kafka's built-in SMTs as Bloblang), predicates, and\n" +
					"errors.tolerance / dead-letter queue handling. What it cannot translate is listed at the\n" +
					"top of the YAML and on standard error. See docs/MIGRATION.md.\n\n" +
					"Exit status:\n" +
					"  0  everything was translated\n" +
					"  3  translated with omissions (listed at the top of the YAML and on stderr)\n" +
					"  1  the file cannot be read or is not a valid connector config (nothing printed)\n" +
					"  2  usage error",
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return cli.Exit("usage: benthos-wasm migrate kafka-connect FILE.properties|FILE.json", migrateUsage)
					}
					return migrateKafkaConnect(c.Args().First(), c.App.Writer, c.App.ErrWriter)
				},
			},
		},
	}
}

// migrateKafkaConnect translates one file, printing the YAML to stdout and
// the omissions to stderr; the exit status says which case it was.
func migrateKafkaConnect(path string, stdout, stderr io.Writer) error {
	res, err := migrate.Run(path)
	if err != nil {
		return cli.Exit(err.Error(), migrateInvalid)
	}
	if _, err := stdout.Write(res.YAML); err != nil {
		return cli.Exit(fmt.Sprintf("writing the YAML: %v", err), migrateInvalid)
	}
	if report := res.Report(path); report != "" {
		fmt.Fprint(stderr, report)
		return cli.Exit("", migrateOmissions)
	}
	return nil
}
