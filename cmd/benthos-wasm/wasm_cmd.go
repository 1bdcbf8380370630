package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/benthos-wasm/benthos-wasm/hostabi/abi"
)

// wasmCommand is `benthos-wasm wasm`: checks modules against the host ABIs
// before they run, for use in CI next to `benthos-wasm lint`.
func wasmCommand() *cli.Command {
	return &cli.Command{
		Name:  "wasm",
		Usage: "Make, build, try and check WebAssembly guests for wasm_smt",
		Subcommands: []*cli.Command{
			{
				Name:      "inspect",
				Usage:     "Print a module's ABI, imports and exports, and whether it fits the ABI",
				ArgsUsage: "MODULE [--abi ABI] [--function NAME]",
				Description: "Tells the module's ABI from its imports (or checks the one --abi names: kafka_connect,\n" +
					"connect_wasm, data_transforms) and exits with status 1 when the module does not fit it: a missing\n" +
					"or mistyped export, or an import the host does not provide.",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "function", Usage: "also check this exported function"},
					&cli.StringFlag{Name: "abi", Value: string(abi.Auto), Usage: "the ABI to check against (auto: tell it from the imports)"},
				},
				Action: func(c *cli.Context) error {
					args, ok := inspectArgs(c.Args().Slice(), c.String("function"), c.String("abi"))
					if !ok {
						return cli.Exit("usage: benthos-wasm wasm inspect MODULE [--abi ABI] [--function NAME]", 2)
					}
					name, err := abi.Parse(args.abi)
					if err != nil {
						return cli.Exit(err.Error(), 2)
					}
					return inspectModule(c.Context, c.App.Writer, args.module, name, args.function)
				},
			},
			wasmInitCommand(),
			wasmBuildCommand(),
			wasmRunCommand(),
			{
				Name:      "check",
				Usage:     "Check the module of every wasm_smt processor in the given configs",
				ArgsUsage: "-c CONFIG [-c CONFIG...]",
				Description: "Finds every wasm_smt processor (in pipelines, resources and nested processors) and checks\n" +
					"that its module_path exists and its module fits its ABI (abi, or told from the imports) for its\n" +
					"function. Exits with status 1 on any problem.",
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

// inspectArguments are what `wasm inspect` was given.
type inspectArguments struct{ module, function, abi string }

// inspectArgs reads `MODULE [--function NAME] [--abi ABI]`; function and
// abiName are what urfave/cli parsed before the module.
func inspectArgs(args []string, function, abiName string) (inspectArguments, bool) {
	module, rest, err := splitModuleArgs(args)
	out := inspectArguments{module: module}
	fs := flag.NewFlagSet("wasm inspect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&out.function, "function", function, "")
	fs.StringVar(&out.abi, "abi", abiName, "")
	if err != nil || fs.Parse(rest) != nil {
		return out, false
	}
	return out, out.module != ""
}

// splitModuleArgs separates the one MODULE argument from the flags around
// it: urfave/cli stops parsing flags at the first argument, so flags after
// the module arrive as plain arguments. Every flag of the wasm commands
// takes a value (--name value or --name=value).
func splitModuleArgs(args []string) (module string, flags []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		case module == "":
			module = a
		default:
			return "", nil, fmt.Errorf("unexpected argument %q: give one MODULE", a)
		}
	}
	return module, flags, nil
}

// inspectModule prints the report of one module.
func inspectModule(ctx context.Context, w io.Writer, path string, want abi.Name, function string) error {
	rep, err := inspectFile(ctx, path, want, function)
	if err != nil {
		return cli.Exit(err.Error(), 1)
	}
	how := "given with --abi"
	if rep.Detected {
		how = "told from its imports"
	}
	fmt.Fprintf(w, "module %s\n\nABI: %s (%s)\n\nimports:\n", path, rep.ABI.Title(), how)
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
	fmt.Fprintf(w, "\nWASI: %s\n", yesNo(rep.UsesWASI, "imports wasi_snapshot_preview1 (sandboxed: no files, arguments or network; the environment of `environment`)", "no"))
	if !rep.Fits() {
		return cli.Exit(fmt.Sprintf("\nmodule %s does not fit the %s:\n  - %s", path, rep.ABI.Title(), strings.Join(rep.Problems, "\n  - ")), 1)
	}
	if function != "" {
		fmt.Fprintf(w, "\nfits the %s, with function %s\n", rep.ABI.Title(), function)
	} else {
		fmt.Fprintf(w, "\nfits the %s%s\n", rep.ABI.Title(), functionNote(rep.ABI))
	}
	return nil
}

// functionNote says what a check without --function covered.
func functionNote(n abi.Name) string {
	switch n {
	case abi.ConnectWasm:
		return ", with its default function process"
	case abi.DataTransforms:
		return " (its _start loop drives it: no function)"
	}
	return " (no --function given: functions not checked)"
}

func inspectFile(ctx context.Context, path string, want abi.Name, function string) (abi.Report, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return abi.Report{}, fmt.Errorf("module %s: %w", path, err)
	}
	rep, err := abi.Inspect(ctx, wasm, want, function)
	if err != nil {
		return rep, fmt.Errorf("module %s: %w", path, err)
	}
	return rep, nil
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
			problems, err := checkUse(ctx, u)
			switch {
			case err != nil:
				failed = append(failed, fmt.Sprintf("%s: %v", where, err))
			case len(problems) > 0:
				failed = append(failed, fmt.Sprintf("%s: %s", where, strings.Join(problems, "; ")))
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

// checkUse checks one wasm_smt's module against its ABI and function, as
// the processor would at start-up.
func checkUse(ctx context.Context, u wasmSMTUse) ([]string, error) {
	want, err := abi.Parse(u.abi)
	if err != nil {
		return nil, fmt.Errorf("field abi: %w", err)
	}
	rep, err := inspectFile(ctx, u.modulePath, want, u.function)
	if err != nil {
		return nil, err
	}
	var problems []string
	switch {
	case rep.ABI == abi.KafkaConnect && u.function == "":
		problems = append(problems, "field function: required for a module of the "+rep.ABI.Title())
	case rep.ABI == abi.DataTransforms && u.function != "":
		problems = append(problems, "field function: must be empty for a module of the "+rep.ABI.Title())
	}
	if !rep.Fits() {
		problems = append(problems, fmt.Sprintf("module does not fit the %s: %s", rep.ABI.Title(), strings.Join(rep.Problems, "; ")))
	}
	return problems, nil
}
