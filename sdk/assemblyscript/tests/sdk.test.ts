// Unit tests of the SDK, compiled by run.mjs and run under node against a mock host (the
// `env` functions implemented in JavaScript). Every export named test_* is one test: it
// passes unless it traps. A failed check logs its message through the SDK's abort handler.

import {
  Record, base64, utf8, str, asciiUpper, split, indexOf, startsWith, concat, ByteWriter,
  getValue, getValueString, setValue, setValueString, getKey, getKeyString, setKey, setKeyString, hasKey,
  getTopic, setTopic, getHeader, getHeaderString, setHeader, setHeaderString, hasHeader,
  removeHeader, headerNames, partition, timestamp, setTimestamp, drop, emit, param, paramBytes,
  getRecord, setRecord, getRecordJSON, error, errorBytes, OK, log,
} from "../assembly/index";

export { alloc, dealloc } from "../assembly/index";
// The JSON helpers' tests (test_json_*) live in their own file.
export * from "./json.test";

function eqBytes(a: Uint8Array | null, b: string): bool {
  if (a === null) return false;
  return str(a) == b && a.length == String.UTF8.byteLength(b);
}

function check(cond: bool, what: string): void {
  if (!cond) throw new Error(what);
}

// ---- base64 ----------------------------------------------------------------------------------

export function test_base64_vectors(): void {
  check(base64.encodeToString(utf8("")) == "", "empty");
  check(base64.encodeToString(utf8("a")) == "YQ==", "a");
  check(base64.encodeToString(utf8("ab")) == "YWI=", "ab");
  check(base64.encodeToString(utf8("abc")) == "YWJj", "abc");
  check(base64.encodeToString(utf8("the-value")) == "dGhlLXZhbHVl", "the-value");
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = <u8>i;
  const enc = base64.encodeToString(all);
  check(enc.startsWith("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7"), "256 prefix");
  check(enc.endsWith("+fr7/P3+/w=="), "256 suffix " + enc.slice(enc.length - 12));
  check(eqBytes(base64.decodeString("dGhlLXZhbHVl"), "the-value"), "decode the-value");
  check(eqBytes(base64.decodeString("YQ=="), "a"), "decode YQ==");
  check(eqBytes(base64.decodeString("YQ"), "a"), "decode unpadded YQ");
  check(eqBytes(base64.decodeString("YWI="), "ab"), "decode YWI=");
  check(eqBytes(base64.decodeString(""), ""), "decode empty");
}

export function test_base64_roundtrip(): void {
  for (let n = 0; n < 70; n++) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = <u8>(i * 37 + 11);
    const e = base64.encode(data);
    check(e.length % 4 == 0, "padded length");
    const d = base64.decode(e);
    check(d !== null && d.length == n, "roundtrip length");
    for (let i = 0; i < n; i++) check(d![i] == data[i], "roundtrip byte");
  }
}

export function test_base64_invalid(): void {
  check(base64.decodeString("YQ=a") === null, "YQ=a");
  check(base64.decodeString("Y") === null, "Y");
  check(base64.decodeString("Y===") === null, "Y===");
  check(base64.decodeString("YQ*=") === null, "YQ*=");
  check(base64.decodeString("YQ=") === null, "YQ=");
  check(base64.decodeString("YQ== ") === null, "trailing space");
  check(base64.decodeString("-_==") === null, "url alphabet");
}

// ---- record JSON -----------------------------------------------------------------------------

export function test_record_encode_shape(): void {
  const r = new Record();
  check(r.toJSON() == '{"headers":{}}', "empty record: " + r.toJSON());
  r.topic = "t";
  r.key = new Uint8Array(0);
  r.value = utf8("the-value");
  r.headers.set("b", new Uint8Array(0));
  r.headers.set("a", utf8("a"));
  const want = '{"headers":{"a":"YQ==","b":""},"topic":"t","key":"","value":"dGhlLXZhbHVl"}';
  check(r.toJSON() == want, "full record: " + r.toJSON());
  check(str(r.encode()) == want, "encode() bytes");
}

