package kafkaconnect

import (
	"encoding/binary"
	"errors"
	"sort"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
)

// absentParam is what get_param returns for a name the params map lacks: all
// bits set, which no packed pointer and length can be.
const absentParam = ^uint64(0)

// extensionFunctions go beyond the Kafka Connect transformer's ten: presence,
// header listing and removal, partition and timestamp, filtering, fan-out,
// parameters and logging. Modules that import none of them are unaffected.
var extensionFunctions = []hostFunction{
	{"has_key", sig(nil, i32), func(x call, s []uint64) {
		s[0] = boolResult(x.rec.HasKey())
	}},
	{"has_header", sig(types(i32, i32), i32), func(x call, s []uint64) {
		s[0] = boolResult(x.rec.HasHeader(x.headerName(s[0], s[1])))
	}},
	{"remove_header", setter(i32, i32), func(x call, s []uint64) {
		x.rec.RemoveHeader(x.headerName(s[0], s[1]))
	}},
	{"get_header_names", getter(), func(x call, s []uint64) {
		s[0] = x.give(x.headerNamesBuffer(), nil)
	}},
	{"get_partition", sig(nil, i32), func(x call, s []uint64) {
		p, err := x.rec.Partition()
		x.check(err)
		s[0] = api.EncodeI32(p)
	}},
	{"get_timestamp", sig(nil, i64), func(x call, s []uint64) {
		ms, err := x.rec.Timestamp()
		x.check(err)
		s[0] = api.EncodeI64(ms)
	}},
	{"set_timestamp", setter(i64), func(x call, s []uint64) {
		ms := int64(s[0])
		if ms < 0 {
			x.Fail(errors.New("a timestamp must be 0 or more milliseconds since the Unix epoch"))
		}
		x.check(x.rec.SetTimestamp(ms))
	}},
	{"drop_record", setter(), func(x call, _ []uint64) {
		x.rec.Drop()
	}},
	{"emit_record", setter(i32, i32), func(x call, s []uint64) {
		in, err := parseRecordJSON(x.Read(u32(s[0]), u32(s[1])))
		x.check(err)
		x.check(applyRecord(x.rec.Emit(), in))
	}},
	{"get_param", getter(i32, i32), func(x call, s []uint64) {
		v, ok := x.cfg.Params[string(x.text("parameter name", x.Read(u32(s[0]), u32(s[1]))))]
		if !ok {
			s[0] = absentParam
			return
		}
		s[0] = x.give([]byte(v), nil)
	}},
	{"log", setter(i32, i32, i32), func(x call, s []uint64) {
		msg := x.Read(u32(s[1]), u32(s[2]))
		if x.cfg.Log == nil {
			return
		}
		level := LogLevel(int32(s[0]))
		level = max(LogDebug, min(level, LogError))
		x.cfg.Log(level, string(msg))
	}},
}

func boolResult(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// headerNamesBuffer encodes the record's header names for get_header_names:
// a u32 little-endian count, then each name as a u32 length and its bytes,
// in ascending byte order.
func (x call) headerNamesBuffer() []byte {
	x.names = x.rec.HeaderNames(x.names[:0])
	sort.Strings(x.names)
	buf := binary.LittleEndian.AppendUint32(x.scratch[:0], uint32(len(x.names)))
	for _, name := range x.names {
		if !utf8.ValidString(name) {
			x.Fail(errors.New("a header name is not valid UTF-8"))
		}
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(name)))
		buf = append(buf, name...)
	}
	x.scratch = buf
	return buf
}
