// Unit tests of the JSON helpers (assembly/json.ts), exported through sdk.test.ts and run by
// run.mjs like the others: each test_json_* passes unless it traps.

import { json, utf8, str } from "../assembly/index";

function check(cond: bool, what: string): void {
  if (!cond) throw new Error(what);
}

const DOC = `{"user": {"name": "bob", "tags": ["a", {"x": 1}], "age": 42},
 "email":"bob@example.com", "score": -1.5e3, "ok": true, "gone": null,
 "esc": "a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00", "n": 9007199254740993, "zero": 0,
 "min": -9223372036854775808}`;

function failsWith(err: json.JsonError | null, kind: i32, msg: string): bool {
  if (err === null) return false;
  const e = err!;
  if (e.kind != kind || e.message != msg) {
    throw new Error("got kind " + e.kind.toString() + " '" + e.message + "', want '" + msg + "'");
  }
  return true;
}

export function test_json_getters(): void {
  const d = utf8(DOC);
  check(json.getString(d, ["user", "name"]).value == "bob", "user.name");
  check(json.getString(d, ["esc"]).value == 'a"b\\c/d\né😀', "escapes: " + json.getString(d, ["esc"]).value);
  check(json.getNumber(d, ["score"]).value == -1500, "score");
  check(json.getNumber(d, ["user", "age"]).value == 42, "age");
  check(json.getInt(d, ["n"]).value == 9007199254740993, "n beyond 2^53, exact");
  check(json.getInt(d, ["zero"]).value == 0, "zero");
  check(json.getInt(d, ["min"]).value == i64.MIN_VALUE, "min");
  check(json.getBool(d, ["ok"]).value == true, "ok");
  check(json.isNull(d, ["gone"]).value == true, "gone is null");
  check(json.isNull(d, ["ok"]).ok && json.isNull(d, ["ok"]).value == false, "ok is not null");
  check(str(json.raw(d, ["user", "tags"]).value) == '["a", {"x": 1}]', "raw tags");
  check(str(json.raw(utf8(" 7 "), []).value) == "7", "raw root");
  check(json.getString(utf8('{"a":"first","a":"last"}'), ["a"]).value == "last", "last duplicate wins");
  check(json.getString(utf8('{"\\u00e9t\\u00e9":"summer"}'), ["été"]).value == "summer", "escaped key");
  check(json.getString(utf8('"\\ud800x\\udc00"'), []).value == "\uFFFDx\uFFFD", "lone surrogates");
}

export function test_json_numbers(): void {
  const texts = ["0", "-0", "12", "1.25", "-0.5", "1e3", "1E+3", "25e-1", "123456789012"];
  const wants: f64[] = [0, 0, 12, 1.25, -0.5, 1000, 1000, 2.5, 123456789012];
  for (let k = 0; k < texts.length; k++) {
    const r = json.getNumber(utf8('{"v":' + texts[k] + "}"), ["v"]);
    check(r.ok && r.value == wants[k], "number " + texts[k]);
  }
  const notInts = ["1.5", "1e3", "99999999999999999999", "9223372036854775808"];
  for (let k = 0; k < notInts.length; k++) {
    check(failsWith(json.getInt(utf8(notInts[k]), []).error, json.WRONG_TYPE,
      "path : " + notInts[k] + " is not a 64-bit integer"), "not an int " + notInts[k]);
  }
  check(failsWith(json.getNumber(utf8("1e999"), []).error, json.WRONG_TYPE, "path : 1e999 is out of range for a float64"), "1e999");
}

export function test_json_errors(): void {
  const d = utf8(DOC);
  check(failsWith(json.getString(d, ["phone"]).error, json.NOT_FOUND, "path phone: not found"), "missing");
  check(failsWith(json.getString(d, ["user", "phone"]).error, json.NOT_FOUND, "path user.phone: not found"), "missing nested");
  check(failsWith(json.getString(d, ["email", "x"]).error, json.NOT_OBJECT, "path email.x: email is a string, not an object"), "through a string");
  check(failsWith(json.getString(d, ["user", "tags", "0"]).error, json.NOT_OBJECT,
    "path user.tags.0: user.tags is an array, not an object"), "through an array");
  check(failsWith(json.getString(utf8("[1]"), ["a"]).error, json.NOT_OBJECT, "path a: the root is an array, not an object"), "root");
  check(failsWith(json.getString(d, ["score"]).error, json.WRONG_TYPE, "path score: a number, not a string"), "wrong type");
  check(failsWith(json.getString(d, ["gone"]).error, json.WRONG_TYPE, "path gone: null, not a string"), "null");
  check(failsWith(json.getBool(d, ["user"]).error, json.WRONG_TYPE, "path user: an object, not a boolean"), "object");
  check(failsWith(json.getNumber(d, ["email"]).error, json.WRONG_TYPE, "path email: a string, not a number"), "string");
  check(failsWith(json.getString(utf8("hello"), ["a"]).error, json.INVALID, "invalid JSON at byte 0"), "not JSON");
  check(failsWith(json.getString(utf8(""), ["a"]).error, json.INVALID, "invalid JSON at byte 0"), "empty");
  check(failsWith(json.getString(utf8('{"a":"b'), ["a"]).error, json.INVALID, "invalid JSON at byte 7"), "truncated");
  check(failsWith(json.getString(utf8('{"a":"b"} x'), ["a"]).error, json.INVALID, "invalid JSON at byte 10"), "trailing");
}

