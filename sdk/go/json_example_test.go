package smt_test

import (
	"errors"
	"fmt"
	"strings"

	smt "github.com/benthos-wasm/benthos-wasm/sdk/go"
)

// Masking one field of a JSON value: the rest keeps its bytes, spacing
// included.
func ExampleSetJSONString() {
	value := []byte(`{"user": "bob", "email": "bob@example.com"}`)
	email, err := smt.JSONString(value, "email")
	if err != nil {
		panic(err)
	}
	user, domain, _ := strings.Cut(email, "@")
	out, err := smt.SetJSONString(value, user[:1]+"***@"+domain, "email")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output: {"user": "bob", "email": "b***@example.com"}
}

// The error's Kind tells a missing field from a value that is not JSON.
func ExampleJSONError() {
	for _, value := range []string{`{"user": "bob"}`, `not json`} {
		_, err := smt.JSONString([]byte(value), "email")
		var je *smt.JSONError
		if errors.As(err, &je) && je.Kind == smt.JSONNotFound {
			fmt.Println("no email:", err)
		} else {
			fmt.Println("bad value:", err)
		}
	}
	// Output:
	// no email: path email: not found
	// bad value: invalid JSON at byte 0
}
