package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/scaffold"
)

// wasmInitCommand is `benthos-wasm wasm init --lang LANG DIR`.
func wasmInitCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "Write a new guest project: one function, the SDK, a pipeline with tests, a README",
		ArgsUsage: "--lang go|rust|c|assemblyscript DIR",
		Description: "Writes into DIR (new, or empty: nothing is overwritten) a project that `benthos-wasm wasm build`\n" +
			"builds and `benthos-wasm test pipeline.yaml` tests with no edit. The SDK is copied from the binary:\n" +
			"nothing is fetched.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lang", Usage: "the guest language: " + strings.Join(scaffold.LanguageNames(), ", "), Required: true},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return cli.Exit("usage: benthos-wasm wasm init --lang "+strings.Join(scaffold.LanguageNames(), "|")+" DIR", 2)
			}
			dir := c.Args().First()
			files, err := scaffold.Init(dir, c.String("lang"))
			if err != nil {
				return cli.Exit("wasm init: "+err.Error(), 1)
			}
			fmt.Fprintf(c.App.Writer, "wrote %d files into %s:\n", len(files), dir)
			for _, f := range files {
				if !strings.HasPrefix(f, "sdk/") {
					fmt.Fprintf(c.App.Writer, "  %s\n", f)
				}
			}
			fmt.Fprintf(c.App.Writer, "  sdk/ (the SDK)\nnext:\n  cd %s\n  benthos-wasm wasm build\n  benthos-wasm test pipeline.yaml\n", dir)
			return nil
		},
	}
}

// wasmBuildCommand is `benthos-wasm wasm build [DIR]`.
func wasmBuildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "Build the project `wasm init` made into guest.wasm, with its language's toolchain",
		ArgsUsage: "[DIR]",
		Description: "Tells the language from the project's files and runs its build with the flags that matter (Go's\n" +
			"-buildmode=c-shared, C's -nostdlib and --no-entry, AssemblyScript's runtime and abort; cargo where it\n" +
			"has the wasm32 target, else rustc). Says which tool is missing and how to install it.",
		Action: func(c *cli.Context) error {
			dir := "."
			switch c.NArg() {
			case 0:
			case 1:
				dir = c.Args().First()
			default:
				return cli.Exit("usage: benthos-wasm wasm build [DIR]", 2)
			}
			if info, err := os.Stat(dir); err != nil || !info.IsDir() {
				return cli.Exit(fmt.Sprintf("wasm build: %s is not a directory", dir), 1)
			}
			out, err := scaffold.Build(c.Context, dir, c.App.ErrWriter)
			if err != nil {
				return cli.Exit("wasm build: "+err.Error(), 1)
			}
			info, err := os.Stat(out)
			if err != nil {
				return cli.Exit("wasm build: "+err.Error(), 1)
			}
			fmt.Fprintf(c.App.Writer, "built %s (%d bytes)\n", out, info.Size())
			return nil
		},
	}
}