export function test_json_syntax(): void {
  const good = ["{}", "[]", ' {"a" : [ 1 , 2 ] } ', '"x"', "-0.0e-0", "true", "null", '{"a":{"b":{"c":[]}}}'];
  for (let k = 0; k < good.length; k++) check(json.raw(utf8(good[k]), []).ok, "valid: " + good[k]);
  const bad = ["{", "}", '{"a"}', '{"a":}', '{"a":1,}', "[1,]", "{a:1}", "{'a':1}", "01", "1.", ".5", "-", "+1",
    "1e", "1e+", '"\\x"', '"\\u12"', '"\\u12g4"', '"a\tb"', "tru", "nul", "falsey", "[1 2]", '{"a":1 "b":2}',
    "NaN", "Infinity", '"abc', "1 2"];
  for (let k = 0; k < bad.length; k++) {
    const r = json.raw(utf8(bad[k]), []);
    check(!r.ok && r.error!.kind == json.INVALID, "invalid: " + bad[k]);
  }
  check(json.raw(utf8("[".repeat(json.MAX_DEPTH + 2)), []).error!.kind == json.INVALID, "too deep");
}

function wrote(r: json.Result<Uint8Array>, want: string): bool {
  if (!r.ok) throw new Error("error: " + r.error!.message);
  if (str(r.value) != want) throw new Error("wrote " + str(r.value) + ", want " + want);
  return json.raw(r.value, []).ok;
}

export function test_json_setters(): void {
  const src = '{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50}';
  const d = utf8(src);
  check(wrote(json.setString(d, ["email"], "b***@example.com"),
    '{"user": {"name": "bob"} ,  "email":"b***@example.com", "n": 1.50}'), "replace");
  check(wrote(json.setString(d, ["user", "name"], "alice"),
    '{"user": {"name": "alice"} ,  "email":"bob@example.com", "n": 1.50}'), "replace nested");
  check(wrote(json.setNull(d, ["user"]), '{"user": null ,  "email":"bob@example.com", "n": 1.50}'), "object to null");
  check(wrote(json.setBool(d, ["ok"], true),
    '{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50,"ok":true}'), "add");
  check(wrote(json.setInt(d, ["user", "id"], -7),
    '{"user": {"name": "bob","id":-7} ,  "email":"bob@example.com", "n": 1.50}'), "add nested");
  check(wrote(json.setString(utf8("{ }"), ["k"], "v"), '{ "k":"v"}'), "add to empty");
  check(wrote(json.setNumber(utf8("{}"), ["a", "b", "c"], 2.5), '{"a":{"b":{"c":2.5}}}'), "create on the way");
  check(wrote(json.setString(utf8('{"s":1}'), ["s"], 'q"b\\\n\t\x01é😀'), '{"s":"q\\"b\\\\\\n\\t\\u0001é😀"}'), "escape");
  check(wrote(json.setString(utf8("{}"), ['a"b'], "v"), '{"a\\"b":"v"}'), "escaped key");
  check(wrote(json.setInt(utf8(' "x" '), [], 3), " 3 "), "root");
  check(wrote(json.setNumber(utf8("{}"), ["k"], 100), '{"k":100}'), "100 without a fraction");
  check(json.setString(d, ["email", "a"], "x").error!.kind == json.NOT_OBJECT, "through a string");
  check(json.setString(utf8('{"a":'), ["a"], "x").error!.kind == json.INVALID, "not JSON");
  check(json.setNumber(d, ["n"], NaN).error!.kind == json.WRONG_TYPE, "NaN");
  check(str(d) == src, "input unchanged");
}

export function test_json_round_trip(): void {
  const strings = ["", "plain", "é😀\u2028", "\x00\x1f\"\\/", "a\x7fb"];
  for (let k = 0; k < strings.length; k++) {
    const out = json.setString(utf8("{}"), ["k"], strings[k]).value;
    check(json.raw(out, []).ok && json.getString(out, ["k"]).value == strings[k], "string round trip " + k.toString());
  }
  const nums: f64[] = [0, 1, -2.5, 1e21, 1.5e-7, 123456.789, f64.MAX_VALUE, 5e-324];
  for (let k = 0; k < nums.length; k++) {
    const out = json.setNumber(utf8("{}"), ["k"], nums[k]).value;
    check(json.getNumber(out, ["k"]).value == nums[k], "number round trip " + str(out));
  }
}
