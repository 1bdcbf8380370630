// Command packsdk packs the repository's sdk/ into scaffold/sdk.tar, the
// SDKs `benthos-wasm wasm init` writes into new projects. Run it with
// `go generate ./scaffold` after changing an SDK; a test fails while the
// packed copy differs from sdk/.
package main

import (
	"fmt"
	"os"

	"github.com/benthos-wasm/benthos-wasm/scaffold"
)

func main() {
	// go generate runs in the scaffold directory.
	b, err := scaffold.PackSDK("../sdk")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("sdk.tar", b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
