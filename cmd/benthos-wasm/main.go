// Command benthos-wasm is a Benthos distribution with the wasm_smt processor:
// the open-core pure and io components plus per-record WebAssembly transforms.
// Its lint, test, list, create and run subcommands work as in any Benthos.
package main

import (
	"context"
	"runtime/debug"

	"github.com/redpanda-data/benthos/v4/public/service"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"

	_ "github.com/benthos-wasm/benthos-wasm/kafka"
	_ "github.com/benthos-wasm/benthos-wasm/oteltracer"
	_ "github.com/benthos-wasm/benthos-wasm/processor"
	_ "github.com/benthos-wasm/benthos-wasm/promexporter"
)

func main() {
	version, date := versionAndDate(debug.ReadBuildInfo())
	service.RunCLI(context.Background(),
		service.CLIOptSetBinaryName("benthos-wasm"),
		service.CLIOptSetProductName("benthos-wasm"),
		service.CLIOptSetVersion(version, date),
		service.CLIOptAddCommand(wasmCommand()),
		service.CLIOptAddCommand(kafkaDevCommand()),
		service.CLIOptAddCommand(migrateCommand()),
	)
}
