package smt

import (
	"math"
	"strconv"
	"strings"
)

// json.go: read or write one scalar (string, number, boolean, null) at a path
// of object keys in a JSON document held as bytes, such as the value under
// `value_converter: json`. A write splices the new value into a copy of the
// document and leaves every other byte as it was: key order, spacing and the
// spelling of numbers do not change. Array indexes are not supported: a path
// goes through objects only.

// JSONErrorKind says what went wrong in a JSON helper.
type JSONErrorKind int

const (
	JSONInvalid   JSONErrorKind = iota + 1 // the document is not one JSON value
	JSONNotFound                           // the path leads to no value
	JSONNotObject                          // a step of the path is not an object
	JSONWrongType                          // the value is not of the type asked for
)

// JSONError is the error of every JSON helper; test its Kind to tell a
// missing field from a document that is not JSON.
type JSONError struct {
	Kind JSONErrorKind
	msg  string
}

func (e *JSONError) Error() string { return e.msg }

// jsonPathString is how a path appears in error messages: keys joined with ".".
func jsonPathString(path []string) string { return strings.Join(path, ".") }

func pathError(kind JSONErrorKind, path []string, what string) error {
	return &JSONError{Kind: kind, msg: "path " + jsonPathString(path) + ": " + what}
}

// jsonTypeName names the type of the value starting with byte c, with its article.
func jsonTypeName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

func notObjectError(path []string, k int, c byte) error {
	where := "the root"
	if k > 0 {
		where = jsonPathString(path[:k])
	}
	return pathError(JSONNotObject, path, where+" is "+jsonTypeName(c)+", not an object")
}

// JSONRaw returns the bytes of the value at path (a sub-slice of doc), of any
// type: a string keeps its quotes and escapes, a number its spelling.
// An empty path is the whole document.
func JSONRaw(doc []byte, path ...string) ([]byte, error) {
	p, err := jsonFind(doc, path)
	if err != nil {
		return nil, err
	}
	if !p.found {
		return nil, pathError(JSONNotFound, path, "not found")
	}
	return doc[p.start:p.end], nil
}

// jsonTyped returns the value at path if its first byte is one of first.
func jsonTyped(doc []byte, path []string, first, want string) ([]byte, error) {
	raw, err := JSONRaw(doc, path...)
	if err != nil {
		return nil, err
	}
	if !strings.ContainsRune(first, rune(raw[0])) {
		return nil, pathError(JSONWrongType, path, jsonTypeName(raw[0])+", not "+want)
	}
	return raw, nil
}

// JSONString returns the string at path, unescaped.
func JSONString(doc []byte, path ...string) (string, error) {
	raw, err := jsonTyped(doc, path, `"`, "a string")
	if err != nil {
		return "", err
	}
	return jsonUnquote(raw), nil
}

// JSONNumber returns the number at path as a float64 (integers beyond 2^53
// lose precision: use JSONInt or JSONRaw for those).
func JSONNumber(doc []byte, path ...string) (float64, error) {
	raw, err := jsonTyped(doc, path, "-0123456789", "a number")
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil { // only a magnitude beyond float64, such as 1e999
		return 0, pathError(JSONWrongType, path, string(raw)+" is out of range for a float64")
	}
	return f, nil
}

// JSONInt returns the number at path as an int64; it must be written as an
// integer (no fraction or exponent) within the range of int64.
func JSONInt(doc []byte, path ...string) (int64, error) {
	raw, err := jsonTyped(doc, path, "-0123456789", "a number")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, pathError(JSONWrongType, path, string(raw)+" is not a 64-bit integer")
	}
	return n, nil
}

// JSONBool returns the boolean at path.
func JSONBool(doc []byte, path ...string) (bool, error) {
	raw, err := jsonTyped(doc, path, "tf", "a boolean")
	if err != nil {
		return false, err
	}
	return raw[0] == 't', nil
}

// JSONIsNull reports whether the value at path is null; a missing path is an
// error, not null.
func JSONIsNull(doc []byte, path ...string) (bool, error) {
	raw, err := JSONRaw(doc, path...)
	if err != nil {
		return false, err
	}
	return raw[0] == 'n', nil
}

// SetJSONString returns a copy of doc with the value at path replaced by the
// string s (quotes, backslashes and control characters escaped; other bytes,
// UTF-8 included, written as they are). A missing last key is added at the
// end of its object, and missing objects on the way are created; a step that
// exists but is not an object is an error.
func SetJSONString(doc []byte, s string, path ...string) ([]byte, error) {
	return jsonSplice(doc, path, appendJSONString(nil, s))
}

// SetJSONNumber is SetJSONString for a number, written in the shortest form
// that reads back as f (1e+21 and beyond, and below 1e-6, with an exponent).
// NaN and infinities have no JSON form and are an error.
func SetJSONNumber(doc []byte, f float64, path ...string) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, pathError(JSONWrongType, path, "NaN and infinities are not JSON numbers")
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	return jsonSplice(doc, path, strconv.AppendFloat(nil, f, format, -1, 64))
}

// SetJSONInt is SetJSONString for an integer.
func SetJSONInt(doc []byte, n int64, path ...string) ([]byte, error) {
	return jsonSplice(doc, path, strconv.AppendInt(nil, n, 10))
}

// SetJSONBool is SetJSONString for a boolean.
func SetJSONBool(doc []byte, b bool, path ...string) ([]byte, error) {
	return jsonSplice(doc, path, strconv.AppendBool(nil, b))
}

// SetJSONNull is SetJSONString for null.
func SetJSONNull(doc []byte, path ...string) ([]byte, error) {
	return jsonSplice(doc, path, []byte("null"))
}

// jsonSplice puts the encoded value at path in a copy of doc.
func jsonSplice(doc []byte, path []string, encoded []byte) ([]byte, error) {
	p, err := jsonFind(doc, path)
	if err != nil {
		return nil, err
	}
	at, end := p.start, p.end
	if !p.found {
		// Insert `"k1":{"k2":...:value}` before the closing brace.
		var ins []byte
		if !p.empty {
			ins = append(ins, ',')
		}
		for i, key := range path[p.missing:] {
			if i > 0 {
				ins = append(ins, '{')
			}
			ins = appendJSONString(ins, key)
			ins = append(ins, ':')
		}
		ins = append(ins, encoded...)
		encoded = append(ins, strings.Repeat("}", len(path)-p.missing-1)...)
		at, end = p.close, p.close
	}
	out := make([]byte, 0, len(doc)-(end-at)+len(encoded))
	out = append(out, doc[:at]...)
	out = append(out, encoded...)
	return append(out, doc[end:]...), nil
}
