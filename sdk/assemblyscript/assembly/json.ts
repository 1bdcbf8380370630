// Read or write one scalar (string, number, boolean, null) at a path of object keys in a JSON
// document held as bytes, such as the value under `value_converter: json`:
//
//   const r = json.getString(getValue(), ["email"]);
//   if (!r.ok) return error("mask: " + r.error!.message);
//   const w = json.setString(getValue(), ["email"], "***");
//   if (w.ok) setValue(w.value);
//
// AssemblyScript cannot catch exceptions, so every function returns a Result: `value` when
// `ok`, else `error` (a kind and the same message as in the other SDKs). A write splices the
// new value into a copy of the document and leaves every other byte as it was (key order,
// spacing, the spelling of numbers). A path goes through objects only: array indexes are not
// supported. With duplicate keys the last one counts, as in JSON.parse.

import { ByteWriter, putUTF8 } from "./bytes";
import { writeJSONString } from "./record";

/** The document is not one JSON value. */
export const INVALID: i32 = 1;
/** The path leads to no value. */
export const NOT_FOUND: i32 = 2;
/** A step of the path is not an object. */
export const NOT_OBJECT: i32 = 3;
/** The value is not of the type asked for. */
export const WRONG_TYPE: i32 = 4;

/** Nesting bound, so that a hostile value cannot exhaust the stack (as in every SDK). */
export const MAX_DEPTH: i32 = 512;

export class JsonError {
  constructor(public kind: i32, public message: string) {}
}

/** A value, or the error that prevented it. */
export class Result<T> {
  constructor(public value: T, public error: JsonError | null) {}
  get ok(): bool {
    return this.error === null;
  }
}

function pathError(kind: i32, path: string[], what: string): JsonError {
  return new JsonError(kind, "path " + path.join(".") + ": " + what);
}

/** The type of the value starting with byte `c`, with its article. */
function typeName(c: u8): string {
  if (c == 0x7b) return "an object";
  if (c == 0x5b) return "an array";
  if (c == 0x22) return "a string";
  if (c == 0x74 || c == 0x66) return "a boolean";
  if (c == 0x6e) return "null";
  return "a number";
}

// ---- scanning --------------------------------------------------------------------------------

class Scanner {
  i: i32 = 0;
  constructor(public doc: Uint8Array) {}

  invalid(): JsonError {
    return new JsonError(INVALID, "invalid JSON at byte " + this.i.toString());
  }

  skipSpace(): void {
    const d = this.doc;
    while (this.i < d.length) {
      const c = d[this.i];
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.i++;
    }
  }

  /** Whether the next byte is `c`; consumes it if so. */
  at(c: u8): bool {
    if (this.i < this.doc.length && this.doc[this.i] == c) {
      this.i++;
      return true;
    }
    return false;
  }

  digits(): bool {
    const start = this.i;
    while (this.i < this.doc.length && this.doc[this.i] >= 0x30 && this.doc[this.i] <= 0x39) this.i++;
    return this.i > start;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(): bool {
    this.at(0x2d);
    if (!this.at(0x30) && !this.digits()) return false;
    if (this.at(0x2e) && !this.digits()) return false;
    if (this.at(0x65) || this.at(0x45)) {
      if (!this.at(0x2b)) this.at(0x2d);
      if (!this.digits()) return false;
    }
    return true;
  }

  literal(word: string): bool {
    for (let k = 0; k < word.length; k++) {
      if (!this.at(<u8>word.charCodeAt(k))) return false;
    }
    return true;
  }

  /** A string literal, quotes included. */
  string(): bool {
    const d = this.doc;
    if (!this.at(0x22)) return false;
    while (this.i < d.length) {
      const c = d[this.i];
      if (c == 0x22) {
        this.i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c != 0x5c) {
        this.i++;
        continue;
      }
      if (++this.i >= d.length) return false;
      const e = d[this.i];
      if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
        this.i++;
      } else if (e == 0x75 && hex4(d, this.i + 1) >= 0) {
        this.i += 5;
      } else {
        return false;
      }
    }
    return false;
  }