export function test_record_roundtrip(): void {
  const r = new Record();
  r.topic = 't"o\\p\u0001\n\té<&>😀\u2028';
  r.key = new Uint8Array(0);
  r.value = utf8("the-value");
  r.headers.set("h1", utf8("v1"));
  r.headers.set("h\n2", new Uint8Array(3));
  r.headers.set("ü", utf8("x"));
  const d = Record.decode(r.encode());
  check(d.topic == r.topic, "topic");
  check(d.key !== null && d.key!.length == 0, "empty key stays empty");
  check(eqBytes(d.value, "the-value"), "value");
  check(d.headers.size == 3, "3 headers");
  check(eqBytes(d.headers.get("h1"), "v1"), "h1");
  check(d.headers.get("h\n2").length == 3, "h\\n2");
  check(eqBytes(d.headers.get("ü"), "x"), "ü");
  check(d.toJSON() == r.toJSON(), "re-encode");
  // absent stays absent
  const e = Record.decode(new Record().encode());
  check(e.topic === null && e.key === null && e.value === null && e.headers.size == 0, "absent");
}

export function test_record_decode_go_escapes(): void {
  // What Go's encoding/json produces: <, >, & as \u003c..., U+2028 escaped, non-ASCII raw.
  const j = ' { "headers" : {"a\\u003cb":"YQ==", "b\\u0026":""} , ' +
    '"topic":"x\\u003c\\u0026\\u003e\\u00e9\\ud83d\\ude00\\u2028\\"\\\\\\/\\b\\f\\n\\r\\té", ' +
    '"key":null, "value":"dGhlLXZhbHVl", "extra":[1,-2.5e3,{"x":true,"y":[]},null,"s",false] } ';
  const r = Record.tryDecode(utf8(j));
  check(r !== null, "parses: " + Record.lastError);
  check(r!.topic == 'x<&>é😀\u2028"\\/\b\f\n\r\té', "topic escapes: " + r!.topic!);
  check(r!.key === null, "null key is absent");
  check(eqBytes(r!.value, "the-value"), "value");
  check(eqBytes(r!.headers.get("a<b"), "a"), "header a<b");
  check(r!.headers.get("b&").length == 0, "header b&");
  const lone = Record.tryDecode(utf8('{"topic":"\\ud800x"}'));
  check(lone !== null && lone.topic == "\ufffdx", "lone surrogate");
  const empty = Record.tryDecode(utf8("{}"));
  check(empty !== null && empty.topic === null && empty.headers.size == 0, "{}");
  const nullHeaders = Record.tryDecode(utf8('{"headers":null}'));
  check(nullHeaders !== null && nullHeaders.headers.size == 0, "headers null");
}

export function test_record_decode_errors(): void {
  const bad = [
    "", "{", "{}x", '{"value":1}', '{"value":"!!"}', '{"headers":{"a":1}}',
    '{"headers":[]}', '{"topic":"a', '{"topic":"a\\x"}', '{"topic":"\\u12"}', '{"topic":5}',
    '{"key":"YQ="}', '{"a" 1}', '{"a":1,}', '{"topic":"a\nb"}', "[]", '{"x":tru}',
  ];
  for (let i = 0; i < bad.length; i++) {
    check(Record.tryDecode(utf8(bad[i])) === null, "should fail: " + bad[i]);
    check(Record.lastError.length > 0, "lastError set");
  }
}

export function test_record_clone(): void {
  const r = new Record();
  r.topic = "t";
  r.headers.set("a", utf8("1"));
  const c = r.clone();
  c.headers.set("b", utf8("2"));
  c.topic = null;
  check(r.headers.size == 1 && r.topic == "t", "original unchanged");
  check(c.headers.size == 2, "clone changed");
}

// ---- byte helpers ----------------------------------------------------------------------------

export function test_bytes_helpers(): void {
  check(str(asciiUpper(utf8("the-value é z"))) == "THE-VALUE é Z", "asciiUpper");
  const parts = split(utf8("a,,b"), 44);
  check(parts.length == 3 && str(parts[0]) == "a" && parts[1].length == 0 && str(parts[2]) == "b", "split a,,b");
  check(split(new Uint8Array(0), 44).length == 1, "split empty");
  check(split(utf8("abc"), 44).length == 1, "split none");
  check(split(utf8(","), 44).length == 2, "split ,");
  check(indexOf(utf8("please drop me"), utf8("drop")) == 7, "indexOf");
  check(indexOf(utf8("dro"), utf8("drop")) == -1, "indexOf short");
  check(startsWith(utf8("trap me"), utf8("trap")), "startsWith");
  check(!startsWith(utf8("tra"), utf8("trap")), "startsWith short");
  check(str(concat(utf8("ab"), utf8("cd"))) == "abcd", "concat");
  const w = new ByteWriter(1);
  for (let i = 0; i < 1000; i++) w.decimal(i % 10);
  check(w.length == 1000, "ByteWriter grows");
  w.decimal(-1700000000000);
  check(w.toString().endsWith("9-1700000000000"), "decimal");
}

