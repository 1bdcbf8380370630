package codec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// FuzzJSONEnvelope feeds json_envelope any stored record and any guest
// write, and checks what it promises: no panic; a write it accepts is
// stored as an envelope that is valid JSON, reads back as what the guest
// wrote, and carries the original's schema bytes unchanged; a refusal of a
// valid JSON write to a valid envelope is a *FitError.
//
// Run it with `go test -run='^$' -fuzz='^FuzzJSONEnvelope$' -fuzzminimizetime=3s ./codec`
// (minimizing the large order seed with the default 60 s looks like a stall).
func FuzzJSONEnvelope(f *testing.F) {
	f.Add([]byte(`{"schema":{"type":"int8"},"payload":1}`), []byte(`2`))
	f.Add([]byte(`{"schema":null,"payload":1}`), []byte(`[1,{"a":null}]`))
	f.Add(orderEnvelope(orderPayload), []byte(orderPayload))
	f.Add([]byte(`{"schema":{"type":"map","keys":{"type":"int64"},"values":{"type":"string","optional":true}},"payload":[[1,"a"]]}`), []byte(`[[1,null],[2,"b"]]`))
	f.Add([]byte(`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"3"}},"payload":"AQ=="}`), []byte(`1.5e-2`))
	f.Add([]byte(`{"schema":{"type":"struct","fields":[{"field":"a","type":"string","default":"x"}]},"payload":{}}`), []byte(`{"a":null}`))
	f.Add([]byte(`{"payload":1}`), []byte(`1`))

	c, err := codec.New(codec.JSONEnvelopeName, codec.SchemaOptions{Part: "value"})
	if err != nil {
		f.Fatal(err)
	}
	sc := c.(codec.SchemaConverter)

	f.Fuzz(func(t *testing.T, original, guest []byte) {
		keepOriginal, keepGuest := bytes.Clone(original), bytes.Clone(guest)
		prepareErr := sc.Prepare(context.Background(), original)
		_, _ = sc.FromBytes(original)
		stored, err := sc.ToHostFor(guest, original)
		if !bytes.Equal(original, keepOriginal) || !bytes.Equal(guest, keepGuest) {
			t.Fatal("json_envelope modified the bytes it was given")
		}
		if err != nil {
			var fit *codec.FitError
			if prepareErr == nil && json.Valid(guest) && !errors.As(err, &fit) {
				t.Fatalf("a valid write to a valid envelope was refused without a FitError: %v", err)
			}
			return
		}
		if prepareErr != nil {
			t.Fatalf("ToHostFor accepted a write to a record Prepare refused (%v)", prepareErr)
		}
		out := stored.Bytes()
		if !json.Valid(out) {
			t.Fatalf("stored envelope is not JSON: %q", out)
		}
		seen, err := sc.FromBytes(out)
		if err != nil {
			t.Fatalf("stored envelope does not read back: %v", err)
		}
		if !bytes.Equal(seen, bytes.TrimSpace(guest)) {
			t.Fatalf("read back %q, the guest wrote %q", seen, guest)
		}
		var in, back struct{ Schema json.RawMessage }
		_ = json.Unmarshal(original, &in)
		_ = json.Unmarshal(out, &back)
		if !bytes.Equal(in.Schema, back.Schema) {
			t.Fatalf("schema bytes changed: %q became %q", in.Schema, back.Schema)
		}
	})
}
