package processor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestLanguages are the conformance modules, one per guest language, each
// built from testdata/<language> by testdata/build.sh.
var guestLanguages = []string{"rust", "go", "c", "assemblyscript"}

// testRecord is a message as the conformance table writes it.
type testRecord struct {
	value string
	meta  map[string]any
}

// conformanceCase is one input through one function, and what must come out.
type conformanceCase struct {
	name     string
	function string
	config   string // extra processor config (params)
	in       testRecord
	want     []testRecord // the messages out, in order
	wantErr  string       // when set: one message out, the input unchanged, flagged with this
	wantLog  string       // a line the guest must have logged
}

// withMeta returns the record topic "foo", key "the-key" plus extra metadata
// (a nil value removes a field).
func withMeta(value string, extra map[string]any) testRecord {
	m := map[string]any{"kafka_topic": "foo", "kafka_key": "the-key"}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return testRecord{value: value, meta: m}
}

// failing is a case whose record fails and comes out unchanged.
func failing(name, function string, in testRecord, wantErr string) conformanceCase {
	return conformanceCase{name: name, function: function, in: in, want: []testRecord{in}, wantErr: wantErr}
}

func passing(name, function string, in testRecord, want ...testRecord) conformanceCase {
	return conformanceCase{name: name, function: function, in: in, want: want}
}

