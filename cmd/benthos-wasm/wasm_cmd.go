package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/hostabi/kafkaconnect"
)

// wasmCommand is `benthos-wasm wasm`: checks modules against the host ABI
// before they run, for use in CI next to `benthos-wasm lint`.
func wasmCommand() *cli.Command {
	return &cli.Command{
		Name:  "wasm",
		Usage: "Check WebAssembly modules against the wasm_smt host ABI",
		Subcommands: []*cli.Command{
			{
				Name:      "inspect",
				Usage:     "Print a module's imports and exports and whether it fits the ABI",
				ArgsUsage: "MODULE",
				Description: "Exits with status 1 when the module does not fit the ABI: a missing or mistyped\n" +
					"memory, alloc, dealloc or --function export, or an import the host does not provide.",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "function", Usage: "also check this exported function"},
				},
				Action: func(c *cli.Context) error {
					module, function, ok := moduleAndFunction(c.Args().Slice(), c.String("function"))
					if !ok {
						return cli.Exit("usage: benthos-wasm wasm inspect MODULE [--function NAME]", 2)
					}
					return inspectModule(c.Context, c.App.Writer, module, function)
				},
			},
			{
				Name:      "check",
				Usage:     "Check the module of every wasm_smt processor in the given configs",
				ArgsUsage: "-c CONFIG [-c CONFIG...]",
				Description: "Finds every wasm_smt processor (in pipelines, resources and nested processors) and checks\n" +
					"that its module_path exists and its module fits the ABI for its function. Exits with status 1 on any problem.",
				Flags: []cli.Flag{
					&cli.StringSliceFlag{Name: "config", Aliases: []string{"c"}, Usage: "a config file to check", Required: true},
				},
				Action: func(c *cli.Context) error {
					return checkConfigs(c.Context, c.App.Writer, c.StringSlice("config"))
				},
			},
		},
	}
}

// moduleAndFunction reads `MODULE [--function NAME]`: urfave/cli stops
// parsing flags at the first argument, so a --function after the module
// arrives here as plain arguments.
func moduleAndFunction(args []string, function string) (module, fn string, ok bool) {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--function" || a == "-function":
			if i+1 == len(args) {
				return "", "", false
			}
			i++
			function = args[i]
		case strings.HasPrefix(a, "--function="):
			function = strings.TrimPrefix(a, "--function=")
		case module == "":
			module = a
		default:
			return "", "", false
		}
	}
	return module, function, module != ""
}

// inspectModule prints the report of one module.
func inspectModule(ctx context.Context, w io.Writer, path, function string) error {
	rep, err := inspectFile(ctx, path, function)
	if err != nil {
		return cli.Exit(err.Error(), 1)
	}
	fmt.Fprintf(w, "module %s\n\nimports:\n", path)
	if len(rep.Imports) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, im := range rep.Imports {
		note := "provided by the host"
		if !im.Provided {
			note = "NOT provided by the host"
		}
		fmt.Fprintf(w, "  %s.%s %s %s  %s\n", im.Module, im.Name, im.Kind, im.Type(), note)
	}
	fmt.Fprintln(w, "\nexports:")
	for _, ex := range rep.Exports {
		fmt.Fprintf(w, "  %s %s %s\n", ex.Name, ex.Kind, ex.Type())
	}
	fmt.Fprintf(w, "\nWASI: %s\n", yesNo(rep.Shape.UsesWASI, "imports wasi_snapshot_preview1 (sandboxed: no files, environment, arguments or network)", "no"))
	if !rep.Fits() {
		return cli.Exit(fmt.Sprintf("\nmodule %s does not fit the %s:\n  - %s", path, kafkaconnect.ABIName, problemList(rep, "\n  - ")), 1)
	}
	if function != "" {
		fmt.Fprintf(w, "\nfits the %s, with function %s\n", kafkaconnect.ABIName, function)
	} else {
		fmt.Fprintf(w, "\nfits the %s (no --function given: functions not checked)\n", kafkaconnect.ABIName)
	}
	return nil
}

func inspectFile(ctx context.Context, path, function string) (kafkaconnect.Report, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return kafkaconnect.Report{}, fmt.Errorf("module %s: %w", path, err)
	}
	rep, err := kafkaconnect.Inspect(ctx, wasm, function)
	if err != nil {
		return rep, fmt.Errorf("module %s: %w", path, err)
	}
	return rep, nil
}

// problemList joins the report's problems with sep.
func problemList(rep kafkaconnect.Report, sep string) string {
	parts := make([]string, len(rep.Problems))
	for i, p := range rep.Problems {
		parts[i] = p.Detail
	}
	return strings.Join(parts, sep)
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// checkConfigs checks every wasm_smt of every config, reporting all problems.
func checkConfigs(ctx context.Context, w io.Writer, paths []string) error {
	var failed []string
	for _, path := range paths {
		uses, err := findWasmSMT(path)
		if err != nil {
			failed = append(failed, err.Error())
			continue
		}
		if len(uses) == 0 {
			fmt.Fprintf(w, "%s: no wasm_smt processors\n", path)
		}
		for _, u := range uses {
			where := fmt.Sprintf("%s: %s (module_path %s, function %s)", path, u.location, u.modulePath, u.function)
			rep, err := inspectFile(ctx, u.modulePath, u.function)
			switch {
			case err != nil:
				failed = append(failed, fmt.Sprintf("%s: %v", where, err))
			case !rep.Fits():
				failed = append(failed, fmt.Sprintf("%s: module does not fit the %s: %s", where, kafkaconnect.ABIName, problemList(rep, "; ")))
			default:
				fmt.Fprintf(w, "%s: ok\n", where)
			}
		}
	}
	if len(failed) > 0 {
		return cli.Exit(strings.Join(failed, "\n"), 1)
	}
	return nil
}