  /** Checks the value at `i` (after any space) and moves past it; false if it is not JSON,
   * with `i` at the offending byte. */
  value(depth: i32): bool {
    this.skipSpace();
    if (this.i >= this.doc.length || depth > MAX_DEPTH) return false;
    const open = this.doc[this.i];
    if (open == 0x7b || open == 0x5b) {
      const close: u8 = open == 0x7b ? 0x7d : 0x5d;
      this.i++;
      this.skipSpace();
      if (this.at(close)) return true;
      while (true) {
        if (open == 0x7b) {
          this.skipSpace();
          if (!this.string()) return false;
          this.skipSpace();
          if (!this.at(0x3a)) return false;
        }
        if (!this.value(depth + 1)) return false;
        this.skipSpace();
        if (this.at(close)) return true;
        if (!this.at(0x2c)) return false;
      }
    }
    if (open == 0x22) return this.string();
    if (open == 0x74) return this.literal("true");
    if (open == 0x66) return this.literal("false");
    if (open == 0x6e) return this.literal("null");
    return this.number();
  }
}

/** The value of four hex digits at d[i..], or -1. */
function hex4(d: Uint8Array, i: i32): i32 {
  if (i + 4 > d.length) return -1;
  let r = 0;
  for (let k = 0; k < 4; k++) {
    const c = <i32>d[i + k];
    let v = -1;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x41 + 10;
    if (v < 0) return -1;
    r = (r << 4) | v;
  }
  return r;
}


/** The UTF-8 bytes of the checked string literal d[start..end), unescaped. A lone surrogate
 * becomes U+FFFD. */
function unquote(d: Uint8Array, start: i32, end: i32): Uint8Array {
  const w = new ByteWriter(end - start);
  let i = start + 1;
  const n = end - 1;
  while (i < n) {
    const c = d[i];
    if (c != 0x5c) {
      w.byte(c);
      i++;
      continue;
    }
    const e = d[i + 1];
    i += 2;
    if (e == 0x62) w.byte(8);
    else if (e == 0x66) w.byte(12);
    else if (e == 0x6e) w.byte(10);
    else if (e == 0x72) w.byte(13);
    else if (e == 0x74) w.byte(9);
    else if (e == 0x75) {
      let r = <u32>hex4(d, i);
      i += 4;
      if (r >= 0xd800 && r < 0xdc00 && i + 6 <= n && d[i] == 0x5c && d[i + 1] == 0x75) {
        const lo = hex4(d, i + 2);
        if (lo >= 0xdc00 && lo < 0xe000) {
          r = 0x10000 + ((r - 0xd800) << 10) + (<u32>lo - 0xdc00);
          i += 6;
        }
      }
      if (r >= 0xd800 && r < 0xe000) r = 0xfffd;
      putUTF8(w, r);
    } else w.byte(e); // '"', '\\', '/'
  }
  return w.toBytes();
}

function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  return memory.compare(a.dataStart, b.dataStart, <usize>a.length) == 0;
}

/** Whether the checked string literal d[start..end) spells `key` (UTF-8), without allocating
 * when it has no escapes (the usual case). */
function keyIs(d: Uint8Array, start: i32, end: i32, key: Uint8Array): bool {
  let escaped = false;
  for (let i = start + 1; i < end - 1; i++) if (d[i] == 0x5c) escaped = true;
  if (!escaped) {
    return end - start - 2 == key.length &&
      memory.compare(d.dataStart + <usize>(start + 1), key.dataStart, <usize>key.length) == 0;
  }
  return bytesEqual(unquote(d, start, end), key);
}

/** Where a path leads: the value d[start..end), or the object lacking key path[missing],
 * whose closing brace is at `close`. */
class Place {
  found: bool = false;
  start: i32 = 0;
  end: i32 = 0;
  missing: i32 = 0;
  close: i32 = 0;
  empty: bool = false;
}

