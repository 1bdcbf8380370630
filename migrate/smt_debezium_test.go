package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Change events in the shape Debezium's documentation shows for a MySQL
// customers table.
const (
	dbzUpdate   = `{"before":{"id":1004,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"},"after":{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"},"source":{"version":"2.7.0.Final","connector":"mysql","name":"dbserver1","ts_ms":1559033904000,"db":"inventory","table":"customers"},"op":"u","ts_ms":1559033904863,"transaction":null}`
	dbzDelete   = `{"before":{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"},"after":null,"source":{"version":"2.7.0.Final","connector":"mysql","name":"dbserver1","ts_ms":1559033905000,"db":"inventory","table":"customers"},"op":"d","ts_ms":1559033905863,"transaction":null}`
	dbzTruncate = `{"before":null,"after":null,"source":{"connector":"postgresql","table":"customers"},"op":"t","ts_ms":1559033906000}`
	dbzAfter    = `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"}`
)

func debeziumSink(props ...string) string {
	lines := []string{"transforms=unwrap", "transforms.unwrap.type=io.debezium.transforms.ExtractNewRecordState"}
	for _, p := range props {
		lines = append(lines, "transforms.unwrap."+p)
	}
	return sink(lines...)
}

func TestExtractNewRecordStateModes(t *testing.T) {
	in := []record{
		{payload: dbzUpdate, meta: kafkaMeta()},
		{payload: dbzDelete, meta: kafkaMeta()},
		tombstone(),
		{payload: dbzTruncate, meta: kafkaMeta()},
		{payload: `{"ts_ms":1,"databaseName":"inventory"}`, meta: kafkaMeta()}, // a heartbeat-like value: no envelope
	}
	cases := map[string]struct {
		props []string
		check func(t *testing.T, outs [][]record)
	}{
		"no mode: Debezium 3.2's default, tombstone": {nil, func(t *testing.T, outs [][]record) {
			assert.JSONEq(t, dbzAfter, outs[0][0].payload)
			assert.Equal(t, true, outs[1][0].meta["kafka_tombstone_message"])
			assert.Empty(t, outs[2])
		}},
		"a legacy property: the legacy defaults drop deletes and tombstones": {[]string{"drop.tombstones=true"}, func(t *testing.T, outs [][]record) {
			assert.JSONEq(t, dbzAfter, outs[0][0].payload)
			assert.Empty(t, outs[1])
			assert.Empty(t, outs[2])
		}},
		"delete.handling.mode=none keeps a delete as a tombstone": {[]string{"delete.handling.mode=none", "drop.tombstones=false"}, func(t *testing.T, outs [][]record) {
			require.Len(t, outs[1], 1)
			assert.Equal(t, true, outs[1][0].meta["kafka_tombstone_message"])
			require.Len(t, outs[2], 1, "drop.tombstones=false keeps the tombstone")
		}},
		"delete.handling.mode=rewrite": {[]string{"delete.handling.mode=rewrite"}, func(t *testing.T, outs [][]record) {
			assert.JSONEq(t, `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"false"}`, outs[0][0].payload)
			assert.JSONEq(t, `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"true"}`, outs[1][0].payload)
			assert.Empty(t, outs[2])
		}},
		"rewrite-with-tombstone": {[]string{"delete.tombstone.handling.mode=rewrite-with-tombstone"}, func(t *testing.T, outs [][]record) {
			assert.JSONEq(t, `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"true"}`, outs[1][0].payload)
			require.Len(t, outs[2], 1)
			assert.Equal(t, true, outs[2][0].meta["kafka_tombstone_message"])
		}},
		"tombstone": {[]string{"delete.tombstone.handling.mode=tombstone"}, func(t *testing.T, outs [][]record) {
			assert.Equal(t, true, outs[1][0].meta["kafka_tombstone_message"])
			assert.Empty(t, outs[2])
		}},
		"drop": {[]string{"delete.tombstone.handling.mode=drop"}, func(t *testing.T, outs [][]record) {
			assert.Empty(t, outs[1])
			assert.Empty(t, outs[2])
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			outs := runRecords(t, debeziumSink(c.props...), in...)
			c.check(t, outs)
			assert.Empty(t, outs[3], "a truncate is dropped")
			require.Len(t, outs[4], 1)
			assert.JSONEq(t, `{"ts_ms":1,"databaseName":"inventory"}`, outs[4][0].payload, "not an envelope: unchanged")
		})
	}
}

func TestExtractNewRecordStateAddsFieldsAndHeaders(t *testing.T) {
	conf := debeziumSink("delete.handling.mode=rewrite", "add.fields=op,table,source.ts_ms:event_ts,id", "add.headers=db,op", "add.headers.prefix=dbz.", "drop.tombstones=false")
	outs := runRecords(t, conf, record{payload: dbzUpdate, meta: kafkaMeta()}, record{payload: dbzDelete, meta: kafkaMeta()}, tombstone())
	assert.JSONEq(t, `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"false","__op":"u","__table":"customers","__event_ts":1559033904000,"__id":null}`, outs[0][0].payload,
		"id is a transaction field: the transaction is null, so it is null")
	assert.Equal(t, "inventory", outs[0][0].meta["dbz.db"])
	assert.Equal(t, "u", outs[0][0].meta["dbz.op"])
	assert.JSONEq(t, `{"id":1004,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"true","__op":"d","__table":"customers","__event_ts":1559033905000,"__id":null}`, outs[1][0].payload)
	assert.Equal(t, "d", outs[2][0].meta["dbz.op"], "a kept tombstone gets op d")
}

func TestExtractNewRecordStateReports(t *testing.T) {
	res, err := Translate(mustParse(t, debeziumSink()))
	require.NoError(t, err)
	var props []string
	for _, o := range res.Omissions {
		props = append(props, o.Property)
	}
	assert.Contains(t, props, "transforms.unwrap.type", "Debezium passes a schemaless record unchanged")
	assert.Contains(t, props, "transforms.unwrap.delete.tombstone.handling.mode", "the default depends on the Debezium version")

	_, err = Translate(mustParse(t, debeziumSink("delete.tombstone.handling.mode=keep")))
	assert.ErrorContains(t, err, `delete.tombstone.handling.mode must be drop, tombstone, rewrite, rewrite-with-tombstone or delete-to-tombstone, not "keep"`)
	_, err = Translate(mustParse(t, debeziumSink("delete.handling.mode=soft")))
	assert.ErrorContains(t, err, `delete.handling.mode must be drop, none or rewrite, not "soft"`)
}
