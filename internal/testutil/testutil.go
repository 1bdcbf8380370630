// Package testutil holds helpers that tests of several packages share:
// comparing JSON texts as values, a buffer safe for concurrent writers, and
// a free loopback port, a self-signed certificate for TLS servers.
package testutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
)

// DecodeJSON decodes exactly one JSON value, numbers as json.Number.
func DecodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one value")
	}
	return v, nil
}

// EquivalentJSON reports whether two JSON texts hold the same value, numbers
// compared as float64 (the json converter keeps integers exact and others as
// float64) and numbers beyond float64's range compared as written.
func EquivalentJSON(a, b []byte) bool {
	va, errA := DecodeJSON(a)
	vb, errB := DecodeJSON(b)
	return errA == nil && errB == nil && SameJSONValue(va, vb)
}

// SameJSONValue compares decoded JSON values (as DecodeJSON gives them).
func SameJSONValue(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, errx := strconv.ParseFloat(string(x), 64)
		fy, erry := strconv.ParseFloat(string(y), 64)
		if errx != nil || erry != nil { // beyond float64: kept as written
			return x == y
		}
		return fx == fy
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			if f, ok := y[k]; !ok || !SameJSONValue(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !SameJSONValue(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers and readers, for
// capturing logs and process output in tests.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