/** Checks that `doc` is one JSON value and follows `path` through it. */
function find(doc: Uint8Array, path: string[]): Result<Place> {
  const s = new Scanner(doc);
  const place = new Place();
  if (!s.value(0)) return new Result<Place>(place, s.invalid());
  s.skipSpace();
  if (s.i != doc.length) return new Result<Place>(place, s.invalid());
  s.i = 0;
  s.skipSpace();
  for (let k = 0; k < path.length; k++) {
    if (doc[s.i] != 0x7b) {
      const where = k == 0 ? "the root" : path.slice(0, k).join(".");
      const what = where + " is " + typeName(doc[s.i]) + ", not an object";
      return new Result<Place>(place, pathError(NOT_OBJECT, path, what));
    }
    const key = Uint8Array.wrap(String.UTF8.encode(path[k]));
    s.i++;
    s.skipSpace();
    let members = 0;
    let valueAt = -1;
    // Everything here was checked above.
    while (doc[s.i] != 0x7d) {
      const keyStart = s.i;
      s.string();
      const matches = keyIs(doc, keyStart, s.i, key);
      s.skipSpace();
      s.i++; // ':'
      s.skipSpace();
      if (matches) valueAt = s.i;
      s.value(0);
      s.skipSpace();
      s.at(0x2c);
      s.skipSpace();
      members++;
    }
    if (valueAt < 0) {
      place.missing = k;
      place.close = s.i;
      place.empty = members == 0;
      return new Result<Place>(place, null);
    }
    s.i = valueAt;
  }
  place.found = true;
  place.start = s.i;
  s.value(0);
  place.end = s.i;
  return new Result<Place>(place, null);
}

// ---- reading ---------------------------------------------------------------------------------

/** The bytes of the value at `path` (a view into `doc`), of any type: a string keeps its
 * quotes and escapes, a number its spelling. An empty path is the whole document. */
export function raw(doc: Uint8Array, path: string[]): Result<Uint8Array> {
  const p = find(doc, path);
  const none = new Uint8Array(0);
  if (!p.ok) return new Result<Uint8Array>(none, p.error);
  if (!p.value.found) return new Result<Uint8Array>(none, pathError(NOT_FOUND, path, "not found"));
  return new Result<Uint8Array>(doc.subarray(p.value.start, p.value.end), null);
}

function typed(doc: Uint8Array, path: string[], first: string, want: string): Result<Uint8Array> {
  const r = raw(doc, path);
  if (!r.ok) return r;
  const c = r.value[0];
  if (first.indexOf(String.fromCharCode(c)) < 0) {
    return new Result<Uint8Array>(r.value, pathError(WRONG_TYPE, path, typeName(c) + ", not " + want));
  }
  return r;
}

/** The string at `path`, unescaped (bytes that are not UTF-8 become U+FFFD). */
export function getString(doc: Uint8Array, path: string[]): Result<string> {
  const r = typed(doc, path, '"', "a string");
  if (!r.ok) return new Result<string>("", r.error);
  const b = unquote(r.value, 0, r.value.length);
  return new Result<string>(String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length), null);
}

/** The number at `path` as an f64 (integers beyond 2^53 lose precision: use getInt). */
export function getNumber(doc: Uint8Array, path: string[]): Result<f64> {
  const r = typed(doc, path, "-0123456789", "a number");
  if (!r.ok) return new Result<f64>(0, r.error);
  const text = String.UTF8.decodeUnsafe(r.value.dataStart, <usize>r.value.length);
  const f = parseFloat(text);
  if (!isFinite(f)) {
    return new Result<f64>(0, pathError(WRONG_TYPE, path, text + " is out of range for a float64"));
  }
  return new Result<f64>(f, null);
}

/** The number at `path` as an i64; it must be written as an integer (no fraction or exponent)
 * within the range of i64. */