// conformanceCases is the executable specification of the ABI, original and
// extended (testdata/FUNCTIONS.md): every language's module must turn each
// input into the same output. The original cases use the Kafka Connect
// transformer's own record: topic "foo", key "the-key", value "the-value".
var conformanceCases = []conformanceCase{
	// The original ABI.
	passing("to_upper", "to_upper", withMeta("the-value", nil), withMeta("THE-VALUE", nil)),
	passing("to_upper of an empty value", "to_upper", withMeta("", nil), withMeta("", nil)),
	passing("to_upper leaves non-ASCII bytes alone", "to_upper", withMeta("héllo wörld \xff", nil),
		withMeta("HéLLO WöRLD \xff", nil)),
	failing("to_upper of a tombstone", "to_upper",
		withMeta("", map[string]any{"kafka_tombstone_message": true}),
		"host function get_value failed: the record has no value (it is a tombstone"),
	passing("value_to_key", "value_to_key", withMeta("the-value", nil),
		withMeta("the-value", map[string]any{"kafka_key": "the-value"})),
	passing("value_to_key without a key", "value_to_key", withMeta("the-value", map[string]any{"kafka_key": nil}),
		withMeta("the-value", map[string]any{"kafka_key": "the-value"})),
	passing("header_to_key", "header_to_key", withMeta("the-value", map[string]any{"the-key": "from-header"}),
		withMeta("the-value", map[string]any{"the-key": "from-header", "kafka_key": "from-header"})),
	failing("header_to_key with the header missing", "header_to_key", withMeta("the-value", nil),
		`host function get_header failed: the record has no header "the-key"`),
	passing("copy_header", "copy_header", withMeta("the-value", map[string]any{"the-header-in": "h"}),
		withMeta("the-value", map[string]any{"the-header-in": "h", "the-header-out": "h"})),
	failing("copy_header with the header missing", "copy_header", withMeta("the-value", map[string]any{"other": "x"}),
		`the record has no header "the-header-in"`),
	passing("transform", "transform", withMeta("the-value", map[string]any{"h1": "v1"}),
		withMeta("THE-VALUE", map[string]any{"h1": "v1", "kafka_key": "the-value"})),
	passing("transform without a key", "transform", withMeta("the-value", map[string]any{"kafka_key": nil}),
		withMeta("THE-VALUE", map[string]any{"kafka_key": "the-value"})),
	passing("transform of an empty value", "transform", withMeta("", nil),
		withMeta("", map[string]any{"kafka_key": ""})),
	failing("reject", "reject", withMeta("the-value", nil),
		"guest function reject returned an error: rejected: the-value"),
	failing("trap", "trap", withMeta("the-value", nil), "guest function trap "),
	passing("upper_or_trap on a good record", "upper_or_trap", withMeta("fine", nil), withMeta("FINE", nil)),
	failing("upper_or_trap on a bad record", "upper_or_trap", withMeta("trap me", nil), "guest function upper_or_trap "),

	// The extensions.
	passing("filter keeps a record", "filter", withMeta("keep me", nil), withMeta("keep me", nil)),
	passing("filter drops a record", "filter", withMeta("please drop", nil)),
	passing("fan_out", "fan_out", withMeta("a,,b", map[string]any{"h1": "v1", "kafka_partition": 2}),
		withMeta("a", map[string]any{"h1": "v1", "kafka_partition": 2}),
		withMeta("", map[string]any{"h1": "v1", "kafka_partition": 2}),
		withMeta("b", map[string]any{"h1": "v1", "kafka_partition": 2})),
	passing("fan_out of a value without commas", "fan_out", withMeta("one", nil), withMeta("one", nil)),
	passing("fan_out of an empty value", "fan_out", withMeta("", nil), withMeta("", nil)),
	passing("fan_out of a tombstone", "fan_out", withMeta("", map[string]any{"kafka_tombstone_message": true}),
		withMeta("", map[string]any{"kafka_tombstone_message": true})),
	passing("list_headers", "list_headers",
		withMeta("x", map[string]any{"b-h": "1", "a-h": "2", "kafka_partition": 3, "kafka_offset": 9}),
		withMeta("a-h,b-h", map[string]any{"b-h": "1", "a-h": "2", "kafka_partition": 3, "kafka_offset": 9})),
	passing("list_headers without headers", "list_headers", withMeta("x", nil), withMeta("", nil)),
	passing("remove_header", "remove_header", withMeta("x", map[string]any{"secret": "s", "keep": "k"}),
		withMeta("x", map[string]any{"keep": "k", "removed": "yes"})),
	passing("remove_header without it", "remove_header", withMeta("x", nil),
		withMeta("x", map[string]any{"removed": "no"})),
	passing("has_key", "has_key", withMeta("x", nil), withMeta("yes", nil)),
	passing("has_key without a key", "has_key", withMeta("x", map[string]any{"kafka_key": nil}),
		withMeta("no", map[string]any{"kafka_key": nil})),
	passing("timestamp_partition", "timestamp_partition",
		withMeta("x", map[string]any{"kafka_partition": 3, "kafka_timestamp_ms": int64(1700000000000), "kafka_timestamp_unix": int64(1700000000)}),
		withMeta("3:1700000000000", map[string]any{"kafka_partition": 3, "kafka_timestamp_ms": int64(1700000001000), "kafka_timestamp_unix": int64(1700000001)})),
	passing("timestamp_partition of text metadata", "timestamp_partition",
		withMeta("x", map[string]any{"kafka_partition": "7", "kafka_timestamp_ms": "5"}),
		withMeta("7:5", map[string]any{"kafka_partition": "7", "kafka_timestamp_ms": int64(1005)})),
	passing("timestamp_partition without them", "timestamp_partition", withMeta("x", nil), withMeta("-1:-1", nil)),
	{name: "params", function: "params", config: "params: { suffix: '-checked' }",
		in: withMeta("the-value", nil), want: []testRecord{withMeta("the-value-checked", nil)}},
	{name: "params with an empty value", function: "params", config: "params: { suffix: '' }",
		in: withMeta("the-value", nil), want: []testRecord{withMeta("the-value", nil)}},
	failing("params without the parameter", "params", withMeta("the-value", nil),
		"guest function params returned an error: no suffix param"),
	{name: "log", function: "log", in: withMeta("hello", nil), want: []testRecord{withMeta("hello", nil)},
		wantLog: `level=INFO msg="log: hello"`},

	// The SDKs' JSON helpers: every byte not written stays as it was, strings are unescaped
	// and escaped again, and the helpers' errors read the same in every language.
	passing("mask_json_email", "mask_json_email", withMeta(`{"user":"bob", "email":"bob@example.com", "n": 1.50}`, nil),
		withMeta(`{"user":"bob", "email":"b***@example.com", "n": 1.50}`, nil)),
	passing("mask_json_email unescapes and escapes", "mask_json_email", withMeta(`{"email":"\u00e9lo\"ise@ex\\ample.com"}`, nil),
		withMeta(`{"email":"é***@ex\\ample.com"}`, nil)),
	passing("mask_json_email keeps a surrogate pair whole", "mask_json_email", withMeta(`{"email":"\ud83d\ude00x@y.org"}`, nil),
		withMeta(`{"email":"😀***@y.org"}`, nil)),
	passing("mask_json_email without a user part", "mask_json_email", withMeta(`{"email":"nobody", "a":{"email":"x@y"}}`, nil),
		withMeta(`{"email":"***", "a":{"email":"x@y"}}`, nil)),
	passing("mask_json_email with the @ first", "mask_json_email", withMeta(`{"email":"@y.org"}`, nil),
		withMeta(`{"email":"***"}`, nil)),
	failing("mask_json_email of a value that is not JSON", "mask_json_email", withMeta(`{"email":`, nil),
		"guest function mask_json_email returned an error: mask_json_email: invalid JSON at byte 9"),
	failing("mask_json_email of an array", "mask_json_email", withMeta(`["email"]`, nil),
		"guest function mask_json_email returned an error: mask_json_email: path email: the root is an array, not an object"),
	failing("mask_json_email without the field", "mask_json_email", withMeta(`{"user":"bob"}`, nil),
		"guest function mask_json_email returned an error: mask_json_email: path email: not found"),
	failing("mask_json_email of a null", "mask_json_email", withMeta(`{"email":null}`, nil),
		"guest function mask_json_email returned an error: mask_json_email: path email: null, not a string"),
	// Under the json converter the guest reads the same bytes; what it writes is parsed and
	// serialised anew (keys sorted, spacing dropped).
	{name: "mask_json_email under the json converter", function: "mask_json_email", config: "value_converter: json",
		in:   withMeta(`{"user": "bob", "email": "bob@example.com"}`, nil),
		want: []testRecord{withMeta(`{"email":"b***@example.com","user":"bob"}`, nil)}},
}

