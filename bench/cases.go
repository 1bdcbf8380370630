package bench

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Metadata fields the cases read and write.
const (
	HeaderIn    = "the-header-in"
	HeaderOut   = "the-header-out"
	KeyMetadata = "kafka_key"
	headerValue = "header value"
)

// Payload returns the benchmark payload: 1 KiB of lower-case text that does
// not contain "drop", so the filter keeps it after reading all of it.
func Payload() []byte {
	return bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz012345"), 32)
}

// Case is one piece of per-message work, done the same way by a guest
// function, a Bloblang mapping and a native processor.
type Case struct {
	Name     string // also the name of the guest function
	Module   string // the one module that has the function, or "" for every language's
	Bloblang string // the mapping doing the same work
	Native   string // the native processor doing the same work
	// verify checks what a message the case keeps became.
	verify func(in, out *service.Message) error
	// drops is the payload of a message the case must drop, if it drops any.
	drops []byte
}

// Cases returns every case, in report order.
func Cases() []Case {
	return []Case{
		{Name: "noop", Module: "noop.wasm", Bloblang: "root = content()", Native: "bench_native_noop",
			verify: expect(false, false, false)},
		{Name: "to_upper", Bloblang: "root = content().uppercase()", Native: "bench_native_upper",
			verify: expect(true, false, false)},
		// metadata("...") because @the-header-in parses as @the - header - in.
		{Name: "copy_header", Bloblang: "root = content()\nmeta \"" + HeaderOut + "\" = metadata(\"" + HeaderIn + "\")",
			Native: "bench_native_copy_header", verify: expect(false, true, false)},
		{Name: "transform", Bloblang: "meta " + KeyMetadata + " = content().string()\nroot = content().uppercase()",
			Native: "bench_native_transform", verify: expect(true, false, true)},
		{Name: "filter", Bloblang: `root = if content().contains("drop") { deleted() }`,
			Native: "bench_native_filter", verify: expect(false, false, false), drops: []byte("please drop me")},
	}
}

// CaseNamed returns the case with that name.
func CaseNamed(name string) (Case, error) {
	for _, c := range Cases() {
		if c.Name == name {
			return c, nil
		}
	}
	return Case{}, fmt.Errorf("no case %q", name)
}

// Message returns a message carrying payload and the metadata the cases read.
func Message(payload []byte) *service.Message {
	m := service.NewMessage(payload)
	m.MetaSetMut(HeaderIn, headerValue)
	return m
}

// Verify runs the case's inputs through process and checks what comes out,
// so every row of a table is known to do the same work.
func (c Case) Verify(process func(service.MessageBatch) ([]service.MessageBatch, error)) error {
	in := Message(Payload())
	if err := c.verifyOne(process, in, true); err != nil {
		return err
	}
	if c.drops != nil {
		return c.verifyOne(process, Message(c.drops), false)
	}
	return nil
}

func (c Case) verifyOne(process func(service.MessageBatch) ([]service.MessageBatch, error), in *service.Message, kept bool) error {
	want, _ := in.AsBytes()
	want = bytes.Clone(want)
	out, err := process(service.MessageBatch{in.Copy()})
	if err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	var msgs service.MessageBatch
	for _, b := range out {
		msgs = append(msgs, b...)
	}
	switch {
	case !kept && len(msgs) == 0:
		return nil
	case !kept:
		return fmt.Errorf("%s: the message %q was not dropped", c.Name, want)
	case len(msgs) != 1:
		return fmt.Errorf("%s: %d messages came out, want 1", c.Name, len(msgs))
	}
	if err := msgs[0].GetError(); err != nil {
		return fmt.Errorf("%s: the message failed: %w", c.Name, err)
	}
	in = Message(want)
	if err := c.verify(in, msgs[0]); err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	return nil
}

// expect returns a check that the payload is upper-cased (or unchanged),
// that the header was copied (or not), that the key is the old payload (or absent).
func expect(upper, header, key bool) func(in, out *service.Message) error {
	return func(in, out *service.Message) error {
		inBytes, _ := in.AsBytes()
		got, err := out.AsBytes()
		if err != nil {
			return err
		}
		want := inBytes
		if upper {
			want = bytes.ToUpper(inBytes)
		}
		var errs []error
		if !bytes.Equal(got, want) {
			errs = append(errs, fmt.Errorf("payload %.40q..., want %.40q...", got, want))
		}
		if v, ok := out.MetaGet(HeaderOut); header && v != headerValue {
			errs = append(errs, fmt.Errorf("metadata %s is %q, want %q", HeaderOut, v, headerValue))
		} else if !header && ok {
			errs = append(errs, fmt.Errorf("metadata %s is set", HeaderOut))
		}
		if v, ok := out.MetaGet(KeyMetadata); key && v != string(inBytes) {
			errs = append(errs, fmt.Errorf("metadata %s is %.40q..., want the payload", KeyMetadata, v))
		} else if !key && ok {
			errs = append(errs, fmt.Errorf("metadata %s is set", KeyMetadata))
		}
		return errors.Join(errs...)
	}
}
