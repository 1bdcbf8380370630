// Command mask is the guest of the schema-registry examples: it masks the
// email field of a JSON object value, as a Kafka Connect MaskField SMT would.
// With value_converter avro, protobuf or json_schema it sees the record
// decoded as JSON and the host encodes what it writes with the record's
// schema. Build it with build.sh into testdata/wasm/mask.wasm.
package main

import (
	"bytes"
	"encoding/json"
	"strings"

	smt "github.com/benthos-wasm/benthos-wasm/sdk/go"
)

func main() {}

// mask_email: value.email = its first letter, "***", and its domain
// (bob@example.com becomes b***@example.com). A value without a string
// email field is left as it is; a value that is not a JSON object fails.
//
//go:wasmexport mask_email
func maskEmail() uint64 {
	dec := json.NewDecoder(bytes.NewReader(smt.Value()))
	dec.UseNumber() // keeps longs and decimals exact
	var value map[string]any
	if err := dec.Decode(&value); err != nil {
		return smt.Errorf("mask_email: the value is not a JSON object: %v", err)
	}
	email, ok := value["email"].(string)
	if !ok {
		return 0
	}
	value["email"] = mask(email)
	out, err := json.Marshal(value)
	if err != nil {
		return smt.Errorf("mask_email: %v", err)
	}
	smt.SetValue(out)
	return 0
}

func mask(email string) string {
	user, domain, ok := strings.Cut(email, "@")
	if !ok || user == "" {
		return "***"
	}
	return user[:1] + "***@" + domain
}