func TestConformance(t *testing.T) {
	for _, lang := range guestLanguages {
		t.Run(lang, func(t *testing.T) {
			for _, tc := range conformanceCases {
				t.Run(tc.name, func(t *testing.T) { runConformanceCase(t, lang, tc) })
			}
		})
	}
}

func runConformanceCase(t *testing.T, lang string, tc conformanceCase) {
	p, logs := processorWithLogs(t, lang+".wasm", tc.function, tc.config)
	out := messagesOut(t, p, message(tc.in.value, tc.in.meta))

	require.Len(t, out, len(tc.want), "messages out")
	for i, msg := range out {
		if tc.wantErr == "" {
			require.NoError(t, msg.GetError())
		} else {
			require.Error(t, msg.GetError())
			assert.Contains(t, msg.GetError().Error(), tc.wantErr)
		}
		got, err := msg.AsBytes()
		require.NoError(t, err)
		assert.Equal(t, tc.want[i].value, string(got), "value of message %d", i)
		assert.Equal(t, tc.want[i].meta, metadata(msg), "metadata of message %d", i)
	}
	if tc.wantLog != "" {
		assert.Contains(t, logs.String(), tc.wantLog)
	}
}

// Every function of testdata/FUNCTIONS.md has at least one case here.
func TestConformanceCoversEveryFunction(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range conformanceCases {
		covered[tc.function] = true
	}
	for _, fn := range documentedFunctions(t) {
		assert.True(t, covered[fn], "no conformance case for %s", fn)
	}
}

// documentedFunctions reads the export names from testdata/FUNCTIONS.md.
func documentedFunctions(t *testing.T) []string {
	doc := readFile(t, "../testdata/FUNCTIONS.md")
	var names []string
	for _, line := range strings.Split(doc, "\n") {
		var name string
		if _, err := fmt.Sscanf(line, "| `%s", &name); err == nil {
			names = append(names, strings.TrimRight(name, "`| "))
		}
	}
	require.Len(t, names, 17)
	return names
}