// ---- host functions against the JS mock host ---------------------------------------------------
// The mock's record: topic "foo", key "the-key", value "the-value", headers h1=v1, h2="",
// partition 3, timestamp 1700000000000; params suffix="-s", empty="".

export function test_getters(): void {
  check(eqBytes(getValue(), "the-value"), "getValue");
  check(getValueString() == "the-value", "getValueString");
  check(hasKey(), "hasKey");
  check(eqBytes(getKey(), "the-key"), "getKey");
  check(getKeyString() == "the-key", "getKeyString");
  check(getTopic() == "foo", "getTopic");
  check(eqBytes(getHeader("h1"), "v1"), "getHeader");
  check(getHeaderString("h2") == "", "getHeaderString empty");
  check(hasHeader("h1") && hasHeader("h2") && !hasHeader("h3"), "hasHeader");
  const names = headerNames();
  check(names.length == 2 && names[0] == "h1" && names[1] == "h2", "headerNames");
  check(partition() == 3, "partition");
  check(timestamp() == 1700000000000, "timestamp");
  const s = param("suffix");
  check(s !== null && s == "-s", "param");
  const e = param("empty");
  check(e !== null && e == "", "empty param is present");
  check(param("nope") === null, "absent param");
  check(paramBytes("nope") === null, "absent paramBytes");
  check(eqBytes(paramBytes("suffix"), "-s"), "paramBytes");
  const r = getRecord();
  check(r.topic == "foo" && eqBytes(r.key, "the-key") && eqBytes(r.value, "the-value"), "getRecord");
  check(r.headers.size == 2 && r.headers.get("h2").length == 0, "getRecord headers");
  check(getRecordJSON().length > 0, "getRecordJSON");
}

export function test_setters(): void {
  setValue(utf8("v2"));
  check(getValueString() == "v2", "setValue");
  setValueString("");
  check(getValue().length == 0, "empty value");
  setKeyString("k2");
  check(getKeyString() == "k2", "setKeyString");
  setKey(utf8("k3"));
  check(getKeyString() == "k3", "setKey");
  setTopic("bar");
  check(getTopic() == "bar", "setTopic");
  setHeaderString("new", "x");
  setHeader("h1", utf8("y"));
  check(getHeaderString("new") == "x" && getHeaderString("h1") == "y", "setHeader");
  removeHeader("h2");
  removeHeader("not-there");
  check(!hasHeader("h2"), "removeHeader");
  const names = headerNames();
  check(names.length == 2 && names[0] == "h1" && names[1] == "new", "headerNames after writes");
  setTimestamp(5);
  check(timestamp() == 5, "setTimestamp");
  const r = new Record();
  r.value = utf8("only value");
  setRecord(r);
  check(!hasKey(), "setRecord removes the key");
  check(headerNames().length == 0, "setRecord removes headers");
  check(getValueString() == "only value", "setRecord value");
  log.info("hello");
  drop();
  emit(r);
}

export function test_no_headers(): void {
  removeHeader("h1");
  removeHeader("h2");
  check(headerNames().length == 0, "no headers");
}

// Used by run.mjs.
export function result_error(): u64 {
  return error("bad 😀 record");
}

export function result_error_bytes(): u64 {
  return errorBytes(concat(utf8("rejected: "), getValue()));
}

export function result_ok(): u64 {
  return OK;
}

export function churn(): void {
  const r = getRecord();
  r.key = r.value;
  r.value = asciiUpper(r.value!);
  r.headers.set("n", utf8(headerNames().join(",")));
  setRecord(r);
  setValue(asciiUpper(getValue()));
}

export function do_abort(): void {
  const a = new Uint8Array(1);
  a[5] = 1; // out of range: aborts
}
