package processor_test

import (
	"context"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/benthos-wasm/benthos-wasm/processor"
)

// A program with a Benthos environment of its own adds wasm_smt to it with
// Register, then builds streams from that environment as usual.
func ExampleRegister() {
	env := service.NewEnvironment()
	if err := processor.Register(env); err != nil {
		panic(err)
	}

	builder := env.NewStreamBuilder()
	if err := builder.SetLoggerYAML("level: none"); err != nil {
		panic(err)
	}
	produce, err := builder.AddProducerFunc()
	if err != nil {
		panic(err)
	}
	if err := builder.AddProcessorYAML(`
wasm_smt:
  module_path: ../testdata/wasm/rust.wasm
  function: to_upper
  compilation_cache: false
`); err != nil {
		panic(err)
	}
	if err := builder.AddConsumerFunc(func(_ context.Context, msg *service.Message) error {
		b, err := msg.AsBytes()
		fmt.Println(string(b))
		return err
	}); err != nil {
		panic(err)
	}
	stream, err := builder.Build()
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	done := make(chan error)
	go func() { done <- stream.Run(ctx) }()
	for _, s := range []string{"hello", "from wasm"} {
		if err := produce(ctx, service.NewMessage([]byte(s))); err != nil {
			panic(err)
		}
	}
	if err := stream.Stop(ctx); err != nil {
		panic(err)
	}
	<-done
	// Output:
	// HELLO
	// FROM WASM
}
