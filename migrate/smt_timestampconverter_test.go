package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTimestampConverterFieldsAndPrecisions(t *testing.T) {
	conf := sink("transforms=c", "transforms.c.type=TimestampConverter$Value", "transforms.c.field=ts",
		"transforms.c.target.type=string", "transforms.c.format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
	outs := runRecords(t, conf,
		record{payload: `{"ts":1700000000123,"x":1}`, meta: kafkaMeta()},
		record{payload: `{"ts":-1,"x":1}`, meta: kafkaMeta()},
		record{payload: `{"x":1}`, meta: kafkaMeta()},
		record{payload: `{"ts":1.5}`, meta: kafkaMeta()},
		record{payload: `{"ts":"2023-11-14T22:13:20.123Z"}`, meta: kafkaMeta()},
		record{payload: `{"ts":"yesterday"}`, meta: kafkaMeta()},
		record{payload: `[1]`, meta: kafkaMeta()})
	assert.JSONEq(t, `{"ts":"2023-11-14T22:13:20.123Z","x":1}`, outs[0][0].payload)
	assert.JSONEq(t, `{"ts":"1969-12-31T23:59:59.999Z","x":1}`, outs[1][0].payload)
	assert.JSONEq(t, `{"ts":null,"x":1}`, outs[2][0].payload, "a missing field becomes null, as Kafka Connect puts it")
	assert.Contains(t, outs[3][0].err, "TimestampConverter$Value: a timestamp must be a Long (Unix time) or a string, not a floating-point number")
	assert.JSONEq(t, `{"ts":"2023-11-14T22:13:20.123Z"}`, outs[4][0].payload)
	assert.Contains(t, outs[5][0].err, "could not parse timestamp: value (yesterday) does not match pattern (yyyy-MM-dd'T'HH:mm:ss.SSSXXX)")
	assert.Contains(t, outs[6][0].err, "TimestampConverter$Value: Only Map objects supported in absence of schema for [converting timestamp formats], found: java.util.ArrayList")

	conf = sink("transforms=c", "transforms.c.type=TimestampConverter$Key", "transforms.c.target.type=unix", "transforms.c.unix.precision=microseconds")
	out := one(t, conf, record{payload: `v`, meta: kafkaMeta("kafka_key", "1700000000123456")})
	assert.Equal(t, "1700000000123000", out.meta["kafka_key"], "a Long in microseconds goes through milliseconds, as in Kafka Connect")
}

// A pattern without a zone reads and writes UTC, as TimestampConverter's
// SimpleDateFormat does; Date and Time cut the epoch milliseconds.
func TestTimestampConverterUTCAndDates(t *testing.T) {
	conf := sink("transforms=c", "transforms.c.type=TimestampConverter$Value", "transforms.c.target.type=unix", "transforms.c.format=yyyy-MM-dd HH:mm:ss")
	out := one(t, conf, record{payload: `"2023-11-14 22:13:20"`, meta: kafkaMeta()})
	assert.Equal(t, "1700000000000", out.payload)

	conf = sink("transforms=c,d", "transforms.c.type=TimestampConverter$Value", "transforms.c.target.type=Date",
		"transforms.d.type=TimestampConverter$Value", "transforms.d.target.type=string", "transforms.d.format=EEE, d MMM yyyy HH:mm:ss.S z")
	out = one(t, conf, record{payload: `1700000000123`, meta: kafkaMeta()})
	assert.Equal(t, "Tue, 14 Nov 2023 00:00:00.0 UTC", out.payload, "a Date is midnight UTC, read back as epoch milliseconds")

	conf = sink("transforms=c", "transforms.c.type=TimestampConverter$Value", "transforms.c.target.type=Time")
	out = one(t, conf, record{payload: `-1`, meta: kafkaMeta()})
	assert.Equal(t, "86399999", out.payload, "the time of day of a date before 1970 counts from that day's midnight")
}
