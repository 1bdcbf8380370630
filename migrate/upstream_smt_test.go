package migrate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upstreamCase is one case of Apache Kafka's unit tests of a built-in SMT
// (connect/transforms/src/test), ported as a record in and what comes out:
// the record's value and key as JSON, a record error, or a configuration
// Kafka Connect refuses (exit 1). Only the facts of each case are taken.
type upstreamCase struct {
	name  string   // the upstream test method
	props []string // the transform's properties, without "transforms.x."
	conf  []string // connector properties (converters), if any
	in    record

	value   string // the value out, as JSON ("" to skip)
	raw     string // the payload out, exactly ("" to skip)
	key     string // kafka_key out ("" to skip)
	noKey   bool   // no kafka_key out (a null key)
	tomb    bool   // a tombstone out
	err     string // the record fails with this in its error
	invalid string // the configuration is refused with this in the error
	// omits lists the properties (without "transforms.x.") reported as
	// translated with a difference from Kafka Connect; none when empty.
	omits []string
}

// runUpstream runs each case through the translated transform (alias x).
func runUpstream(t *testing.T, smtClass string, cases []upstreamCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := append([]string{"transforms=x", "transforms.x.type=" + smtClass}, c.conf...)
			for _, p := range c.props {
				lines = append(lines, "transforms.x."+p)
			}
			conf := sink(lines...)
			if c.invalid != "" {
				_, err := Translate(mustParse(t, conf))
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.invalid)
				return
			}
			res, err := Translate(mustParse(t, conf))
			require.NoError(t, err)
			var omitted []string
			for _, o := range res.Omissions {
				if strings.HasPrefix(o.Reason, "FileStreamSinkConnector prints") {
					continue // the harness's connector, not the SMT (filesink.go)
				}
				omitted = append(omitted, strings.TrimPrefix(o.Property, "transforms.x."))
			}
			assert.ElementsMatch(t, c.omits, omitted, "omissions: %v", res.Omissions)
			if c.in.meta == nil {
				c.in.meta = kafkaMeta()
			}
			out := one(t, conf, c.in)
			if c.err != "" {
				assert.Contains(t, out.err, c.err)
				return
			}
			require.Empty(t, out.err)
			if c.value != "" {
				assert.JSONEq(t, c.value, out.payload)
			}
			if c.raw != "" {
				assert.Equal(t, c.raw, out.payload)
			}
			if c.key != "" {
				assert.Equal(t, c.key, out.meta["kafka_key"])
			}
			if c.noKey {
				assert.NotContains(t, out.meta, "kafka_key")
			}
			if c.tomb {
				assert.Equal(t, true, out.meta["kafka_tombstone_message"])
			}
		})
	}
}

// value is a record whose value is the JSON given.
func value(json string) record { return record{payload: json} }

// keyed is a record whose key is the text given.
func keyed(key, payload string) record {
	return record{payload: payload, meta: kafkaMeta("kafka_key", key)}
}

// tombstone is a record with a null value.
func tombstone() record {
	return record{payload: "", meta: kafkaMeta("kafka_tombstone_message", true)}
}

func lines(s string) []string { return strings.Split(s, "\n") }
