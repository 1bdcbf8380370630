// Command benthos-wasm is a Benthos distribution with the wasm_smt processor:
// the open-core pure and io components plus per-record WebAssembly transforms.
// Its lint, test, list, create and run subcommands work as in any Benthos.
package main

import (
	"context"

	"github.com/redpanda-data/benthos/v4/public/service"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"

	_ "github.com/benthos-wasm/benthos-wasm/kafka"
	_ "github.com/benthos-wasm/benthos-wasm/oteltracer"
	_ "github.com/benthos-wasm/benthos-wasm/processor"
	_ "github.com/benthos-wasm/benthos-wasm/promexporter"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

func main() {
	service.RunCLI(context.Background(),
		service.CLIOptSetBinaryName("benthos-wasm"),
		service.CLIOptSetProductName("benthos-wasm"),
		service.CLIOptSetVersion(Version, "unknown"),
		service.CLIOptAddCommand(wasmCommand()),
		service.CLIOptAddCommand(kafkaDevCommand()),
		service.CLIOptAddCommand(migrateCommand()),
	)
}