export function getInt(doc: Uint8Array, path: string[]): Result<i64> {
  const r = typed(doc, path, "-0123456789", "a number");
  if (!r.ok) return new Result<i64>(0, r.error);
  const t = r.value;
  const neg = t[0] == 0x2d;
  const limit: u64 = neg ? 0x8000000000000000 : 0x7fffffffffffffff;
  let v: u64 = 0;
  for (let i = neg ? 1 : 0; i < t.length; i++) {
    const c = <u64>t[i];
    if (c < 0x30 || c > 0x39 || v > (limit - (c - 0x30)) / 10) {
      const text = String.UTF8.decodeUnsafe(t.dataStart, <usize>t.length);
      return new Result<i64>(0, pathError(WRONG_TYPE, path, text + " is not a 64-bit integer"));
    }
    v = v * 10 + (c - 0x30);
  }
  return new Result<i64>(neg ? <i64>(0 - v) : <i64>v, null);
}

/** The boolean at `path`. */
export function getBool(doc: Uint8Array, path: string[]): Result<bool> {
  const r = typed(doc, path, "tf", "a boolean");
  return new Result<bool>(r.ok && r.value[0] == 0x74, r.error);
}

/** Whether the value at `path` is null; a missing path is an error, not null. */
export function isNull(doc: Uint8Array, path: string[]): Result<bool> {
  const r = raw(doc, path);
  return new Result<bool>(r.ok && r.value[0] == 0x6e, r.error);
}

// ---- writing ---------------------------------------------------------------------------------

/** A copy of `doc` with the JSON text `encoded` at `path`. */
function splice(doc: Uint8Array, path: string[], encoded: Uint8Array): Result<Uint8Array> {
  const r = find(doc, path);
  if (!r.ok) return new Result<Uint8Array>(new Uint8Array(0), r.error);
  const p = r.value;
  const at = p.found ? p.start : p.close;
  const end = p.found ? p.end : p.close;
  const w = new ByteWriter(doc.length + encoded.length + 16);
  w.bytes(doc.subarray(0, at));
  if (!p.found) {
    // `"k1":{"k2":...:value}` before the closing brace
    if (!p.empty) w.byte(0x2c);
    for (let k = p.missing; k < path.length; k++) {
      if (k > p.missing) w.byte(0x7b);
      writeJSONString(w, path[k]);
      w.byte(0x3a);
    }
  }
  w.bytes(encoded);
  if (!p.found) for (let k = p.missing + 1; k < path.length; k++) w.byte(0x7d);
  w.bytes(doc.subarray(end));
  return new Result<Uint8Array>(w.toBytes(), null);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** A copy of `doc` with the value at `path` replaced by the string `s` (quotes, backslashes and
 * control characters escaped, lone surrogates as U+FFFD). A missing last key is added at the
 * end of its object, and missing objects on the way are created; a step that exists but is
 * not an object is an error. */
export function setString(doc: Uint8Array, path: string[], s: string): Result<Uint8Array> {
  const w = new ByteWriter(s.length + 2);
  writeJSONString(w, s);
  return splice(doc, path, w.toBytes());
}

/** setString for a number: integers (up to 2^53) without a fraction, others as
 * AssemblyScript prints them (1.5, 1e+21). NaN and infinities have no JSON form: an error. */
export function setNumber(doc: Uint8Array, path: string[], f: f64): Result<Uint8Array> {
  if (!isFinite(f)) {
    return new Result<Uint8Array>(new Uint8Array(0),
      pathError(WRONG_TYPE, path, "NaN and infinities are not JSON numbers"));
  }
  const text = Math.abs(f) < 9007199254740992 && Math.floor(f) == f ? (<i64>f).toString() : f.toString();
  return splice(doc, path, ascii(text));
}

/** setString for an integer. */
export function setInt(doc: Uint8Array, path: string[], n: i64): Result<Uint8Array> {
  return splice(doc, path, ascii(n.toString()));
}

/** setString for a boolean. */
export function setBool(doc: Uint8Array, path: string[], b: bool): Result<Uint8Array> {
  return splice(doc, path, ascii(b ? "true" : "false"));
}

/** setString for null. */
export function setNull(doc: Uint8Array, path: string[]): Result<Uint8Array> {
  return splice(doc, path, ascii("null"));
}
