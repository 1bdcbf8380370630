package migrate

import "testing"

// TimestampConverterTest's cases without a schema, and its configuration
// checks. A java.util.Date, which only Connect's data API has, is epoch
// milliseconds in JSON here (in and out), and the cases whose target is
// Date, Time or Timestamp are reported so (target.type). The constants:
// 86401234 ms is 1970-01-02 00:00:01.234 UTC; its date 86400000; its time
// 1234. Not ported, as only a Connect schema can express them: the
// *WithSchema cases (the type read from the schema, logical types, default
// values with replace.null.with.default).
func TestUpstreamTimestampConverter(t *testing.T) {
	const (
		datePlusTime = `86401234`
		date         = `86400000`
		timeOfDay    = `1234`
		text         = `"1970 01 02 00 00 01 234 UTC"`
		format       = "format=yyyy MM dd HH mm ss SSS z"
	)
	nullCases := func(target string, omits ...string) []upstreamCase {
		return []upstreamCase{
			{name: "testSchemalessNullValueTo" + target + "/value", props: []string{"target.type=" + target, format}, in: tombstone(), tomb: true, omits: omits},
			{name: "testSchemalessNullValueTo" + target + "/field", props: []string{"target.type=" + target, format, "field=ts"}, in: tombstone(), tomb: true, omits: omits},
		}
	}
	cases := []upstreamCase{
		{name: "testConfigNoTargetType", invalid: "target.type is required"},
		{name: "testConfigInvalidTargetType", props: []string{"target.type=invalid"}, invalid: `target.type must be string, unix, Date, Time or Timestamp, not "invalid"`},
		{name: "testConfigInvalidUnixPrecision", props: []string{"target.type=unix", "unix.precision=invalid"}, invalid: `unix.precision must be seconds, milliseconds, microseconds or nanoseconds, not "invalid"`},
		{name: "testConfigValidUnixPrecision", props: []string{"target.type=unix", "unix.precision=seconds"}, in: value(`86401`), value: `86401`},
		{name: "testConfigMissingFormat", props: []string{"target.type=string"}, invalid: "format is required"},
		{name: "testConfigInvalidFormat", props: []string{"target.type=string", "format=bad-format"}, invalid: `'b' is not a pattern letter`},
		{name: "testSchemalessIdentity", props: []string{"target.type=Timestamp"}, in: value(datePlusTime), value: datePlusTime, omits: []string{"target.type"}},
		{name: "testSchemalessTimestampToDate", props: []string{"target.type=Date"}, in: value(datePlusTime), value: date, omits: []string{"target.type"}},
		{name: "testSchemalessTimestampToTime", props: []string{"target.type=Time"}, in: value(datePlusTime), value: timeOfDay, omits: []string{"target.type"}},
		{name: "testSchemalessTimestampToUnix", props: []string{"target.type=unix"}, in: value(datePlusTime), value: datePlusTime},
		{name: "testSchemalessTimestampToString", props: []string{"target.type=string", format}, in: value(datePlusTime), raw: `1970 01 02 00 00 01 234 UTC`, omits: []string{"format"}},
		{name: "testSchemalessDateToTimestamp", props: []string{"target.type=Timestamp"}, in: value(date), value: date, omits: []string{"target.type"}},
		{name: "testSchemalessTimeToTimestamp", props: []string{"target.type=Timestamp"}, in: value(timeOfDay), value: timeOfDay, omits: []string{"target.type"}},
		{name: "testSchemalessUnixToTimestamp", props: []string{"target.type=Timestamp"}, in: value(datePlusTime), value: datePlusTime, omits: []string{"target.type"}},
		{name: "testSchemalessStringToTimestamp", props: []string{"target.type=Timestamp", format}, in: value(text), value: datePlusTime, omits: []string{"target.type", "format"}},
		{name: "testSchemalessFieldConversion", props: []string{"target.type=Date", "field=ts"}, in: value(`{"ts":` + datePlusTime + `}`), value: `{"ts":` + date + `}`, omits: []string{"target.type"}},
		{name: "testSchemalessStringToUnix_Micros", props: []string{"target.type=unix", "unix.precision=microseconds", format}, in: value(text), value: `86401234000`, omits: []string{"format"}},
		{name: "testSchemalessStringToUnix_Nanos", props: []string{"target.type=unix", "unix.precision=nanoseconds", format}, in: value(text), value: `86401234000000`, omits: []string{"format"}},
		{name: "testSchemalessStringToUnix_Seconds", props: []string{"target.type=unix", "unix.precision=seconds", format}, in: value(text), value: `86401`, omits: []string{"format"}},
	}
	cases = append(cases, nullCases("string", "format")...)
	cases = append(cases, nullCases("Date", "format", "target.type")...)
	cases = append(cases, nullCases("Timestamp", "format", "target.type")...)
	cases = append(cases, nullCases("unix", "format")...)
	cases = append(cases, nullCases("Time", "format", "target.type")...)
	runUpstream(t, "org.apache.kafka.connect.transforms.TimestampConverter$Value", cases)
	runUpstream(t, "org.apache.kafka.connect.transforms.TimestampConverter$Key", []upstreamCase{
		{name: "testKey", props: []string{"target.type=Timestamp"}, in: keyed(datePlusTime, `"v"`), key: datePlusTime, omits: []string{"target.type"}},
	})
}
